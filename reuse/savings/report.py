"""The savings report: what surplus became, added up per department, category or period.

savings_report() reads the outcomes once and adds them up; the page's tables, its charts and
the xlsx export all show its rows and totals, so they cannot disagree, and a total is the sum
of its rows whichever way they are grouped.

The rules behind the figures:
- Reuse, purchases avoided, CO2e avoided and revenue come from ReuseOutcome rows only: the
  snapshot written when an item was handed over or a listing closed (reuse/savings/outcomes.py).
- A department's row counts what became of that department's surplus (the giving department),
  so every outcome is in exactly one department's row.
- "Check before buying" answers (BuyCheck) are figures of their own, never added to the
  purchases avoided: an answer "found and requested" leads to a transfer whose outcome already
  counts that purchase, so adding the check's value would count it twice.
- Repairs count once returned, from the snapshot on the RepairJob (reuse/repairs): the
  replacement avoided minus the repair's cost. Reuse and repairs both count the weight of
  what they kept out of waste (the category's kilograms per unit, as it was on the day).
- Periods follow the organisation's calendar: `start` and `end` are local days, both included.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inventory.models import Category, Department
from reuse.demand.models import BuyCheck, BuyCheckOutcome
from reuse.listings.models import Closing
from reuse.repairs.models import RepairJob
from reuse.repairs.states import RepairStatus
from reuse.savings.models import ReuseOutcome
from reuse.savings.outcomes import EXTERNAL_KINDS, INTERNAL_KINDS

ZERO = Decimal("0.00")


class Grouping(enum.StrEnum):
    DEPARTMENT = "department"
    CATEGORY = "category"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PERIODS = (Grouping.MONTH, Grouping.QUARTER, Grouping.YEAR)
UNITS_OF_KIND = {
    Closing.GIVEN_AWAY: "given_away_units",
    Closing.SOLD: "sold_units",
    Closing.TO_PARTNER: "to_partner_units",
    Closing.RECYCLED: "recycled_units",
    Closing.SCRAPPED: "scrapped_units",
}


@dataclass
class Figures:
    """One row's sums. Items count handovers and closings (a part split off a lot is one
    item); units add up their quantities."""

    internal_items: int = 0
    internal_units: int = 0
    external_items: int = 0
    external_units: int = 0
    given_away_units: int = 0
    sold_units: int = 0
    to_partner_units: int = 0
    value_avoided: Decimal = ZERO
    co2e_kg: Decimal = ZERO
    revenue: Decimal = ZERO
    recycled_units: int = 0
    scrapped_units: int = 0
    repaired_units: int = 0
    repair_cost: Decimal = ZERO
    repair_net: Decimal = ZERO  # replacement avoided minus repair cost
    waste_kg: Decimal = ZERO  # kept out of waste, by reuse and by repair
    checks_found: int = 0
    checks_found_value: Decimal = ZERO
    checks_nothing: int = 0

    def add_outcome(self, kind: str, quantity: int, value: Decimal | None,
                    co2e: Decimal | None, revenue: Decimal | None,
                    weight: Decimal | None = None) -> None:  # fmt: skip
        if kind in INTERNAL_KINDS:
            self.internal_items += 1
            self.internal_units += quantity
        elif kind in EXTERNAL_KINDS:
            self.external_items += 1
            self.external_units += quantity
        if kind in UNITS_OF_KIND:
            name = UNITS_OF_KIND[Closing(kind)]
            setattr(self, name, getattr(self, name) + quantity)
        self.value_avoided += value or ZERO
        self.co2e_kg += co2e or ZERO
        self.revenue += revenue or ZERO
        self.waste_kg += weight or ZERO

    def add_repair(self, quantity: int, value: Decimal | None, cost: Decimal | None,
                   weight: Decimal | None) -> None:  # fmt: skip
        """A repair avoids buying new, less what it cost; without a known value it saves
        nothing that can be counted, so only its cost and units show."""
        self.repaired_units += quantity
        self.repair_cost += cost or ZERO
        if value is not None:
            self.repair_net += value - (cost or ZERO)
        self.waste_kg += weight or ZERO

    def add_check(self, outcome: str, value: Decimal | None) -> None:
        if outcome == BuyCheckOutcome.FOUND_REQUESTED:
            self.checks_found += 1
            self.checks_found_value += value or ZERO
        else:
            self.checks_nothing += 1

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def has_outcomes(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if not f.name.startswith("checks"))

    @property
    def has_checks(self) -> bool:
        return bool(self.checks_found or self.checks_nothing)


@dataclass
class Row:
    key: Hashable
    label: Any  # a name, or a lazy string in the reader's language
    figures: Figures = field(default_factory=Figures)


@dataclass
class SavingsReport:
    grouping: Grouping
    start: date | None
    end: date | None
    rows: list[Row]
    total: Figures


def local_bounds(
    start: date | None, end: date | None, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """The instants the local days `start` through `end` begin and end."""
    zone = ZoneInfo(timezone)

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone)

    return (
        midnight(start) if start else None,
        midnight(end + timedelta(days=1)) if end else None,
    )


def savings_report(
    session: Session, *, grouping: Grouping, start: date | None = None, end: date | None = None,
    timezone: str = "UTC", department_id: int | None = None,
) -> SavingsReport:  # fmt: skip
    """Add up the outcomes and buy checks of the period (and department), grouped."""
    since, until = local_bounds(start, end, timezone)
    zone = ZoneInfo(timezone)
    rows: dict[Hashable, Figures] = {}

    def figures(at: datetime, department: int, category: int | None) -> Figures:
        key = group_key(grouping, at.astimezone(zone), department, category)
        return rows.setdefault(key, Figures())

    outcomes = _within(select(ReuseOutcome.kind, ReuseOutcome.quantity,
                              ReuseOutcome.value_avoided, ReuseOutcome.co2e_kg,
                              ReuseOutcome.revenue, ReuseOutcome.weight_kg, ReuseOutcome.at,
                              ReuseOutcome.department_id, ReuseOutcome.category_id),
                       ReuseOutcome, ReuseOutcome.at, since, until, department_id)  # fmt: skip
    for kind, qty, value, co2e, revenue, kg, at, department, category in session.execute(outcomes):
        figures(at, department, category).add_outcome(kind, qty, value, co2e, revenue, kg)
    repairs = _within(select(RepairJob.quantity, RepairJob.value_avoided, RepairJob.repair_cost,
                             RepairJob.weight_kg, RepairJob.returned_at, RepairJob.department_id,
                             RepairJob.category_id)
                      .where(RepairJob.status == RepairStatus.RETURNED),
                      RepairJob, RepairJob.returned_at, since, until, department_id)  # fmt: skip
    for quantity, value, cost, kg, at, department, category in session.execute(repairs):
        figures(at, department, category).add_repair(quantity, value, cost, kg)
    checks = _within(select(BuyCheck.outcome, BuyCheck.value_avoided, BuyCheck.created_at,
                            BuyCheck.department_id, BuyCheck.category_id),
                     BuyCheck, BuyCheck.created_at, since, until, department_id)  # fmt: skip
    for outcome, value, at, department, category in session.execute(checks):
        figures(at, department, category).add_check(outcome, value)
    if grouping in PERIODS and rows:
        for key in periods_between(grouping, min(rows), max(rows)):
            rows.setdefault(key, Figures())
    labelled = [Row(key, label, rows[key]) for key, label in labels(session, grouping, rows)]
    total = Figures()
    for row in labelled:
        total.add(row.figures)
    return SavingsReport(grouping, start, end, labelled, total)


def _within(query: Select, model: type, at, since, until, department_id) -> Select:
    if since is not None:
        query = query.where(at >= since)
    if until is not None:
        query = query.where(at < until)
    if department_id is not None:
        query = query.where(model.department_id == department_id)
    return query


def group_key(
    grouping: Grouping, local: datetime, department_id: int, category_id: int | None
) -> Hashable:
    if grouping == Grouping.DEPARTMENT:
        return department_id
    if grouping == Grouping.CATEGORY:
        return category_id or 0  # 0: no category; ids start at 1
    if grouping == Grouping.MONTH:
        return (local.year, local.month)
    if grouping == Grouping.QUARTER:
        return (local.year, (local.month - 1) // 3 + 1)
    return (local.year,)


def periods_between(grouping: Grouping, first: tuple, last: tuple) -> list[tuple]:
    """Every period from `first` to `last`, so a chart over time shows the empty ones too."""
    if grouping == Grouping.YEAR:
        return [(year,) for year in range(first[0], last[0] + 1)]
    per_year = 12 if grouping == Grouping.MONTH else 4
    start, stop = first[0] * per_year + first[1] - 1, last[0] * per_year + last[1] - 1
    return [(n // per_year, n % per_year + 1) for n in range(start, stop + 1)]


def labels(session: Session, grouping: Grouping, rows: dict) -> list[tuple[Hashable, Any]]:
    """Each key with its label, in the order the report shows them."""
    if grouping == Grouping.DEPARTMENT:
        names = dict(session.execute(select(Department.id, Department.name)).all())
        return sorted(((k, names.get(k, "?")) for k in rows), key=lambda kl: kl[1].lower())
    if grouping == Grouping.CATEGORY:
        paths = category_paths(session)
        named = [(k, paths.get(k, "?")) for k in rows if k]
        return sorted(named, key=lambda kl: kl[1].lower()) + (
            [(0, _l("No category"))] if 0 in rows else []
        )
    if grouping == Grouping.MONTH:
        return [(k, f"{k[0]}-{k[1]:02d}") for k in sorted(rows)]
    if grouping == Grouping.QUARTER:
        return [(k, _l("%(year)d Q%(quarter)d", year=k[0], quarter=k[1])) for k in sorted(rows)]
    return [(k, str(k[0])) for k in sorted(rows)]


def category_paths(session: Session) -> dict[int, str]:
    """Every category's full path ("Furniture > Chairs"), from one query."""
    nodes = {cid: (name, parent) for cid, name, parent in session.execute(
        select(Category.id, Category.name, Category.parent_id))}  # fmt: skip

    def path(cid: int) -> str:
        names, seen = [], set()
        while cid in nodes and cid not in seen:
            seen.add(cid)
            name, parent = nodes[cid]
            names.append(name)
            cid = parent
        return " > ".join(reversed(names))

    return {cid: path(cid) for cid in nodes}


