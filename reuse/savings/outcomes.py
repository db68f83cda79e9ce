"""What became of surplus, written down when it happens, for the savings report.

Every handover and every closing but a withdrawal adds one ReuseOutcome row in the same
transaction as the change itself. The figures are snapshots: a category whose replacement
value is raised next year must not rewrite what was avoided this year, and the report adds
up stored numbers, so every grouping and format of it agrees.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from inventory.models import Category, Item
from reuse.listings.models import Closing, Listing
from reuse.savings.models import ReuseOutcome

if TYPE_CHECKING:
    from app.auth.models import User

# A reuse avoids buying the thing new; recycling and scrapping avoid nothing.
REUSE_KINDS = frozenset({Closing.TRANSFERRED, Closing.GIVEN_AWAY, Closing.SOLD, Closing.TO_PARTNER})
INTERNAL_KINDS = frozenset({Closing.TRANSFERRED})
EXTERNAL_KINDS = REUSE_KINDS - INTERNAL_KINDS
OUTCOME_KINDS = REUSE_KINDS | {Closing.RECYCLED, Closing.SCRAPPED}


def category_figure(category: Category | None, field: str) -> Decimal | None:
    """The category's figure per unit, or its nearest parent's: "Office chair" without a
    value of its own is worth what "Chairs" is."""
    while category is not None:
        value = getattr(category, field)
        if value is not None:
            return value
        category = category.parent
    return None


def unit_value(item: Item) -> Decimal | None:
    """What buying one new would cost: the item's own replacement value, else its category's."""
    if item.replacement_value is not None:
        return item.replacement_value
    return category_figure(item.category, "replacement_value")


def record_outcome(
    session: Session, listing: Listing, item: Item, kind: Closing, *, by: User, now: datetime,
    receiving_department_id: int | None = None, revenue: Decimal | None = None,
) -> ReuseOutcome:  # fmt: skip
    """Record what became of `item` (the whole item, or the part split off for this outcome),
    while it still belongs to the department that gave it away."""
    if kind not in OUTCOME_KINDS:
        raise ValueError(f"not an outcome: {kind}")
    quantity = item.quantity
    reused = kind in REUSE_KINDS
    value, co2e = unit_value(item), category_figure(item.category, "co2e_kg")
    weight = category_figure(item.category, "weight_kg")
    outcome = ReuseOutcome(
        listing_id=listing.id, item_id=item.id, kind=kind.value, department_id=item.department_id,
        receiving_department_id=receiving_department_id, category_id=item.category_id,
        quantity=quantity, value_avoided=value * quantity if reused and value is not None else None,
        co2e_kg=co2e * quantity if reused and co2e is not None else None, revenue=revenue,
        weight_kg=weight * quantity if reused and weight is not None else None,
        at=now, by_id=by.id,
    )  # fmt: skip
    session.add(outcome)
    return outcome
