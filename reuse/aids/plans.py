"""What an aid's category asks of it: its plan (service and inspection intervals, how long it
may stay in a step), the accessories of a complete kit, and the dates that follow from them.

A plan belongs to a category; an aid follows the plan of its own category or, where that has
none, of the nearest category above it, so "Lifts" can hold one plan for every kind of lift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.formats import format_day
from inventory.models import Category, Item
from reuse.aids.models import Aid, AidPlan, KitPart


def plan_for(session: Session, category: Category | None) -> AidPlan | None:
    """The plan of the category or of the nearest category above it that has one."""
    node = category
    while node is not None:
        plan = session.get(AidPlan, node.id)
        if plan is not None:
            return plan
        node = node.parent
    return None


def kit_parts(session: Session, category_id: int | None) -> list[Category]:
    """The accessory categories a complete kit of `category_id` holds."""
    if category_id is None:
        return []
    rows = session.scalars(select(KitPart).where(KitPart.category_id == category_id)).all()
    return [row.accessory_category for row in rows]


def within(category: Category | None, part: Category) -> bool:
    """Whether `category` is `part` or a category below it."""
    node = category
    while node is not None:
        if node.id == part.id:
            return True
        node = node.parent
    return False


def missing_parts(session: Session, aid: Aid) -> list[Category]:
    """The kit's accessories that no linked accessory item stands for, each taken once."""
    left = [accessory.item.category for accessory in aid.accessories
            if not accessory.item.is_disposed]  # fmt: skip
    missing = []
    for part in kit_parts(session, aid.item.category_id):
        found = next((c for c in left if within(c, part)), None)
        if found is None:
            missing.append(part)
        else:
            left.remove(found)
    return missing


@dataclass(frozen=True)
class Dates:
    """When an aid is next due for a service and an inspection (None: its plan asks none)."""

    service: date | None
    inspection: date | None

    def overdue(self, today: date) -> list[LazyString]:
        """Why the aid may not be issued on `today`, if it may not."""
        reasons = []
        if self.inspection is not None and self.inspection < today:
            reasons.append(_l("its inspection was due on %(day)s", day=format_day(self.inspection)))
        if self.service is not None and self.service < today:
            reasons.append(_l("its service was due on %(day)s", day=format_day(self.service)))
        return reasons


def due_dates(aid: Aid, item: Item, plan: AidPlan | None) -> Dates:
    """The next dates, counted from the last service or inspection, else from the purchase,
    else from when the aid entered the cycle."""
    if plan is None:
        return Dates(None, None)
    start = item.purchase_date or _day(aid.since)
    service = inspection = None
    if plan.service_days:
        service = (aid.last_serviced_on or start) + timedelta(days=plan.service_days)
    if plan.inspection_days:
        inspection = (aid.last_inspected_on or start) + timedelta(days=plan.inspection_days)
    return Dates(service, inspection)


def _day(moment: datetime) -> date:
    return moment.date()
