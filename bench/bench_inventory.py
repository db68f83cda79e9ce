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
import gc
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, current_app  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_login import login_required  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text, update  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.auth.roles import Role  # noqa: E402
from app.auth.services import create_user  # noqa: E402
from app.demo import DEPARTMENTS as DEMO_DEPARTMENTS  # noqa: E402
from app.extensions import db  # noqa: E402
from inventory import item_tags, place_records, queries  # noqa: E402
from inventory.models import (  # noqa: E402
    CategoryKind,
    Condition,
    Counter,
    Disposition,
    EventKind,
    Item,
    ItemEvent,
    ItemStatus,
    Organisation,
)
from inventory.search import filter_matching, search_terms  # noqa: E402

PASSWORD = "bench password 123"
CHUNK = 5_000
WARMUP = 5

# --- vocabulary ------------------------------------------------------------------------------
# Nouns in rank order; a noun's weight is 1/rank (Zipf), which gives 'stol' about a fifth of
# all names. Each noun maps to a leaf of the category tree and to a brand group.
NOUNS = [
    ("Stol", "Stolar", "furniture"),
    ("Bord", "Bord", "furniture"),
    ("Hylla", "Förvaring", "furniture"),
    ("Skåp", "Förvaring", "furniture"),
    ("Lampa", "Belysning", "equipment"),
    ("Skrivbord", "Bord", "furniture"),
    ("Chair", "Stolar", "furniture"),
    ("Rollator", "Gånghjälpmedel", "aid"),
    ("Kontorsstol", "Stolar", "furniture"),
    ("Rullstol", "Rullstolar", "aid"),
    ("Desk", "Bord", "furniture"),
    ("Soffa", "Soffor", "furniture"),
    ("Bänk", "Soffor", "furniture"),
    ("Pall", "Stolar", "furniture"),
    ("Skärm", "IT", "equipment"),
    ("Vårdsäng", "Sängar", "aid"),
    ("Projektor", "AV", "equipment"),
    ("Bokhylla", "Förvaring", "furniture"),
    ("Whiteboard", "AV", "equipment"),
    ("Dator", "IT", "equipment"),
    ("Stapelstol", "Stolar", "furniture"),
    ("Fåtölj", "Soffor", "furniture"),
    ("Arkivskåp", "Förvaring", "furniture"),
    ("Table", "Bord", "furniture"),
    ("Kylskåp", "Kök", "equipment"),
    ("Duschstol", "Hygien", "aid"),
    ("Elevbord", "Bord", "furniture"),
    ("Byrå", "Förvaring", "furniture"),
    ("Shelf", "Förvaring", "furniture"),
    ("Mikrovågsugn", "Kök", "equipment"),
    ("Karmstol", "Stolar", "furniture"),
    ("Skrivare", "IT", "equipment"),
    ("Gåbord", "Gånghjälpmedel", "aid"),
    ("Kaffebryggare", "Kök", "equipment"),
    ("Konferensbord", "Bord", "furniture"),
    ("Golvlampa", "Belysning", "equipment"),
    ("Wheelchair", "Rullstolar", "aid"),
    ("Högtalare", "AV", "equipment"),
    ("Säng", "Sängar", "aid"),
    ("Diskmaskin", "Kök", "equipment"),
    ("Cabinet", "Förvaring", "furniture"),
    ("Lyftsele", "Hygien", "aid"),
    ("Walker", "Gånghjälpmedel", "aid"),
    ("Klädhängare", "Förvaring", "furniture"),
    ("Spegel", "Förvaring", "furniture"),
]
# Category tree: root -> [(child, leaf names)]; items go into the children.
CATEGORY_TREE = {
    ("Möbler", CategoryKind.FURNITURE): ["Stolar", "Bord", "Förvaring", "Soffor"],
    ("Hjälpmedel", CategoryKind.ASSISTIVE_AID): [
        "Gånghjälpmedel",
        "Rullstolar",
        "Sängar",
        "Hygien",
    ],
    ("Utrustning", CategoryKind.EQUIPMENT): ["AV", "IT", "Kök", "Belysning"],
}
BRANDS = {
    "furniture": [
        "Kinnarps",
        "IKEA",
        "Lammhults",
        "Materia",
        "Offecct",
        "Martela",
        "EFG",
        "Edsbyn",
        "Gärsnäs",
        "Abstracta",
        "Johanson",
        "Swedese",
        "Norrgavel",
        "Ire",
    ],
    "aid": ["Etac", "Invacare", "Topro", "Permobil", "Sunrise", "Handicare", "Linak", "Vermeiren"],
    "equipment": [
        "Philips",
        "Epson",
        "HP",
        "Dell",
        "Lenovo",
        "Samsung",
        "Electrolux",
        "Bosch",
        "Miele",
        "BenQ",
        "Canon",
        "Logitech",
    ],
}
MODELS = [
    "3000",
    "6000",
    "Plus",
    "Pro",
    "Classic",
    "Flex",
    "Cross",
    "Mini",
    "Max",
    "Eco",
    "Nova",
    "Swift",
    "Capella",
    "Olympos",
    "Delta",
    "Orbit",
    "Zenit",
    "Atlas",
    "Luna",
    "Sigma",
]
ATTRIBUTES = [
    "svart",
    "vit",
    "grå",
    "ek",
    "björk",
    "blå",
    "krom",
    "black",
    "röd",
    "tyg",
    "läder",
    "grön",
    "white",
    "bok",
    "furu",
    "oak",
    "beige",
    "antracit",
    "gul",
    "orange",
]
SIZES = ["120x80", "160x80", "140x70", "80x80", "200 cm", "180 cm", "60x40", "90x200"]
NOTES = [
    "Repa på vänster sida",
    "Saknar ett hjul",
    "Nyligen servad",
    "Från flytten 2021",
    "Trasigt armstöd",
    "Scratched top",
    "Fläckar på sitsen",
    "Ska lagas före utlåning",
    "Missing one wheel",
    "Reservdelar finns i förrådet",
    "Höjdinställningen kärvar",
    "Batteriet bytt 2022",
    "Ny klädsel 2020",
    "Lånas ut till hemtjänsten",
    "Kontrollerad av tekniker",
    "Gammal modell, fungerar bra",
    "Extra kuddar medföljer",
    "Nyckel saknas",
    "Serviced in 2023",
    "Donated by Västra skolan",
]
DEPARTMENTS = [*DEMO_DEPARTMENTS, "Biblioteket"]  # the demo organisation, one more
SITES = [
    ("Stadshuset", "Sundby", ["SH-K1", "SH-K2"]),
    ("Östra skolan", "Sundby", ["OS-F1", "OS-V"]),
    ("Vårdcentralen Norr", "Norrby", ["VC-H1", "VC-F2"]),
    ("Centrallagret", "Sundby", ["CL-A", "CL-B", "CL-C", "CL-D"]),
]
STATUS_WEIGHTS = {
    ItemStatus.IN_USE: 45,
    ItemStatus.IN_STORAGE: 35,
    ItemStatus.OFFERED: 8,
    ItemStatus.RESERVED: 4,
    ItemStatus.DISPOSED: 8,
}
CONDITION_WEIGHTS = {
    Condition.NEW: 10,
    Condition.GOOD: 50,
    Condition.FAIR: 25,
    Condition.NEEDS_REPAIR: 10,
    Condition.BROKEN: 5,
}

