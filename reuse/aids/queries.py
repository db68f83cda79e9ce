"""Reading aids: the ready ones, oldest purchase first (the order they are issued in), and
the lists of what needs doing (maintenance due or overdue, aids stuck in a step)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, joinedload

from inventory.models import Item
from inventory.queries import category_and_descendants
from reuse.aids import plans
from reuse.aids.models import Aid, AidPlan, AidStep
from reuse.aids.states import AidState, Step


def oldest_first(statement: Select) -> Select:
    """Oldest purchase first, aids of unknown age last, then the first registered."""
    return statement.order_by(Item.purchase_date.is_(None), Item.purchase_date, Item.id)


def ready_aids(session: Session, scope: ColumnElement[bool], *,
               category_ids: list[int] | None = None) -> list[Aid]:  # fmt: skip
    """The ready aids the user may see, of these categories (any, if None), oldest first."""
    statement = (
        select(Aid).join(Aid.item)
        .where(Aid.status == AidState.READY, scope)
        .options(joinedload(Aid.item).joinedload(Item.category))
    )  # fmt: skip
    if category_ids is not None:
        statement = statement.where(Item.category_id.in_(category_ids))
    return list(session.scalars(oldest_first(statement)).unique())


def subtree(session: Session, category_id: int) -> list[int]:
    """The ids of a category and every category below it."""
    return list(session.scalars(category_and_descendants(category_id)))


@dataclass(frozen=True)
class Due:
    """An aid with a service or inspection due within the window, or overdue."""

    aid: Aid
    dates: plans.Dates
    overdue: bool


def maintenance_due(session: Session, scope: ColumnElement[bool], *, today: date,
                    within_days: int = 30) -> list[Due]:  # fmt: skip
    """Aids whose next service or inspection falls before `today + within_days`, soonest
    first; the overdue ones are marked."""
    horizon = today + timedelta(days=within_days)
    found = []
    for aid in _aids(session, scope):
        dates = plans.due_dates(aid, aid.item, plans.plan_for(session, aid.item.category))
        days = [d for d in (dates.service, dates.inspection) if d is not None]
        if days and min(days) <= horizon:
            found.append(Due(aid, dates, bool(dates.overdue(today))))
    return sorted(found, key=lambda due: (min(d for d in (due.dates.service,
                  due.dates.inspection) if d), due.aid.item_id))  # fmt: skip


@dataclass(frozen=True)
class Stuck:
    """An aid in one step longer than its category allows."""

    aid: Aid
    days: int
    allowed: int


def stuck(session: Session, scope: ColumnElement[bool], *, now: datetime) -> list[Stuck]:
    """Aids in a state longer than their plan's limit for it, the longest first."""
    found = []
    for aid in _aids(session, scope):
        plan = plans.plan_for(session, aid.item.category)
        allowed = (plan.step_days or {}).get(aid.status.value) if plan else None
        days = (now - aid.since).days
        if allowed and days > allowed:
            found.append(Stuck(aid, days, allowed))
    return sorted(found, key=lambda s: (-(s.days - s.allowed), s.aid.item_id))


def _aids(session: Session, scope: ColumnElement[bool]) -> list[Aid]:
    """Every aid the user may see whose category (or one above it) has a plan."""
    if session.scalar(select(AidPlan.category_id).limit(1)) is None:
        return []
    statement = (select(Aid).join(Aid.item).where(scope)
                 .options(joinedload(Aid.item).joinedload(Item.category)))  # fmt: skip
    return list(session.scalars(statement.order_by(Item.id)).unique())


def visible_aids(session: Session, scope: ColumnElement[bool]) -> list[Aid]:
    """Every aid in the cycle the user may see."""
    statement = select(Aid).join(Aid.item).where(scope).options(joinedload(Aid.item))
    return list(session.scalars(statement).unique())


def inspections(session: Session, item_id: int) -> list[AidStep]:
    """An aid's journal: every inspection, the latest first."""
    statement = (select(AidStep)
                 .where(AidStep.item_id == item_id, AidStep.step == Step.INSPECTED)
                 .order_by(AidStep.id.desc()))  # fmt: skip
    return list(session.scalars(statement))
