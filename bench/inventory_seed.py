"""Seed an inventory for benchmarks: reference data, then items with history, in bulk.

    reset_schema(engine)                  # on PostgreSQL: drop and recreate schema public
    with app.app_context():
        flask_migrate.upgrade()
    world = seed(engine, 100_000)         # or seed(db.session, ...); no app context needed
    analyze(engine)

The items are bulk Core inserts rather than services, so that 100,000 take seconds; the
reference data (organisation, departments, sites, storerooms, categories, two users whose
password is PASSWORD) goes through the services, as the app makes it. The same random seed
gives the same data on SQLite and PostgreSQL. The database must be freshly migrated: the
item ids are taken to run from 1 to n_items.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.auth.services import create_user
from app.folding import folded
from bench.inventory_vocabulary import (
    ATTRIBUTES,
    BRANDS,
    CATEGORY_TREE,
    CONDITION_WEIGHTS,
    DEPARTMENTS,
    MODELS,
    NOTES,
    NOUNS,
    SITES,
    SIZES,
    STATUS_WEIGHTS,
)
from inventory import bulk, place_records
from inventory.models import (
    Counter,
    Department,
    Disposition,
    EventKind,
    Item,
    ItemEvent,
    ItemStatus,
    Organisation,
)

PASSWORD = "bench password 123"  # both users'
DEFAULT_SEED = 20261123
CHUNK = 5_000
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # items are created up to five years before
STORED = (ItemStatus.IN_STORAGE, ItemStatus.OFFERED, ItemStatus.RESERVED)


@dataclass
class World:
    """What the seeding created, for building the requests."""

    department_ids: list[int]
    category_ids: dict[str, int]  # name -> id, roots and children
    site_ids: list[int]
    storeroom_ids: list[int]
    staff_email: str
    requester_email: str


def seed(
    target: Session | Engine,
    n_items: int,
    *,
    tag_prefix: str = "INV-",
    digits: int = 6,
    random_seed: int = DEFAULT_SEED,
) -> World:
    """Create the reference data and `n_items` items with their history, and commit.

    `target` is a session (Flask-SQLAlchemy's `db.session` will do) or an engine, for which a
    session is opened and closed. Tags are `tag_prefix` and the item's number in `digits`
    digits, as the app's TAG_PREFIX and TAG_DIGITS make them. Seeding takes about 8 s for
    100,000 items on SQLite and 14 s on PostgreSQL (docs/benchmarks.md).
    """
    if isinstance(target, Engine):
        with Session(target) as session:
            return seed(
                session, n_items, tag_prefix=tag_prefix, digits=digits, random_seed=random_seed
            )
    world = create_reference_data(target)
    seed_items(target, n_items, world, tag_prefix=tag_prefix, digits=digits, seed=random_seed)
    return world


def reset_schema(engine: Engine) -> None:
    """On PostgreSQL, drop and recreate the schema public (as tests/conftest.py does)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def analyze(engine: Engine) -> None:
    """Give the planner statistics, as a database that has run for a while would have."""
    if engine.dialect.name == "postgresql":
        # VACUUM cannot run in a transaction; it also sets the visibility map, as autovacuum
        # would on a database that has been running for a while.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


# --- reference data --------------------------------------------------------------------------


def create_reference_data(session: Session) -> World:
    """Create the organisation, places, categories and two users through the services."""
    session.add(Organisation(name="Sundby kommun", currency="SEK"))
    departments = [place_records.save_department(session, name) for name in DEPARTMENTS]
    site_ids, storeroom_ids = _create_places(session, departments)
    category_ids = _create_categories(session)
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


def _create_places(session: Session, departments: list[Department]) -> tuple[list[int], list[int]]:
    """Sites and their storerooms, the storerooms' departments taken in turn."""
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
    return site_ids, storeroom_ids


def _create_categories(session: Session) -> dict[str, int]:
    """The two-level category tree; children carry a replacement value and CO2e."""
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
    return category_ids


# --- items -----------------------------------------------------------------------------------


def zipf(n: int, s: float = 1.0) -> list[float]:
    """Weights 1/rank**s for n ranks."""
    return [1 / (rank**s) for rank in range(1, n + 1)]


class Pick:
    """Draw from a weighted population quickly (rng.choices recomputes the weights per call)."""

    def __init__(self, population, weights):
        self.population = list(population)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.population[bisect(self.cumulative, rng.random() * self.total)]


@dataclass
class Picks:
    """The weighted draws an item's fields come from."""

    noun: Pick
    brand_of: dict[str, Pick]
    model: Pick
    attribute: Pick
    note: Pick
    department: Pick
    status: Pick
    condition: Pick

    @classmethod
    def for_world(cls, world: World) -> Picks:
        return cls(
            noun=Pick(NOUNS, zipf(len(NOUNS))),
            brand_of={group: Pick(names, zipf(len(names))) for group, names in BRANDS.items()},
            model=Pick(MODELS, zipf(len(MODELS))),
            attribute=Pick(ATTRIBUTES, zipf(len(ATTRIBUTES), 0.8)),
            note=Pick(NOTES, zipf(len(NOTES))),
            department=Pick(world.department_ids, zipf(len(world.department_ids), 0.7)),
            status=Pick(STATUS_WEIGHTS, STATUS_WEIGHTS.values()),
            condition=Pick(CONDITION_WEIGHTS, CONDITION_WEIGHTS.values()),
        )


def item_name(picks: Picks, rng: random.Random) -> tuple[list[str], str, str]:
    """The words of a name (type word, brand, often a model and a colour), its category, brand."""
    name, category, group = picks.noun(rng)
    brand = picks.brand_of[group](rng)
    words = [name, brand]
    roll = rng.random()
    if roll < 0.6:
        words.append(picks.model(rng))
    elif roll < 0.7:  # a long tail of rare model codes
        words.append(f"M{rng.randint(100, 9999)}")
    if rng.random() < 0.5:
        words.append(picks.attribute(rng))
    if category == "Bord" and rng.random() < 0.4:
        words.append(rng.choice(SIZES))
    return words, category, brand


def item_rows(
    count: int, world: World, rng: random.Random, tag_prefix: str, digits: int
) -> Iterator[dict]:
    """Yield `count` item dicts with realistic, Zipf-distributed names."""
    picks = Picks.for_world(world)
    dispositions = list(Disposition)
    for number in range(1, count + 1):
        words, category, brand = item_name(picks, rng)
        status = picks.status(rng)
        stored = status in STORED or (status == ItemStatus.DISPOSED and rng.random() < 0.5)
        lot = rng.random() < 0.05
        created = NOW - timedelta(minutes=rng.randrange(30 * 1440, 1800 * 1440))
        updated = created + timedelta(minutes=rng.randrange(0, 30 * 1440))
        priced = rng.random() < 0.6
        tag, name = f"{tag_prefix}{number:0{digits}d}", " ".join(words)
        yield {
            "tag": tag,
            "tag_key": folded(tag),
            "name": name,
            "name_key": folded(name),
            "category_id": world.category_ids[category] if rng.random() < 0.97 else None,
            "department_id": picks.department(rng),
            "storeroom_id": rng.choice(world.storeroom_ids) if stored else None,
            "place": "" if stored else f"Rum {rng.randint(100, 450)}",
            "status": status,
            "condition": picks.condition(rng),
            "quantity": rng.randint(2, 30) if lot else 1,
            "serial_number": "" if lot or rng.random() < 0.3 else _serial(brand, rng),
            "manufacturer": brand,
            "model": words[2] if len(words) > 2 else "",
            "purchase_date": _purchase_date(rng) if priced else None,
            "purchase_price": Decimal(rng.randint(200, 25000)) if priced else None,
            "replacement_value": None,
            "notes": picks.note(rng) if rng.random() < 0.25 else "",
            "extra": {},
            "disposition": rng.choice(dispositions) if status == ItemStatus.DISPOSED else None,
            "version": 1,
            "created_at": created,
            "updated_at": updated,
        }


def _serial(brand: str, rng: random.Random) -> str:
    return f"{brand[:3].upper()}-{rng.randint(2010, 2025)}-{rng.randint(0, 999999):06d}"


def _purchase_date(rng: random.Random) -> date:
    return date(2010, 1, 1) + timedelta(days=rng.randint(0, 5500))


def seed_items(
    session: Session, count: int, world: World, *, tag_prefix: str, digits: int, seed: int
) -> None:
    """Bulk-insert the items and their history (one 'created' event each, some moves)."""
    rng = random.Random(seed)
    staff_id = session.scalar(text("SELECT id FROM users WHERE role = 'staff'"))
    chunk: list[dict] = []
    first_id = 1
    for row in item_rows(count, world, rng, tag_prefix, digits):
        chunk.append(row)
        if len(chunk) == CHUNK:
            _insert_chunk(session, chunk, first_id, staff_id, rng)
            first_id += len(chunk)
            chunk = []
    if chunk:
        _insert_chunk(session, chunk, first_id, staff_id, rng)
    # Keep the tag sequence in step, so the app would hand out the next free tag.
    session.execute(update(Counter).where(Counter.name == "item_tag").values(value=count))
    bulk.compact_search_index(session)  # as an import of that many rows does
    session.commit()
    max_id = session.scalar(select(func.max(Item.id)))
    assert max_id == count, f"expected item ids 1..{count}, got max {max_id}"


def _insert_chunk(
    session: Session, rows: list[dict], first: int, staff_id: int, rng: random.Random
) -> None:
    """Insert rows (ids first, first + 1, ...) and their events: created, and a move for some."""
    session.execute(insert(Item.__table__), rows)
    history = []
    for offset, row in enumerate(rows):
        item_id = first + offset
        created = {"name": [None, row["name"]]}
        history.append(_event(item_id, EventKind.CREATED, staff_id, row["created_at"], created))
        if row["updated_at"] != row["created_at"] and rng.random() < 0.3:
            moved = {"storeroom": [None, "CL-A"]}
            history.append(_event(item_id, EventKind.MOVED, staff_id, row["updated_at"], moved))
    session.execute(insert(ItemEvent.__table__), history)


def _event(item_id: int, kind: EventKind, user_id: int, at: datetime, changes: dict) -> dict:
    return {
        "item_id": item_id,
        "kind": kind,
        "user_id": user_id,
        "at": at,
        "changes": changes,
        "note": "",
    }