# --- the searches ----------------------------------------------------------------------------
COMMON_WORD = "stol"  # about 20% of names
RARE_PHRASE = "rullstol etac grön"  # three mid-frequency words, a few dozen rows together
NO_MATCH = "xylofon"


def zipf(n: int, s: float = 1.0) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


# --- setup -----------------------------------------------------------------------------------


@dataclass
class World:
    """What the seeding created, for building the requests."""

    department_ids: list[int]
    category_ids: dict[str, int]  # name -> id, roots and children
    site_ids: list[int]
    storeroom_ids: list[int]
    staff_email: str
    requester_email: str


def reset_schema(url: str) -> None:
    if url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def create_reference_data() -> World:
    session = db.session
    session.add(Organisation(name="Sundby kommun", currency="SEK"))
    departments = [place_records.save_department(session, name) for name in DEPARTMENTS]
    site_ids, storeroom_ids = [], []
    for index, (name, town, codes) in enumerate(SITES):
        site = place_records.save_site(session, name=name, town=town)
        site_ids.append(site.id)
        for code in codes:
            room = place_records.save_storeroom(
                session,
                code=code,
                name=f"Förråd {code}",
                site=site,
                department=departments[index % len(departments)],
            )
            storeroom_ids.append(room.id)
    category_ids = {}
    for (root_name, kind), children in CATEGORY_TREE.items():
        root = place_records.save_category(
            session, name=root_name, parent=None, kind=kind, replacement_value=None, co2e_kg=None
        )
        category_ids[root_name] = root.id
        for child in children:
            node = place_records.save_category(
                session,
                name=child,
                parent=root,
                kind=kind,
                replacement_value=Decimal("2500"),
                co2e_kg=Decimal("40"),
            )
            category_ids[child] = node.id
    staff = create_user(
        session,
        "staff@bench.example",
        role=Role.STAFF,
        department=departments[0],
        name="Bench Staff",
        password=PASSWORD,
    )
    requester = create_user(
        session,
        "requester@bench.example",
        role=Role.REQUESTER,
        department=departments[1],
        name="Bench Requester",
        password=PASSWORD,
    )
    session.commit()
    return World(
        department_ids=[d.id for d in departments],
        category_ids=category_ids,
        site_ids=site_ids,
        storeroom_ids=storeroom_ids,
        staff_email=staff.email,
        requester_email=requester.email,
    )


