"""The demo's repairs: jobs in place, at the workshop and at a partner in every state (sent,
quoted, approved, repaired, returned, written off), with parts and labour, a partner's own
quotes and steps, and some overdue; and a weight per unit on the categories, so the savings
report shows the kilograms kept out of waste."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from app.auth.roles import Role
from app.demo.calendar import Calendar
from app.demo.world import World
from inventory.models import Category, CategoryKind, Item, ItemStatus
from reuse.outside.models import Partner
from reuse.repairs import links, services
from reuse.repairs.models import LineKind, RepairJob, RepairOutcome, RepairPlace
from reuse.repairs.services import Actor, Line
from reuse.repairs.states import RepairStatus

WEIGHT_KG = {CategoryKind.FURNITURE: 14, CategoryKind.ASSISTIVE_AID: 9, CategoryKind.EQUIPMENT: 4}
FAULTS = ["Trasig gaskolv, sitsen sjunker", "Lös armstöd", "Hjul har lossnat", "Sprucken ram",
          "Bromsen tar inte", "Sliten klädsel", "Lådan kärvar", "Motorn startar inte"]  # fmt: skip
# The steps that bring a job to each state, after it is sent.
PATHS: dict[RepairStatus, list[str]] = {
    RepairStatus.SENT: [],
    RepairStatus.QUOTED: ["quote"],
    RepairStatus.APPROVED: ["quote", "approve", "part"],
    RepairStatus.REPAIRED: ["quote", "approve", "part", "labour", "repaired"],
    RepairStatus.RETURNED: ["quote", "approve", "part", "labour", "repaired", "return"],
    RepairStatus.WRITTEN_OFF: ["quote", "write off"],
}


def load_weights(world: World) -> None:
    """A weight per unit on every category that has a replacement value (its leaves). No
    chance is drawn here nor for the jobs' days, so the rest of the demo stays as it was."""
    for category in world.session.query(Category).where(Category.replacement_value.is_not(None)):
        category.weight_kg = Decimal(WEIGHT_KG[category.kind] + category.id % 12)


@dataclass
class RepairStory:
    """One job from sending to today, its steps put on the calendar."""

    world: World
    place: RepairPlace
    partner: Partner | None
    n: int
    job: RepairJob | None = None

    def send(self, when: datetime) -> None:
        self.job = _send(self.world, self.place, self.partner, self.n, when)

    def step(self, what: str, when: datetime) -> None:
        _step(self.world, self.job, what, when)


def load_repairs(world: World, calendar: Calendar, partner: Partner) -> None:
    """Put a job for every place and state on the calendar, two days between steps; one in
    four waits eight days more in its last state, so the open ones among them are overdue."""
    for p, place in enumerate(RepairPlace):
        for s, path in enumerate(PATHS.values()):
            n = p * len(PATHS) + s
            story = RepairStory(world, place, partner if place == RepairPlace.PARTNER else None, n)
            last = 2 + p + (8 if n % 4 == 0 else 0)  # days since its last step
            sent = last + 2 * len(path)
            calendar.on(_day(world, sent), story.send)
            for k, step in enumerate(path, start=1):
                calendar.on(_day(world, sent - 2 * k), partial(story.step, step))


def _day(world: World, days: int) -> datetime:
    """Nine o'clock `days` ago, before the day's other work."""
    return (world.now - timedelta(days=days)).replace(hour=9, minute=5, second=0, microsecond=0)


def _send(world: World, place: RepairPlace, partner: Partner | None, n: int,
          when: datetime) -> RepairJob:  # fmt: skip
    item = _repairable(world, n)
    manager = world.people.first(Role.MANAGER)
    value = item.replacement_value or (item.category.replacement_value if item.category else None)
    sending = services.Sending(fault=FAULTS[n % len(FAULTS)], place=place, partner=partner,
                               estimated_cost=(value or Decimal(1000)) * Decimal("0.3"))  # fmt: skip
    job = services.send_to_repair(world.session, item, sending, by=manager, now=when)
    if partner is not None:
        links.make_link(world.session, job, days=60, actor=Actor(manager), now=when)
    return job


def _repairable(world: World, n: int) -> Item:
    """An item in use (the ladder offers stored ones), single, with no job open."""
    busy = {job.item_id for job in world.session.query(RepairJob).where(RepairJob.status.in_(
        [RepairStatus.SENT, RepairStatus.QUOTED, RepairStatus.APPROVED, RepairStatus.REPAIRED]))}  # fmt: skip
    free = [item for item in world.items if item.status == ItemStatus.IN_USE
            and not item.is_lot and item.id not in busy]  # fmt: skip
    return free[(n * 7) % len(free)]


def _step(world: World, job: RepairJob, step: str, when: datetime) -> None:
    manager = world.people.first(Role.MANAGER)
    worker = Actor(partner=job.partner) if job.partner else Actor(world.people.first(Role.STAFF))
    session = world.session
    if step == "quote":
        cost = (job.estimated_cost or Decimal(500)) * Decimal("1.2")
        services.quote(session, job, cost.quantize(Decimal(1)), "Reservdelar och arbete",
                       actor=worker, now=when)  # fmt: skip
    elif step == "approve":
        services.approve(session, job, by=manager, now=when)
    elif step in ("part", "labour"):
        line = (Line(LineKind.PART, "Reservdel", Decimal(1), (job.quoted_cost or 0) * Decimal("0.4"))
                if step == "part" else
                Line(LineKind.LABOUR, "Arbete", Decimal("1.5"), (job.quoted_cost or 0) * Decimal("0.5")))  # fmt: skip
        services.add_line(session, job, line, actor=worker, now=when)
    elif step == "repaired":
        services.mark_repaired(session, job, actor=worker, now=when)
    elif step == "return":
        aid = job.item.category is not None and job.item.category.kind == CategoryKind.ASSISTIVE_AID
        outcome = RepairOutcome.AID_CYCLE if aid else RepairOutcome.TO_STOCK
        services.return_item(session, job, outcome, by=manager, now=when)
    elif step == "write off":
        services.write_off(session, job, "Reparationen kostar mer än en ny", by=manager, now=when)
