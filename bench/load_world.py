"""The load bench's database: migrated and seeded as bench_inventory.py does it, plus the
listings that transfer requests ask for and one user per client; and the plan each client
follows, written so that no two clients ever touch the same thing in a way that conflicts.

Edits: each client edits only items of its own share (item id modulo the number of clients),
so an edit is never refused as stale because another client saved the item first. Transfer
requests: a department may ask for a listing once, so each listing goes to one client, of a
department other than the owner's.
"""

from __future__ import annotations

import os
import random
import secrets
from datetime import timedelta

from flask import Flask
from flask_migrate import upgrade
from inventory_seed import (
    CHUNK,
    PASSWORD,
    World,
    analyze,
    create_reference_data,
    reset_schema,
    seed_items,
)
from inventory_vocabulary import BRANDS, NOUNS
from load_plan import ClientPlan, Plan
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import Department, Item, ItemStatus
from reuse.listings.models import Listing, Tier
from reuse.listings.states import ListingStatus

EDITS_PER_CLIENT = 300  # items in a client's share it may edit, in turn
ORGANISATION_WINDOW = timedelta(days=14)


def fresh_database(url: str) -> None:
    """Start from nothing: PostgreSQL's schema public is dropped, an SQLite file deleted."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        reset_schema(db.engine)
    upgrade()


def seed(app: Flask, url: str, *, items: int, clients: int, seed: int) -> World:
    """Migrate and fill the database: items, their listings and the clients' users."""
    fresh_database(url)
    world = create_reference_data(db.session)
    seed_items(
        db.session,
        items,
        world,
        tag_prefix=app.config["TAG_PREFIX"],
        digits=app.config["TAG_DIGITS"],
        seed=seed,
    )
    list_offered_items()
    create_client_users(clients, world.department_ids)
    db.session.commit()
    analyze(db.engine)
    return world


def list_offered_items() -> int:
    """Give every item seeded as offered its open listing, in the organisation-wide tier that
    every department may ask from (bulk inserts, as the items were)."""
    session = db.session
    staff_id = session.scalar(select(User.id).where(User.role == Role.STAFF))
    now = utcnow()
    offered = session.execute(
        select(Item.id, Item.quantity, Item.condition).where(Item.status == ItemStatus.OFFERED)
    ).all()
    rows = [
        {
            "item_id": item_id,
            "quantity": quantity,
            "condition": condition,
            "tier": Tier.ORGANISATION,
            "tier_started_at": now,
            "tier_ends_at": now + ORGANISATION_WINDOW,
            "status": ListingStatus.OPEN,
            "created_by_id": staff_id,
            "created_at": now,
            "public_slug": secrets.token_urlsafe(12),
        }
        for item_id, quantity, condition in offered
    ]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(Listing), rows[start : start + CHUNK])
    return len(rows)


def client_email(number: int) -> str:
    return f"load{number:04d}@bench.example"


def create_client_users(count: int, department_ids: list[int]) -> None:
    """One warehouse-staff user per client, spread over the departments; the password is
    hashed once and shared, since hashing it per user would take longer than the seeding."""
    password_hash = generate_password_hash(PASSWORD)
    for number in range(count):
        department = db.session.get(Department, department_ids[number % len(department_ids)])
        user = create_user(db.session, client_email(number), role=Role.STAFF, department=department)
        user.password_hash = password_hash


def make_plan(app: Flask, *, port: int, args, world: World) -> Plan:
    """Share out the items to edit and the listings to ask for among the clients."""
    clients = [
        ClientPlan(client_email(n), world.department_ids[n % len(world.department_ids)])
        for n in range(args.clients)
    ]
    editable = db.session.scalars(
        select(Item.id)
        .where(Item.status.in_([ItemStatus.IN_USE, ItemStatus.IN_STORAGE]))
        .order_by(Item.id)
    ).all()
    for item_id in editable:
        share = clients[item_id % len(clients)].edit_items
        if len(share) < EDITS_PER_CLIENT:
            share.append(item_id)
    share_listings(clients)
    return Plan(
        port=port,
        seconds=args.seconds,
        think=args.think,
        items=args.items,
        tag_prefix=app.config["TAG_PREFIX"],
        tag_digits=app.config["TAG_DIGITS"],
        seed=args.seed,
        password=PASSWORD,
        words=search_words(random.Random(args.seed)),
        clients=clients,
    )


def share_listings(clients: list[ClientPlan]) -> None:
    """Deal the listings out in turn, each to the next client of another department."""
    listings = db.session.execute(
        select(Listing.id, Item.department_id).join(Item).order_by(Listing.id)
    ).all()
    turn = 0
    for listing_id, owner in listings:
        for _attempt in range(len(clients)):
            client = clients[turn % len(clients)]
            turn += 1
            if client.department_id != owner:
                client.listings.append(listing_id)
                break


def search_words(rng: random.Random, count: int = 200) -> list[str]:
    """What people type in the search box: a thing, sometimes with a brand."""
    nouns = [noun.lower() for noun, _category, _group in NOUNS]
    weights = [1 / rank for rank in range(1, len(nouns) + 1)]
    brands = [brand for names in BRANDS.values() for brand in names]
    words = []
    for _ in range(count):
        word = rng.choices(nouns, weights)[0]
        words.append(f"{word} {rng.choice(brands).lower()}" if rng.random() < 0.3 else word)
    return words