class Pick:
    """Draw from a weighted population quickly (rng.choices recomputes the weights per call)."""

    def __init__(self, population, weights):
        self.population = list(population)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.population[bisect(self.cumulative, rng.random() * self.total)]


def item_rows(count: int, world: World, rng: random.Random, tag_prefix: str, digits: int):
    """Yield `count` item dicts with realistic, Zipf-distributed names."""
    noun = Pick(NOUNS, zipf(len(NOUNS)))
    brand_of = {group: Pick(names, zipf(len(names))) for group, names in BRANDS.items()}
    model = Pick(MODELS, zipf(len(MODELS)))
    attribute = Pick(ATTRIBUTES, zipf(len(ATTRIBUTES), 0.8))
    note = Pick(NOTES, zipf(len(NOTES)))
    department = Pick(world.department_ids, zipf(len(world.department_ids), 0.7))
    status_of = Pick(STATUS_WEIGHTS, STATUS_WEIGHTS.values())
    condition = Pick(CONDITION_WEIGHTS, CONDITION_WEIGHTS.values())
    dispositions = list(Disposition)
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    for number in range(1, count + 1):
        name, category, group = noun(rng)
        brand = brand_of[group](rng)
        words = [name, brand]
        roll = rng.random()
        if roll < 0.6:
            words.append(model(rng))
        elif roll < 0.7:  # a long tail of rare model codes
            words.append(f"M{rng.randint(100, 9999)}")
        if rng.random() < 0.5:
            words.append(attribute(rng))
        if category == "Bord" and rng.random() < 0.4:
            words.append(rng.choice(SIZES))
        status = status_of(rng)
        stored = status in (ItemStatus.IN_STORAGE, ItemStatus.OFFERED, ItemStatus.RESERVED)
        stored = stored or (status == ItemStatus.DISPOSED and rng.random() < 0.5)
        lot = rng.random() < 0.05
        created = now - timedelta(minutes=rng.randrange(30 * 1440, 1800 * 1440))
        updated = created + timedelta(minutes=rng.randrange(0, 30 * 1440))
        priced = rng.random() < 0.6
        yield {
            "tag": f"{tag_prefix}{number:0{digits}d}",
            "name": " ".join(words),
            "category_id": world.category_ids[category] if rng.random() < 0.97 else None,
            "department_id": department(rng),
            "storeroom_id": rng.choice(world.storeroom_ids) if stored else None,
            "place": "" if stored else f"Rum {rng.randint(100, 450)}",
            "status": status,
            "condition": condition(rng),
            "quantity": rng.randint(2, 30) if lot else 1,
            "serial_number": ""
            if lot or rng.random() < 0.3
            else f"{brand[:3].upper()}-{rng.randint(2010, 2025)}-{rng.randint(0, 999999):06d}",
            "manufacturer": brand,
            "model": words[2] if len(words) > 2 else "",
            "purchase_date": date(2010, 1, 1) + timedelta(days=rng.randint(0, 5500))
            if priced
            else None,
            "purchase_price": Decimal(rng.randint(200, 25000)) if priced else None,
            "replacement_value": None,
            "notes": note(rng) if rng.random() < 0.25 else "",
            "extra": {},
            "disposition": rng.choice(dispositions) if status == ItemStatus.DISPOSED else None,
            "version": 1,
            "created_at": created,
            "updated_at": updated,
        }


