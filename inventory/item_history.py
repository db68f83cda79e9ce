"""An item's history: one event per change, with the fields before and after."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from inventory.models import EventKind, Item, ItemEvent

if TYPE_CHECKING:
    from app.auth.models import User


def history_value(value: Any) -> Any:
    """Turn a field value into the JSON form kept in history events."""
    if value is None or isinstance(value, (bool, int, str, dict, list)):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)  # Category, Department, Storeroom: their display name


def record_event(
    session: Session,
    item: Item,
    kind: EventKind,
    *,
    by: User | None,
    now: datetime,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> ItemEvent:
    """Append an event to an item's history."""
    event = ItemEvent(
        item=item,
        kind=kind,
        user_id=by.id if by else None,
        at=now,
        changes=changes or {},
        note=note,
    )
    session.add(event)
    return event
