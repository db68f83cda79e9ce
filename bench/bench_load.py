"""Load benchmark: many people at once on gunicorn with 4 workers, on SQLite or PostgreSQL.

Migrates and seeds --items items (with bench_inventory.py's seeding), gives the offered ones
their listings and creates one warehouse-staff user per client; starts gunicorn on a free port
of 127.0.0.1 in production settings (CSRF on); and from a process of its own (load_clients.py)
runs --clients clients for --seconds seconds, each logged in as its user and doing a mix of
scan look-ups (50%), searches (25%), item pages (15%), edits (5%) and transfer requests (5%),
waiting --think seconds between actions on average (0 measures saturation). Then it checks in
the database that every edit and request the app answered as saved is there and whole, and
prints throughput and p50/p95/p99 per kind of request. The last line holds `errors N`; the
exit status is 1 when N > 0.

    python bench/bench_load.py --database-url URL [--items N] --clients N --seconds S
                               [--think T] [--restart-postgres-at SECONDS]

The database is replaced: PostgreSQL's schema public is dropped, an SQLite file deleted.
--restart-postgres-at restarts the PostgreSQL cluster that far into the run (pg_ctlcluster,
as root): 503 answers during the restart count as the outage; any other failure is an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from inventory_report import machine_description  # noqa: E402
from load_checks import check_saved  # noqa: E402
from load_report import Outage, print_summary, print_table, tally  # noqa: E402
from load_server import free_port, restart_postgres, start_gunicorn, stop  # noqa: E402
from load_world import make_plan, seed  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import database_url  # noqa: E402
from reuse.listings.models import Listing  # noqa: E402

MAX_CLIENTS = 1000
OVERRUN = 120  # seconds the load generator may run past --seconds before it is stopped


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="database to fill (replaced!)")
    parser.add_argument("--items", type=int, default=100_000, help="items to seed (100000)")
    parser.add_argument("--clients", type=int, required=True, help="people at once")
    parser.add_argument("--seconds", type=float, required=True, help="length of the run")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between actions (1)")
    parser.add_argument(
        "--restart-postgres-at",
        type=float,
        metavar="SECONDS",
        help="restart PostgreSQL this many seconds into the run",
    )
    parser.add_argument("--seed", type=int, default=20261123, help="random seed for the data")
    args = parser.parse_args(argv)
    args.database_url = database_url(args.database_url)
    if not 1 <= args.clients <= MAX_CLIENTS or args.seconds <= 0 or args.think < 0:
        parser.error(f"--clients 1 to {MAX_CLIENTS}, --seconds above 0, --think 0 or more")
    if args.items < 10:
        parser.error("--items must be at least 10")
    restart = args.restart_postgres_at
    if restart is not None and not args.database_url.startswith("postgresql"):
        parser.error("--restart-postgres-at needs a PostgreSQL database")
    if restart is not None and not 0 <= restart < args.seconds:
        parser.error("--restart-postgres-at must fall within the run")
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    work = Path(tempfile.mkdtemp(prefix="reshelf-load-"))
    errors = 1
    try:
        errors = run(args, work)
    finally:
        if errors:
            print(f"gunicorn's log and the records are kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if errors else 0


def run(args: argparse.Namespace, work: Path) -> int:
    """Seed, serve, load, check and report; returns the number of errors."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        print("\n".join(machine_description(db.engine)))
        started = time.perf_counter()
        world = seed(app, args.database_url, items=args.items, clients=args.clients, seed=args.seed)
        plan = make_plan(app, port=free_port(), args=args, world=world)
        listings = db.session.scalar(select(func.count()).select_from(Listing))
        db.engine.dispose()
    print(
        f"Seeded {args.items:,} items, {listings:,} listings and {args.clients} users"
        f" in {time.perf_counter() - started:.1f} s"
    )
    plan.write(work / "plan.json")
    server = start_gunicorn(args.database_url, plan.port, work / "gunicorn.log")
    try:
        results, outage = drive(args, work)
    finally:
        stop(server)
    with app.app_context():
        problems = check_saved(results["clients"]) + results["login_failures"]
        db.engine.dispose()
    return report(args, results, outage, problems)


def drive(args: argparse.Namespace, work: Path) -> tuple[dict, Outage | None]:
    """Run the load generator; restart PostgreSQL during it when asked."""
    command = [
        sys.executable,
        str(HERE / "load_clients.py"),
        str(work / "plan.json"),
        str(work / "results.json"),
    ]
    generator = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    said = generator.stdout.readline().split()
    outage = None
    if said[:1] == ["start"]:
        print(f"Running {args.clients} clients for {args.seconds:g} s, think {args.think:g} s")
        if args.restart_postgres_at is not None:
            outage = restart_during(float(said[1]) + args.restart_postgres_at)
    try:
        generator.wait(timeout=args.seconds + OVERRUN)
    except subprocess.TimeoutExpired:
        generator.kill()
        generator.wait()
        raise RuntimeError("the load generator overran its time and was stopped") from None
    return json.loads((work / "results.json").read_text()), outage


def restart_during(moment: float) -> Outage:
    time.sleep(max(0.0, moment - time.time()))
    print(f"Restarting PostgreSQL at {time.strftime('%H:%M:%S')}", flush=True)
    began, ended, problem = restart_postgres()
    if problem:
        raise RuntimeError(f"restarting PostgreSQL failed: {problem}")
    print(f"PostgreSQL was back after {ended - began:.1f} s", flush=True)
    return Outage(began, ended)


def report(args, results: dict, outage: Outage | None, problems: list[str]) -> int:
    seconds = results["end"] - results["start"]
    result = tally(results["clients"], outage)
    print(
        f"\nResults: {args.clients} clients, think {args.think:g} s, {args.items:,} items,"
        f" {seconds:.0f} s; load average at end {os.getloadavg()[0]:.2f}"
    )
    print_table(result, seconds)
    skipped = sum(client["skipped"] for client in results["clients"])
    return print_summary(result, seconds, skipped, problems)


if __name__ == "__main__":
    sys.exit(main())