def seed_items(count: int, world: World, *, tag_prefix: str, digits: int, seed: int) -> None:
    """Bulk-insert the items and their history (one 'created' event each, some moves)."""
    rng = random.Random(seed)
    session = db.session
    staff_id = session.scalar(text("SELECT id FROM users WHERE role = 'staff'"))
    items = Item.__table__
    events = ItemEvent.__table__
    chunk: list[dict] = []
    first_id = 1

    def flush(rows: list[dict], first: int) -> None:
        session.execute(insert(items), rows)
        history = []
        for offset, row in enumerate(rows):
            item_id = first + offset
            history.append(
                {
                    "item_id": item_id,
                    "kind": EventKind.CREATED,
                    "user_id": staff_id,
                    "at": row["created_at"],
                    "changes": {"name": [None, row["name"]]},
                    "note": "",
                }
            )
            if row["updated_at"] != row["created_at"] and rng.random() < 0.3:
                history.append(
                    {
                        "item_id": item_id,
                        "kind": EventKind.MOVED,
                        "user_id": staff_id,
                        "at": row["updated_at"],
                        "changes": {"storeroom": [None, "CL-A"]},
                        "note": "",
                    }
                )
        session.execute(insert(events), history)

    for row in item_rows(count, world, rng, tag_prefix, digits):
        chunk.append(row)
        if len(chunk) == CHUNK:
            flush(chunk, first_id)
            first_id += len(chunk)
            chunk = []
    if chunk:
        flush(chunk, first_id)
    # Keep the tag sequence in step, so the app would hand out the next free tag.
    session.execute(update(Counter).where(Counter.name == "item_tag").values(value=count))
    session.commit()
    max_id = session.scalar(select(func.max(Item.id)))
    assert max_id == count, f"expected item ids 1..{count}, got max {max_id}"


def analyze(url: str) -> None:
    if url.startswith("postgresql"):
        # VACUUM cannot run in a transaction; it also sets the visibility map, as autovacuum
        # would on a database that has been running for a while.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    client: FlaskClient
    url: Callable[[int], str]  # run number -> URL
    status: int
    target_ms: float | None
    check: Callable[[object, str], None] | None = None  # (response, url) -> None or raise
    matches: str = ""


@dataclass
class Result:
    case: Case
    times_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(case: Case, runs: int) -> Result:
    def request(run: int):
        url = case.url(run)
        started = time.perf_counter()
        response = case.client.get(url)
        response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != case.status:
            raise AssertionError(
                f"{case.name}: GET {url} gave {response.status_code}, expected {case.status}"
            )
        return response, url, elapsed

    for run in range(WARMUP):
        response, url, _ = request(-1 - run)
        if case.check:
            case.check(response, url)
    gc.collect()
    times = []
    checked = 0
    for run in range(runs):
        response, url, elapsed = request(run)
        times.append(elapsed)
        if case.check and checked < 20:  # check a sample, outside the timing
            case.check(response, url)
            checked += 1
    return Result(case, times)


def log_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"login as {email} failed ({response.status_code})"
    return client


def body(response) -> str:
    return response.get_data(as_text=True)


