"""The aid figures, per category and per equivalence group: how many aids are in each state,
how long reconditioning takes (days from a return to ready), how long ready aids wait (idle
days), how many returned aids went out again (reuse rate, by count and by value), what their repairs cost per
unit against what new ones would have cost, and the faults found at inspections, by ISO 9999
class.

They are read from the step journal, which keeps every step for good, so a figure can always
be traced to the steps it counts. A depot holds hundreds or a few thousand aids: the journal
of the aids a user sees is read once and summed in Python.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from inventory.models import Item
from reuse.aids import plans
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from reuse.repairs.models import RepairJob
from reuse.repairs.states import RepairStatus

UNCLASSIFIED = ""  # an aid without an ISO 9999 class


@dataclass
class Tally:
    """The figures of one row: a category, a group, or all aids."""

    label: str
    states: dict[AidState, int] = field(default_factory=lambda: dict.fromkeys(AidState, 0))
    to_ready_days: list[float] = field(default_factory=list)  # one per reconditioning
    idle_days: list[float] = field(default_factory=list)  # one per aid ready now
    returned: int = 0  # aids that came back at least once
    reissued: int = 0  # of those, aids issued again after a return
    returned_value: Decimal = Decimal(0)
    reissued_value: Decimal = Decimal(0)
    faults: int = 0  # failed inspections
    repaired: int = 0  # repair jobs returned
    repair_cost: Decimal = Decimal(0)
    repair_replacement: Decimal = Decimal(0)  # what new ones would have cost, at each return

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def median_to_ready(self) -> float | None:
        return statistics.median(self.to_ready_days) if self.to_ready_days else None

    @property
    def median_idle(self) -> float | None:
        return statistics.median(self.idle_days) if self.idle_days else None

    @property
    def reuse_rate(self) -> float | None:
        return self.reissued / self.returned if self.returned else None

    @property
    def reuse_rate_by_value(self) -> float | None:
        return float(self.reissued_value / self.returned_value) if self.returned_value else None

    @property
    def repair_cost_per_unit(self) -> Decimal | None:
        return self.repair_cost / self.repaired if self.repaired else None

    @property
    def replacement_per_unit(self) -> Decimal | None:
        return self.repair_replacement / self.repaired if self.repaired else None


@dataclass(frozen=True)
class Round:
    """What one aid's journal says, summed: its reconditionings, whether it went out again
    after a return, and how many inspections it failed."""

    to_ready_days: list[float]
    returned: bool
    reissued: bool
    faults: int


@dataclass
class Figures:
    by_category: list[Tally]
    by_group: list[Tally]
    total: Tally
    faults_by_iso: list[tuple[str, int, int]]  # (ISO class, aids, failed inspections)


def read_round(steps: Iterable[AidStep]) -> Round:
    """Walk one aid's journal in order: a return starts a round, ready ends its
    reconditioning, an issue after a return is a reuse."""
    to_ready: list[float] = []
    returned_at: datetime | None = None
    returned = reissued = False
    faults = 0
    for entry in steps:
        if entry.step == Step.RETURNED:
            returned_at, returned = entry.at, True
        elif entry.step == Step.READY and returned_at is not None:
            to_ready.append((entry.at - returned_at).total_seconds() / 86400)
            returned_at = None
        elif entry.step == Step.ISSUED and returned:
            reissued = True
        elif entry.step == Step.INSPECTED and entry.passed is False:
            faults += 1
    return Round(to_ready, returned, reissued, faults)


def aid_figures(session: Session, scope: ColumnElement[bool], *, now: datetime,
                category_label: Callable[[Item], str]) -> Figures:  # fmt: skip
    """The figures of every aid the user may see, by category, by group and in all."""
    aids = list(session.scalars(
        select(Aid).join(Aid.item).where(scope)
        .options(joinedload(Aid.item).joinedload(Item.category))
    ).unique())  # fmt: skip
    journal: dict[int, list[AidStep]] = defaultdict(list)
    ids = [aid.item_id for aid in aids]
    for start in range(0, len(ids), 500):  # SQLite's limit of bound parameters
        chunk = ids[start : start + 500]
        statement = (select(AidStep).where(AidStep.item_id.in_(chunk))
                     .order_by(AidStep.item_id, AidStep.at, AidStep.id))  # fmt: skip
        for entry in session.scalars(statement):
            journal[entry.item_id].append(entry)
    categories: dict[str, Tally] = {}
    groups: dict[str, Tally] = {}
    total = Tally("")
    iso: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    repairs = returned_repairs(session, ids)
    for aid in aids:
        summed = read_round(journal[aid.item_id])
        label = category_label(aid.item)
        plan = plans.plan_for(session, aid.item.category)
        rows = [categories.setdefault(label, Tally(label)), total]
        if plan is not None and plan.group is not None:
            rows.append(groups.setdefault(plan.group.name, Tally(plan.group.name)))
        for tally in rows:
            _add(tally, aid, summed, now)
            for job in repairs.get(aid.item_id, []):
                tally.repaired += 1
                tally.repair_cost += job.repair_cost or 0
                tally.repair_replacement += job.value_avoided or 0
        iso[aid.iso_class or UNCLASSIFIED][0] += 1
        iso[aid.iso_class or UNCLASSIFIED][1] += summed.faults
    by_label = lambda tally: tally.label.lower()  # noqa: E731
    faults = sorted(((cls, n, f) for cls, (n, f) in iso.items()),
                    key=lambda row: (row[0] == UNCLASSIFIED, row[0]))  # fmt: skip
    return Figures(sorted(categories.values(), key=by_label), sorted(groups.values(), key=by_label),
                   total, faults)  # fmt: skip


def returned_repairs(session: Session, item_ids: list[int]) -> dict[int, list[RepairJob]]:
    """The repair jobs of these aids that came back repaired, by item: each keeps its cost
    and the replacement value of the day (reuse/repairs)."""
    found: dict[int, list[RepairJob]] = defaultdict(list)
    for start in range(0, len(item_ids), 500):
        statement = select(RepairJob).where(RepairJob.item_id.in_(item_ids[start : start + 500]),
                                            RepairJob.status == RepairStatus.RETURNED)  # fmt: skip
        for job in session.scalars(statement):
            found[job.item_id].append(job)
    return found


def _add(tally: Tally, aid: Aid, summed: Round, now: datetime) -> None:
    value = aid.item.purchase_price or (aid.item.category.replacement_value
                                        if aid.item.category else None) or Decimal(0)  # fmt: skip
    tally.states[aid.status] += 1
    tally.to_ready_days.extend(summed.to_ready_days)
    if aid.status == AidState.READY:
        tally.idle_days.append((now - aid.since).total_seconds() / 86400)
    if summed.returned:
        tally.returned += 1
        tally.returned_value += value
    if summed.reissued:
        tally.reissued += 1
        tally.reissued_value += value
    tally.faults += summed.faults
