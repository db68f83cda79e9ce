"""The demo's stock: some 300 items registered over two years, photographed, moved by scanning
their labels, repaired or worn, and a few disposed of in every way an item can leave."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.auth.models import User
from app.auth.roles import Role
from app.demo.pictures import picture
from app.demo.places import Leaf
from app.demo.world import World
from inventory import disposals, item_photos, item_records, whereabouts
from inventory.models import Category, Condition, Disposition, Item, Storeroom
from inventory.photos import process_photo
from labels import scanning
from labels.models import ScanMode

NOTES = ["", "", "", "Repa på vänster sida", "Saknar ett hjul", "Nyligen servad",
         "Från flytten 2021", "Stoppning något sliten"]  # fmt: skip
DISPOSAL_NOTES = {
    Disposition.GIVEN_AWAY: "Skänkt till Röda Korset",
    Disposition.SOLD: "Såld på auktion",
    Disposition.RECYCLED: "Lämnad till återvinningscentralen",
    Disposition.SCRAPPED: "Trasig, gick inte att laga",
    Disposition.LOST: "Hittades inte efter flytten",
    Disposition.TO_PARTNER: "Till Återbruket för renovering",
}
HISTORY_ENDS = 62  # days ago: the reuse and the counts of the last two months come after


def load_stock(world: World, count: int) -> None:
    """Register `count` items, each with its own history up to two months ago."""
    dispositions = list(Disposition)
    for number in range(count):
        item, when = _register(world)
        when = _photograph(world, item, when)
        when = _live(world, item, when)
        if number % 30 == 29:
            kind = dispositions[(number // 30) % len(dispositions)]
            disposals.dispose_item(world.session, item, kind, note=DISPOSAL_NOTES[kind],
                                   by=world.people.first(Role.MANAGER),
                                   now=when + timedelta(days=3))  # fmt: skip
        world.items.append(item)


def _register(world: World) -> tuple[Item, datetime]:
    """One item as a storeroom worker registers it, between two years and ten weeks ago."""
    rng, places = world.rng, world.places
    category, leaf = rng.choice(places.leaves)
    created = world.days_ago(rng.randint(75, 730), hour=rng.randint(7, 15))
    room = rng.choice(list(places.rooms.values())) if rng.random() < 0.75 else None
    item = item_records.create_item(
        world.session, _fields(world, category, leaf, room), storeroom=room,
        by=rng.choice(world.people.all(Role.STAFF)), now=created, **world.tags,
    )  # fmt: skip
    return item, created


def _fields(world: World, category: Category, leaf: Leaf, room: Storeroom | None) -> dict:
    rng = world.rng
    lot = rng.random() < 0.15
    name = rng.choice(leaf.item_names)
    return {
        "name": name,
        "category": category,
        "department": _owner(world, room),
        "condition": rng.choices(list(Condition), weights=[1, 5, 3, 2, 1])[0],
        "quantity": rng.randint(2, 24) if lot else 1,
        "serial_number": "" if lot else f"SN{rng.randint(100000, 999999)}",
        "purchase_date": date(2012, 1, 1) + timedelta(days=rng.randint(0, 4000)),
        "purchase_price": category.replacement_value * Decimal(rng.choice(["0.8", "0.9", "1"])),
        "notes": rng.choice(NOTES),
        "position": f"Hylla {rng.randint(1, 12)}" if room else "",
        "place": "" if room else f"Rum {rng.randint(100, 450)}",
    }


def _owner(world: World, room: Storeroom | None):
    """Mostly the storeroom's department; anyone's in the central store and in use."""
    departments = list(world.places.departments.values())
    if room is not None and room.department is not None and world.rng.random() < 0.6:
        return room.department
    return world.rng.choice(departments)


def _photograph(world: World, item: Item, when: datetime) -> datetime:
    """A photo for one item in four, just after registering; now and then a second, and the
    first of two removed for a blurred one."""
    rng, settings = world.rng, world.settings
    if rng.random() >= 0.25:
        return when
    shape = next(leaf.picture for cat, leaf in world.places.leaves if cat is item.category)
    photographer = rng.choice(world.people.all(Role.STAFF))
    taken = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        when += timedelta(minutes=rng.randint(2, 20))
        photo = process_photo(picture(shape, rng), max_pixels=settings.photo_max_pixels,
                              full_size=settings.photo_full_size,
                              thumb_size=settings.photo_thumb_size)  # fmt: skip
        taken.append(item_photos.add_photo(world.session, item, photo, by=photographer,
                                           now=when, quota=settings.photo_quota))  # fmt: skip
    if len(taken) == 2 and rng.random() < 0.3:
        item_photos.remove_photo(world.session, taken[0], by=photographer, now=when)
    return when


def _live(world: World, item: Item, when: datetime) -> datetime:
    """Moves by scanning labels, out into use and back, and wear; all before HISTORY_ENDS."""
    rng, end = world.rng, world.now - timedelta(days=HISTORY_ENDS)
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        when += timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 5))
        if when >= end:
            return when
        staff = rng.choice(world.people.all(Role.STAFF))
        if rng.random() < 0.8:
            _move_by_scan(world, item, rng.choice(list(world.places.rooms.values())), staff, when)
        else:
            whereabouts.move_item(world.session, item, None, place=f"Rum {rng.randint(100, 450)}",
                                  by=staff, now=when)  # fmt: skip
    if rng.random() < 0.2 and when + timedelta(days=20) < end:
        when += timedelta(days=rng.randint(1, 20))
        item_records.update_item(world.session, item, {"condition": Condition.NEEDS_REPAIR},
                                 expected_version=None, by=rng.choice(world.people.users),
                                 now=when)  # fmt: skip
    return when


def _move_by_scan(world: World, item: Item, room: Storeroom, user: User, when: datetime) -> None:
    """Scan the storeroom's label, then the item's, as the phone's move mode does."""
    request = scanning.ScanRequest(client_id=uuid.UUID(int=world.rng.getrandbits(128)).hex,
                                   code=item.tag, mode=ScanMode.MOVE, scanned_at=when,
                                   storeroom=room)  # fmt: skip
    scanning.record_scan(world.session, user, request, now=when)
