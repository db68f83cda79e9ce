"""The numbers beside a repair job: its cost against what a new one would cost, and whether
it has stayed too long in its state. Plain functions of the job and the clock."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from reuse.savings.outcomes import unit_value

if TYPE_CHECKING:
    from reuse.repairs.models import RepairJob

# A repair costing more than this share of a new one is worth a second thought.
WEIGH_SHARE = Decimal("0.5")


class Hint(enum.StrEnum):
    REPAIR = "repair"
    WEIGH = "weigh"
    SCRAP = "scrap"
    UNKNOWN = "unknown"


def replacement_value(job: RepairJob) -> Decimal | None:
    """What buying new would cost for the units in repair: the item's replacement value, else
    its category's (or the nearest parent's), times the units."""
    value = unit_value(job.item)
    return value * job.quantity if value is not None else None


def repair_or_scrap(cost: Decimal | None, value: Decimal | None) -> Hint:
    """A plain hint for the decision; the people who know the item decide."""
    if value is None or value <= 0:
        return Hint.UNKNOWN
    if cost is None or cost < value * WEIGH_SHARE:
        return Hint.REPAIR
    return Hint.WEIGH if cost < value else Hint.SCRAP


def limit_days(limits: dict[str, int], job: RepairJob) -> int | None:
    """How many days a job may stay in its state (REPAIR_LIMIT_DAYS, by state); None for a
    closed one, or a state without a limit."""
    return limits.get(job.status.value) if job.is_open else None


def due_at(limits: dict[str, int], job: RepairJob) -> datetime | None:
    days = limit_days(limits, job)
    return job.since + timedelta(days=days) if days is not None else None


def is_overdue(limits: dict[str, int], job: RepairJob, now: datetime) -> bool:
    due = due_at(limits, job)
    return due is not None and due < now
