"""Inventory benchmark: item page, scan redirect and list searches over a large inventory.

Seeds --items items (100,000 by default) into a freshly migrated database with bulk inserts,
logs in through the Flask test client and times each request with time.perf_counter. Prints
median and p95 per case, the ratio of each median to a baseline measured in the same run, and
whether the p95 meets its target.

    python bench/bench_inventory.py [--items 100000] [--runs 200] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary directory, removed at the
end (unless --keep). With a PostgreSQL URL it drops and recreates the schema `public` first,
like tests/conftest.py, so point it only at a database you can throw away.

Baseline: GET /_bench/ping, a route this script adds to the app before the first request. It
is login_required and runs `SELECT 1`, so it pays for everything every real page pays for
(test-client round trip, WSGI, session cookie, before/after-request hooks, loading the user
from the database, one more database round trip) and nothing else. "x base" is a page's median
divided by the ping's median: the cost of the page's own queries and template on top of the
framework floor, which stays comparable across machines. /static/reshelf.css is shown too, as
the cheapest request Flask can answer (no session, no database).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_login import login_required  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.inventory_cases import WARMUP, all_cases, log_in, measure  # noqa: E402
from bench.inventory_report import machine_description, print_table  # noqa: E402
from bench.inventory_sample import take_sample  # noqa: E402
from bench.inventory_seed import (  # noqa: E402
    DEFAULT_SEED,
    World,
    analyze,
    create_reference_data,
    reset_schema,
    seed_items,
)
from inventory.models import ItemEvent  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="items to seed (100000)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per case (200)")
    parser.add_argument(
        "--database-url",
        default="",
        help="database to use, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench "
        "(its schema public is dropped!); default: a fresh SQLite file in a temp dir",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed for the data")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary SQLite file and print its path"
    )
    parser.add_argument(
        "--fail-over", action="store_true", help="exit with status 1 if a p95 is over target"
    )
    args = parser.parse_args(argv)

    tmpdir = None
    url = args.database_url
    if not url:
        tmpdir = tempfile.mkdtemp(prefix="reshelf-bench-")
        url = "sqlite:///" + os.path.join(tmpdir, "bench.db")
    try:
        return run(args, url)
    finally:
        if tmpdir and not args.keep:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif tmpdir:
            print(f"\nKept the database: {os.path.join(tmpdir, 'bench.db')}")


def run(args: argparse.Namespace, url: str) -> int:
    """Seed, look up, measure every case, print the table; 1 if --fail-over and a p95 is over."""
    started = time.perf_counter()
    app = bench_app(url)
    with app.app_context():
        world = prepare(app, args)
        sample = take_sample(world, items=args.items, count=args.runs + WARMUP, seed=args.seed + 1)
        db.session.remove()
    cases = all_cases(sample, log_in(app, world.staff_email), log_in(app, world.requester_email))
    results = []
    for case in cases:
        results.append(measure(case, args.runs))
        print(f"  measured {case.name}: median {results[-1].median:.2f} ms", flush=True)
    print_table(results, args, url)
    print(
        f"\nTotal time {time.perf_counter() - started:.0f} s;"
        f" load average at end {os.getloadavg()[0]:.2f}"
    )
    over = [r for r in results if r.case.target_ms and r.p95 > r.case.target_ms]
    return 1 if over and args.fail_over else 0


def bench_app(url: str) -> Flask:
    """The app on `url`, with the baseline route /_bench/ping added."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})

    @app.route("/_bench/ping")
    @login_required
    def bench_ping():
        db.session.execute(text("SELECT 1")).scalar()
        return "ok"

    return app


def prepare(app: Flask, args: argparse.Namespace) -> World:
    """Describe the machine, migrate a fresh schema, seed and analyze; print how long it took."""
    print("\n".join(machine_description(db.engine)))
    print(f"Items:    {args.items:,}; {args.runs} timed runs per case after {WARMUP} warm-ups")
    print()
    reset_schema(db.engine)
    upgrade()
    world = create_reference_data(db.session)
    seed_started = time.perf_counter()
    seed_items(
        db.session,
        args.items,
        world,
        tag_prefix=app.config["TAG_PREFIX"],
        digits=app.config["TAG_DIGITS"],
        seed=args.seed,
    )
    seeded = time.perf_counter() - seed_started
    analyze_started = time.perf_counter()
    analyze(db.engine)
    analyzed = time.perf_counter() - analyze_started
    events = db.session.scalar(select(func.count()).select_from(ItemEvent))
    print(
        f"Seeded {args.items:,} items and {events:,} history events in {seeded:.1f} s"
        f" (+ ANALYZE {analyzed:.1f} s)"
    )
    return world


if __name__ == "__main__":
    sys.exit(main())
