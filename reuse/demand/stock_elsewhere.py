"""What other departments keep in their storerooms, as a requester may learn it when checking
before buying: how many of a category each department holds, and whom there to ask; never the
items' names or storerooms, which are for those who may see the items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from inventory.place_names import load_place_names
from reuse.demand.queries import hidden_stock_matching, managers_of

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class StockCount:
    """So many units of a category in a department's storerooms, and whom there to ask: its
    facility managers (none: the department itself)."""

    category: str
    department: str
    units: int
    ask: tuple[Contact, ...]


def contacts(session: Session, department_ids: set[int]) -> dict[int, tuple[Contact, ...]]:
    """Each department's active facility managers, by name."""
    found: dict[int, list[Contact]] = {}
    for department_id, name, email in session.execute(managers_of(department_ids)):
        found.setdefault(department_id, []).append(Contact(name or email, email))
    return {department_id: tuple(people) for department_id, people in found.items()}


def stock_elsewhere(
    session: Session, user: User, *, category_id: int | None, words: str
) -> list[StockCount]:
    """Units of the matching stock the user may not see, by category and department."""
    query = hidden_stock_matching(user, category_id=category_id, words=words)
    rows = session.execute(query).all()
    if not rows:
        return []
    names = load_place_names(session)
    ask = contacts(session, {row.department_id for row in rows})
    counts = [
        StockCount(
            category=names.categories.get(row.category_id) or str(_l("No category")),
            department=names.departments.get(row.department_id, ""),
            units=int(row.units),
            ask=ask.get(row.department_id, ()),
        )
        for row in rows
    ]
    return sorted(counts, key=lambda count: (count.category.lower(), count.department.lower()))