@dataclass(frozen=True)
class Column:
    """A figure as the page and the xlsx export show it; `kind` says how it is written."""

    name: str
    label: Any
    kind: str  # "count", "money" (the organisation's currency) or "kg"


OUTCOME_COLUMNS = (
    Column("internal_items", _l("Reused inside: items"), "count"),
    Column("internal_units", _l("Reused inside: units"), "count"),
    Column("external_items", _l("Reused outside: items"), "count"),
    Column("external_units", _l("Reused outside: units"), "count"),
    Column("given_away_units", _l("Given away (units)"), "count"),
    Column("sold_units", _l("Sold (units)"), "count"),
    Column("to_partner_units", _l("To partners (units)"), "count"),
    Column("value_avoided", _l("Purchases avoided"), "money"),
    Column("co2e_kg", _l("CO2e avoided (kg)"), "kg"),
    Column("revenue", _l("Revenue from sales"), "money"),
    Column("recycled_units", _l("Recycled (units)"), "count"),
    Column("scrapped_units", _l("Scrapped (units)"), "count"),
    Column("repaired_units", _l("Repaired (units)"), "count"),
    Column("repair_cost", _l("Repair costs"), "money"),
    Column("repair_net", _l("Replacement avoided minus repair cost"), "money"),
    Column("waste_kg", _l("Kept out of waste (kg)"), "kg"),
)
CHECK_COLUMNS = (
    Column("checks_found", _l("Found and requested"), "count"),
    Column("checks_found_value", _l("Value of what was found"), "money"),
    Column("checks_nothing", _l("Nothing suitable"), "count"),
)