def expect_results(response, url: str) -> None:
    text_ = body(response)
    if "No items found" in text_ or 'class="item-list"' not in text_:
        raise AssertionError(f"GET {url}: expected a list of items")


def expect_no_results(response, url: str) -> None:
    if "No items found" not in body(response):
        raise AssertionError(f"GET {url}: expected no items")


def count_matches(user, **filters) -> int:
    """How many items the list would page through for these filters (not timed)."""
    query = queries.search_items(user, queries.ItemFilter(**filters), db.engine.dialect)
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def anchors_at(user, share: float, spread: int, **filters) -> list[int]:
    """Ids of rows `spread` pages around `share` of the way through a list (not timed):
    the ?after= a user reaches by following "next" that far."""
    query = queries.search_items(user, queries.ItemFilter(**filters), db.engine.dialect)
    total = count_matches(user, **filters)
    per_page = current_app.config["ITEMS_PER_PAGE"]
    start = max(0, min(int(total * share), total - (spread + 1) * per_page))
    ids = db.session.scalars(
        query.with_only_columns(Item.id).offset(start).limit(spread * per_page)
    ).all()
    return ids[per_page - 1 :: per_page] or ids[-1:]


def machine_description(url: str) -> list[str]:
    lines = [
        f"Machine:  {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs"
        f" ({platform.processor() or 'unknown processor'})",
        f"Python:   {platform.python_version()} ({platform.python_implementation()})",
        f"SQLite:   {sqlite3.sqlite_version}",
    ]
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line for line in cpuinfo if line.startswith("model name"))
        lines[0] += f"\n          {model.split(':', 1)[1].strip()}"
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0]
    lines.append(f"Load:     {load:.2f} (1-minute load average at start)")
    if load > 0.5 * (os.cpu_count() or 1):
        lines.append("WARNING:  the machine is busy; timings will be noisy and high.")
    if url.startswith("postgresql"):
        with db.engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
        lines.append(f"Database: PostgreSQL {version}")
    else:
        lines.append("Database: SQLite (file in a temporary directory, WAL)")
    return lines


