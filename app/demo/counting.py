"""The demo's scanning: labels looked up over eighteen months, so that the not-seen report
finds the few things forgotten in a storeroom and not the rest, and a finished stocktake of
one storeroom with things missing and things found that belong elsewhere."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from app.auth.roles import Role
from app.demo.world import World
from inventory.models import Item, ItemStatus
from labels import scanning, stocktake_fixes
from labels.models import ScanMode, Stocktake

SCANS_FROM = 550  # days ago: eighteen months and a little
FORGOTTEN = 0.12  # the share of stored items nobody has scanned for over a year
COUNTED_ROOM, COUNT_DAYS_AGO = "CL-B", 30


def load_lookups(world: World) -> None:
    """Look up stored items' labels over eighteen months, oldest scan first."""
    planned: list[tuple[datetime, Item]] = []
    for item in world.items:
        if item.storeroom is None or item.status == ItemStatus.DISPOSED:
            continue
        planned += [(when, item) for when in _sightings(world, item)]
    staff = world.people.all(Role.STAFF)
    for when, item in sorted(planned, key=lambda pair: (pair[0], pair[1].id)):
        _scan(world, item, ScanMode.LOOKUP, when, user=world.rng.choice(staff))


def _sightings(world: World, item: Item) -> list[datetime]:
    """When the item's label was scanned: a forgotten item not in the last year (perhaps
    never), any other at least once in it."""
    rng, now = world.rng, world.now
    first = max(item.created_at, now - timedelta(days=SCANS_FROM))
    if rng.random() < FORGOTTEN:
        last = now - timedelta(days=380)
        if first >= last or rng.random() < 0.3:
            return []
        return [_between(world, first, last) for _ in range(rng.randint(1, 2))]
    recent = max(first, now - timedelta(days=300))
    seen = [_between(world, recent, now - timedelta(days=2))]
    return seen + [
        _between(world, first, now - timedelta(days=2)) for _ in range(rng.randint(0, 3))
    ]


def _between(world: World, start: datetime, end: datetime) -> datetime:
    """A moment of a working day between `start` and `end`."""
    seconds = max(int((end - start).total_seconds()), 1)
    moment = start + timedelta(seconds=world.rng.randint(0, seconds))
    return min(max(moment.replace(hour=world.rng.randint(7, 16)), start), end)


def _scan(world: World, item: Item, mode: ScanMode, when: datetime, *, user,
          stocktake: Stocktake | None = None) -> None:  # fmt: skip
    """One scan as the phone sends it, received when it was made."""
    request = scanning.ScanRequest(client_id=uuid.UUID(int=world.rng.getrandbits(128)).hex,
                                   code=item.tag, mode=mode, scanned_at=when,
                                   stocktake=stocktake)  # fmt: skip
    scanning.record_scan(world.session, user, request, now=when)


def load_stocktake(world: World, when: datetime) -> Stocktake:
    """Count one storeroom a month ago: all but three of its items found, two found there that
    are recorded elsewhere; the three are then marked missing from the report."""
    room, counter = world.places.rooms[COUNTED_ROOM], world.people.all(Role.STAFF)[1]
    stocktake = scanning.start_stocktake(world.session, room, by=counter, now=when)
    expected = sorted(scanning.expected_ids(world.session, stocktake))
    here = [item for item in world.items if item.id in expected]
    elsewhere = [item for item in world.items if item.storeroom is not None
                 and item.storeroom is not room and item.status == ItemStatus.IN_STORAGE]  # fmt: skip
    missing = world.rng.sample(here, 3)
    found = [item for item in here if item not in missing] + world.rng.sample(elsewhere, 2)
    for item in found:
        when += timedelta(seconds=world.rng.randint(8, 90))
        _scan(world, item, ScanMode.STOCKTAKE, when, user=counter, stocktake=stocktake)
    when += timedelta(minutes=5)
    scanning.finish_stocktake(world.session, stocktake, by=counter, now=when)
    manager = world.people.first(Role.MANAGER)
    stocktake_fixes.fix_missing(world.session, stocktake, by=manager, now=when + timedelta(hours=3))
    return stocktake
