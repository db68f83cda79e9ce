"""A believable demo municipality that shows every part of Reshelf at work, built through the
same services the pages use, so its history, notifications and audit trail are real.

The modules, in the order they run: places (departments, sites, storerooms, categories),
people, stock (two years of items, photos drawn by pictures, moves), counting (eighteen
months of scans and a stocktake), then two months day by day on the calendar: the import
(stock_list), labels (printing), the partner directory and demand, the surplus ladder, and
repairs; last, the aid depot (aids), whose aids are its own items.
A fixed seed makes every run the same, except for the passwords, which are fresh each time.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.orm import Session

from app.demo import aids, counting, demand, ladder, printing, repairs, stock, stock_list
from app.demo.calendar import Calendar
from app.demo.people import People, load_people
from app.demo.places import load_places
from app.demo.world import DemoSettings, World
from inventory.models import Organisation
from reuse.listings import services as listing_services
from reuse.listings.models import ExternalMode

__all__ = ["DemoSettings", "load_demo"]
CALENDAR_DAYS = 70  # the last days, run on the calendar


def load_demo(
    session: Session, *, now: datetime, settings: DemoSettings, import_max_rows: int,
    seed: int = 7, item_count: int = 300,
) -> People:  # fmt: skip
    """Fill an empty database; return the people, with the passwords to print once."""
    session.add(Organisation(name="Sundby kommun", currency="SEK"))
    listing_services.save_settings(listing_services.reuse_settings(session), department_days=7,
                                   organisation_days=14, partner_days=14,
                                   external_mode=ExternalMode.BOTH)  # fmt: skip
    places = load_places(session)
    people = load_people(session, places.departments, now=now)
    world = World(session, random.Random(seed), now, settings, places, people)
    stock.load_stock(world, item_count)
    counting.load_lookups(world)
    calendar = Calendar()
    _plan(world, calendar, import_max_rows)
    calendar.run(session, start=world.days_ago(CALENDAR_DAYS), now=now)
    aids.load_aids(world)
    session.flush()
    return people


def _plan(world: World, calendar: Calendar, import_max_rows: int) -> None:
    """Put the last two months' work on the calendar."""
    day = world.days_ago
    partners = demand.load_partners(world, day(CALENDAR_DAYS, hour=8))
    repairs.load_weights(world)
    calendar.on(day(CALENDAR_DAYS - 1), lambda when: demand.load_wishes(world, when))
    calendar.on(day(66), lambda when: demand.load_buy_checks(world, when))
    calendar.on(day(50), lambda when: _import_and_print(world, when, import_max_rows))
    calendar.on(day(45), lambda when: printing.load_printer_profile(world, when))
    calendar.on(day(44), lambda when: _reserve_codes(world, calendar, when))
    calendar.on(day(counting.COUNT_DAYS_AGO, hour=8),
                lambda when: counting.load_stocktake(world, when))  # fmt: skip
    ladder.load_listings(world, calendar, partners[0])
    repairs.load_repairs(world, calendar, partners[2])  # the repair workshop in the directory


def _import_and_print(world: World, when: datetime, max_rows: int) -> None:
    _batch, items = stock_list.load_import(world, when, max_rows=max_rows)
    printing.print_labels(world, items, when.replace(hour=14))


def _reserve_codes(world: World, calendar: Calendar, when: datetime) -> None:
    """Print a sheet of codes ahead of a delivery; a week later one goes on an unlabelled item."""
    tags = printing.load_reserved_codes(world, when)
    calendar.on(world.days_ago(37), lambda later: printing.attach_code(world, tags[0], later))