# --- main ------------------------------------------------------------------------------------


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
    parser.add_argument("--seed", type=int, default=20261123, help="random seed for the data")
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
    started = time.perf_counter()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})

    @app.route("/_bench/ping")
    @login_required
    def bench_ping():
        db.session.execute(text("SELECT 1")).scalar()
        return "ok"

    with app.app_context():
        print("\n".join(machine_description(url)))
        print(f"Items:    {args.items:,}; {args.runs} timed runs per case after {WARMUP} warm-ups")
        print()
        reset_schema(url)
        upgrade()
        world = create_reference_data()

        seed_started = time.perf_counter()
        seed_items(
            args.items,
            world,
            tag_prefix=app.config["TAG_PREFIX"],
            digits=app.config["TAG_DIGITS"],
            seed=args.seed,
        )
        seeded = time.perf_counter() - seed_started
        analyze_started = time.perf_counter()
        analyze(url)
        analyzed = time.perf_counter() - analyze_started
        events = db.session.scalar(select(func.count()).select_from(ItemEvent))
        print(
            f"Seeded {args.items:,} items and {events:,} history events in {seeded:.1f} s"
            f" (+ ANALYZE {analyzed:.1f} s)"
        )

        # Everything the requests need, looked up before the clock runs.
        staff = db.session.scalar(select(User).where(User.email == world.staff_email))
        requester = db.session.scalar(select(User).where(User.email == world.requester_email))
        rng = random.Random(args.seed + 1)
        sample_tags = [
            f"{app.config['TAG_PREFIX']}{n:0{app.config['TAG_DIGITS']}d}"
            for n in rng.sample(range(1, args.items + 1), min(args.items, args.runs + WARMUP))
        ]
        tag_to_id = {}
        for tag in sample_tags:  # resolve tag -> id the way the scan view does (ignoring case)
            item = item_tags.find_item_by_tag(db.session, tag.lower())
            assert item is not None, f"seeded tag {tag} not found"
            tag_to_id[tag] = item.id
        db.session.expunge_all()

        common = count_matches(staff, q=COMMON_WORD)
        share = db.session.scalar(  # including disposed items
            select(func.count()).select_from(
                filter_matching(
                    select(Item.id), search_terms(COMMON_WORD), db.engine.dialect
                ).subquery()
            )
        )
        rare = count_matches(staff, q=RARE_PHRASE)
        nothing = count_matches(staff, q=NO_MATCH)
        assert common > 0 and nothing == 0, "full-text search does not find the seeded items"
        print(
            f"Search check: '{COMMON_WORD}' in {share:,} items ({100 * share / args.items:.0f}%),"
            f" {common:,} not disposed; '{RARE_PHRASE}' {rare}; '{NO_MATCH}' {nothing}"
        )

        # Filter combinations to rotate through, so runs do not repeat one cached query.
        big_departments = world.department_ids[:4]
        dept_status = [
            (d, s) for d in big_departments for s in (ItemStatus.IN_USE, ItemStatus.IN_STORAGE)
        ]
        parent_categories = [world.category_ids[n] for n in ("Möbler", "Stolar")]
        cat_site = [(c, s) for c in parent_categories for s in world.site_ids]

        def ds(run: int) -> str:
            d, s = dept_status[run % len(dept_status)]
            return f"department={d}&status={s.value}"

        def cs(run: int) -> str:
            c, s = cat_site[run % len(cat_site)]
            return f"category={c}&site={s}"

        def ds_matches(q: str) -> str:
            counts = [count_matches(staff, q=q, department_id=d, status=s) for d, s in dept_status]
            return f"{min(counts):,}-{max(counts):,}"

        def cs_matches(q: str) -> str:
            counts = [count_matches(staff, q=q, category_id=c, site_id=s) for c, s in cat_site]
            return f"{min(counts):,}-{max(counts):,}"

        # Deep page: 80% of the way through each department+status combination's list.
        # Deep pages: the "next" link 80% of the way through each department+status list,
        # and one of the last ten pages of the common word.
        deep_anchors, deep_rows = [], []
        for d, s in dept_status:
            deep_rows.append(count_matches(staff, department_id=d, status=s))
            for anchor in anchors_at(staff, 0.8, 3, department_id=d, status=s):
                deep_anchors.append((d, s, anchor))
        common_anchors = anchors_at(staff, 1.0, 10, q=COMMON_WORD)
        rows_of = {
            "all": f"{count_matches(staff):,}",
            "common ds": ds_matches(COMMON_WORD),
            "common cs": cs_matches(COMMON_WORD),
            "rare ds": ds_matches(RARE_PHRASE),
            "deep ds": f"{min(deep_rows):,}-{max(deep_rows):,}",
            "requester": f"{count_matches(requester, q=COMMON_WORD, status=ItemStatus.IN_USE):,}",
        }
        db.session.remove()

    staff_client = log_in(app, world.staff_email)
    requester_client = log_in(app, world.requester_email)

    def deep(run: int) -> str:
        d, s, anchor = deep_anchors[run % len(deep_anchors)]
        return f"/items?department={d}&status={s.value}&after={anchor}"

    def deep_common(run: int) -> str:
        return f"/items?q={COMMON_WORD}&after={common_anchors[run % len(common_anchors)]}"

    id_to_tag = {i: t for t, i in tag_to_id.items()}

    def item_page(run: int) -> str:
        return f"/items/{tag_to_id[sample_tags[run % len(sample_tags)]]}"

    def check_item(response, url: str) -> None:
        tag = id_to_tag[int(url.rsplit("/", 1)[1])]
        if tag not in body(response):
            raise AssertionError(f"GET {url}: page does not show {tag}")

    def scan(run: int) -> str:
        tag = sample_tags[run % len(sample_tags)]
        return f"/s/{tag.lower() if run % 2 else tag}"  # scanners send either case

    def check_scan(response, url: str) -> None:
        tag = url.rsplit("/", 1)[1].upper()
        expected = f"/items/{tag_to_id[tag]}"
        if not response.headers["Location"].endswith(expected):
            raise AssertionError(f"GET {url}: redirects to {response.headers['Location']}")

    rare_q = RARE_PHRASE.replace(" ", "+")
    page, search = 10.0, 15.0
    staff_c, req_c = staff_client, requester_client
    cases = [
        Case("baseline: ping (login + SELECT 1)", staff_c, lambda r: "/_bench/ping", 200, None),
        Case(
            "static file /static/reshelf.css", staff_c, lambda r: "/static/reshelf.css", 200, None
        ),
        Case("item page /items/<id>, random tag", staff_c, item_page, 200, page, check_item, "1"),
        Case("scan redirect /s/<tag>, random tag", staff_c, scan, 302, page, check_scan, "1"),
        Case(
            "list, no search, page 1",
            staff_c,
            lambda r: "/items",
            200,
            search,
            expect_results,
            rows_of["all"],
        ),
        Case(
            f"search '{COMMON_WORD}'",
            staff_c,
            lambda r: f"/items?q={COMMON_WORD}",
            200,
            search,
            expect_results,
            f"{common:,}",
        ),
        Case(
            f"search '{COMMON_WORD}' + dept + status",
            staff_c,
            lambda r: f"/items?q={COMMON_WORD}&{ds(r)}",
            200,
            search,
            expect_results,
            rows_of["common ds"],
        ),
        Case(
            f"search '{COMMON_WORD}' + category + site",
            staff_c,
            lambda r: f"/items?q={COMMON_WORD}&{cs(r)}",
            200,
            search,
            expect_results,
            rows_of["common cs"],
        ),
        Case(
            f"search '{RARE_PHRASE}'",
            staff_c,
            lambda r: f"/items?q={rare_q}",
            200,
            search,
            expect_results if rare else expect_no_results,
            f"{rare:,}",
        ),
        Case(
            "search rare phrase + dept + status",
            staff_c,
            lambda r: f"/items?q={rare_q}&{ds(r)}",
            200,
            search,
            None,
            rows_of["rare ds"],
        ),
        Case(
            f"search '{NO_MATCH}' (matches nothing)",
            staff_c,
            lambda r: f"/items?q={NO_MATCH}",
            200,
            search,
            expect_no_results,
            "0",
        ),
        Case(
            "search no match + category + site",
            staff_c,
            lambda r: f"/items?q={NO_MATCH}&{cs(r)}",
            200,
            search,
            expect_no_results,
            "0",
        ),
        Case(
            "deep page: dept + status, 80% in",
            staff_c,
            deep,
            200,
            search,
            expect_results,
            rows_of["deep ds"],
        ),
        Case(
            f"deep page: '{COMMON_WORD}', last pages",
            staff_c,
            deep_common,
            200,
            search,
            expect_results,
            f"{common:,}",
        ),
        Case(
            f"requester: '{COMMON_WORD}' + status",
            req_c,
            lambda r: f"/items?q={COMMON_WORD}&status=in_use",
            200,
            search,
            expect_results,
            rows_of["requester"],
        ),
    ]
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


def print_table(results: list[Result], args: argparse.Namespace, url: str) -> None:
    base = results[0].median
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\nResults on {engine}, {args.items:,} items, {args.runs} runs per case")
    header = f"{'case':<40} {'rows':>13} {'median':>8} {'p95':>8} {'x base':>7} {'target':>8}  "
    print(header)
    print("-" * (len(header) + 4))
    for result in results:
        case = result.case
        target = f"<{case.target_ms:g} ms" if case.target_ms else "-"
        verdict = "" if not case.target_ms else ("OK" if result.p95 < case.target_ms else "OVER")
        print(
            f"{case.name:<40} {case.matches:>13} {result.median:>6.2f}ms {result.p95:>6.2f}ms"
            f" {result.median / base:>6.1f}x {target:>8}  {verdict}"
        )
    print(
        "\nrows: items the list pages through (not disposed), min-max over the filter values"
        " the runs rotate through.\nx base: median / baseline median (a login_required route"
        " that runs SELECT 1). Verdict is on p95."
    )


if __name__ == "__main__":
    sys.exit(main())
