"""A believable demo organisation: departments, sites, storerooms, categories, ~300 items, users."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user
from app.demo_reuse import load_reuse_demo
from inventory import disposals, item_records, place_records, whereabouts
from inventory.models import (
    Category,
    CategoryKind,
    Condition,
    Department,
    Disposition,
    Item,
    Organisation,
    Storeroom,
)

DEPARTMENTS = [
    "Facilities",
    "Östra skolan",
    "Västra skolan",
    "Vårdcentralen Norr",
    "Hemtjänst Norr",
    "Hemtjänst Syd",
    "Kulturhuset",
]
SITES = [
    ("Stadshuset", "Sundby", [("SH-K1", "Källarförråd 1"), ("SH-K2", "Källarförråd 2")]),
    ("Östra skolan", "Sundby", [("OS-F1", "Förråd vid gymnastiksalen"), ("OS-V", "Vinden")]),
    ("Vårdcentralen Norr", "Norrby", [("VC-H1", "Hjälpmedelsförråd"), ("VC-F2", "Förråd plan 2")]),
    ("Centrallagret", "Sundby", [("CL-A", "Hall A"), ("CL-B", "Hall B"), ("CL-C", "Hall C")]),
]
# (path, kind, replacement value per unit in SEK, kg CO2e per unit, names of items)
CATEGORIES = [
    (
        "Furniture > Chairs > Office chair",
        CategoryKind.FURNITURE,
        4200,
        72,
        ["Kontorsstol Kinnarps 6000", "Kontorsstol Savo Maxi", "Kontorsstol RH Logic"],
    ),
    (
        "Furniture > Chairs > Stackable chair",
        CategoryKind.FURNITURE,
        900,
        25,
        ["Stapelstol Ben", "Stapelstol Kinnarps 3000"],
    ),
    (
        "Furniture > Desks > Height-adjustable desk",
        CategoryKind.FURNITURE,
        6500,
        110,
        ["Skrivbord höj- och sänkbart 160x80", "Skrivbord höj- och sänkbart 140x80"],
    ),
    ("Furniture > Desks > Pupil desk", CategoryKind.FURNITURE, 1800, 45, ["Elevbord 70x50"]),
    ("Furniture > Storage > Bookcase", CategoryKind.FURNITURE, 2200, 60, ["Bokhylla 200 cm"]),
    (
        "Furniture > Storage > Filing cabinet",
        CategoryKind.FURNITURE,
        3100,
        85,
        ["Arkivskåp 4 lådor"],
    ),
    (
        "Assistive aids > Walking aids > Rollator",
        CategoryKind.ASSISTIVE_AID,
        3500,
        30,
        ["Rollator Topro Olympos", "Rollator Server"],
    ),
    (
        "Assistive aids > Wheelchairs > Manual wheelchair",
        CategoryKind.ASSISTIVE_AID,
        9800,
        90,
        ["Rullstol Etac Cross 6", "Rullstol Panthera"],
    ),
    (
        "Assistive aids > Beds > Care bed",
        CategoryKind.ASSISTIVE_AID,
        24000,
        250,
        ["Vårdsäng Carisma", "Vårdsäng Invacare SB755"],
    ),
    (
        "Assistive aids > Hygiene > Shower chair",
        CategoryKind.ASSISTIVE_AID,
        1900,
        18,
        ["Duschstol Etac Swift", "Duschpall"],
    ),
    ("Equipment > AV > Projector", CategoryKind.EQUIPMENT, 7500, 95, ["Projektor Epson EB-W49"]),
]
NOTES = [
    "",
    "",
    "",
    "Repa på vänster sida",
    "Saknar ett hjul",
    "Nyligen servad",
    "Från flytten 2021",
]


def _category_tree(session: Session) -> list[tuple[Category, list[str]]]:
    leaves, nodes = [], {}
    for path, kind, value, co2e, names in CATEGORIES:
        parent = None
        for depth, name in enumerate(path.split(" > ")):
            key = " > ".join(path.split(" > ")[: depth + 1])
            if key not in nodes:
                is_leaf = key == path
                nodes[key] = place_records.save_category(
                    session,
                    name=name,
                    parent=parent,
                    kind=kind,
                    replacement_value=Decimal(value) if is_leaf else None,
                    co2e_kg=Decimal(co2e) if is_leaf else None,
                )
            parent = nodes[key]
        leaves.append((parent, names))
    return leaves


def load_demo(
    session: Session,
    *,
    now: datetime,
    tag_prefix: str,
    tag_digits: int,
    seed: int = 7,
    item_count: int = 300,
) -> dict[Role, tuple[str, str]]:
    """Fill an empty database and return {role: (email, password)} for one account per role."""
    rng = random.Random(seed)
    session.add(Organisation(name="Sundby kommun", currency="SEK"))
    departments, rooms = _places(session)
    leaves = _category_tree(session)
    accounts, users = _accounts(session, departments)
    items = [
        _demo_item(session, rng, number, leaves, departments, rooms, users, now=now,
                   tag_prefix=tag_prefix, tag_digits=tag_digits)
        for number in range(item_count)
    ]  # fmt: skip
    session.flush()
    load_reuse_demo(session, items, manager=users[1], requester=users[3], now=now,
                    tag_prefix=tag_prefix, tag_digits=tag_digits)  # fmt: skip
    return accounts


def _places(session: Session) -> tuple[list[Department], list[Storeroom]]:
    """The demo's departments, and its sites' storerooms (all held by the first department)."""
    departments = [place_records.save_department(session, name) for name in DEPARTMENTS]
    rooms: list[Storeroom] = []
    for name, town, storerooms in SITES:
        site = place_records.save_site(session, name=name, town=town)
        rooms += [
            place_records.save_storeroom(
                session, code=code, name=room_name, site=site, department=departments[0]
            )
            for code, room_name in storerooms
        ]
    return departments, rooms


def _accounts(
    session: Session, departments: list[Department]
) -> tuple[dict[Role, tuple[str, str]], list[User]]:
    """One account per role, with a fresh random password each (shown once by the command)."""
    accounts: dict[Role, tuple[str, str]] = {}
    users: list[User] = []
    for role, email, dept in [
        (Role.ADMIN, "admin@sundby.example", departments[0]),
        (Role.MANAGER, "manager@sundby.example", departments[0]),
        (Role.STAFF, "staff@sundby.example", departments[0]),
        (Role.REQUESTER, "requester@sundby.example", departments[1]),
    ]:
        password = secrets.token_urlsafe(9)
        name = email.split("@")[0].title()
        users.append(
            create_user(session, email, role=role, department=dept, name=name, password=password)
        )
        accounts[role] = (email, password)
    return accounts, users


def _demo_item(
    session: Session,
    rng: random.Random,
    number: int,
    leaves: list,
    departments: list[Department],
    rooms: list[Storeroom],
    users: list[User],
    *,
    now: datetime,
    tag_prefix: str,
    tag_digits: int,
) -> Item:
    """One random item made 200 to 500 days ago, with a history after that."""
    category, names = rng.choice(leaves)
    lot = rng.random() < 0.15
    start = now - timedelta(days=500)
    created = start + timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600))
    in_storage = rng.random() < 0.7
    item = item_records.create_item(
        session,
        {
            "name": rng.choice(names),
            "category": category,
            "department": rng.choice(departments),
            "condition": rng.choices(list(Condition), weights=[1, 5, 3, 2, 1])[0],
            "quantity": rng.randint(2, 30) if lot else 1,
            "serial_number": "" if lot else f"SN{rng.randint(100000, 999999)}",
            "purchase_date": date(2012, 1, 1) + timedelta(days=rng.randint(0, 4000)),
            "purchase_price": category.replacement_value * Decimal(rng.choice(["0.8", "0.9", "1"])),
            "notes": rng.choice(NOTES),
            "place": "" if in_storage else f"Rum {rng.randint(100, 450)}",
        },
        storeroom=rng.choice(rooms) if in_storage else None,
        by=rng.choice(users),
        now=created,
        tag_prefix=tag_prefix,
        tag_digits=tag_digits,
    )
    _add_history(session, item, rng, rooms, users, created, number)
    return item


def _add_history(
    session: Session,
    item: Item,
    rng: random.Random,
    rooms: list[Storeroom],
    users: list[User],
    created: datetime,
    number: int,
) -> None:
    """Give some items a few moves, edits and a disposal, spread over the year."""
    when = created
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        when += timedelta(days=rng.randint(1, 30))
        whereabouts.move_item(session, item, rng.choice(rooms), by=rng.choice(users), now=when)
    if rng.random() < 0.2:
        when += timedelta(days=rng.randint(1, 20))
        item_records.update_item(
            session,
            item,
            {"condition": Condition.NEEDS_REPAIR},
            expected_version=None,
            by=rng.choice(users),
            now=when,
        )
    if number % 40 == 0:
        when += timedelta(days=rng.randint(1, 20))
        disposals.dispose_item(
            session, item, rng.choice(list(Disposition)), by=users[1], now=when, note="Demo"
        )
