"""An item's history: one event per change, with the fields before and after."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import LazyString
from sqlalchemy.orm import Session

from app import kept_messages
from inventory.models import EventKind, Item, ItemEvent

# A history note: text a person typed, or one the app writes with `_l` (kept to be read in
# the reader's language).
Note = str | LazyString

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
    note: Note = "",
) -> ItemEvent:
    """Append an event to an item's history. A note the app writes is made with `_l` and kept
    to be read in the reader's language; text a person typed is kept as it is."""
    note, note_params = kept_note(note)
    event = ItemEvent(
        item=item,
        kind=kind,
        user_id=by.id if by else None,
        at=now,
        changes=changes or {},
        note=note,
        note_params=note_params,
    )
    session.add(event)
    return event


def kept_note(note: Note) -> tuple[str, dict[str, Any] | None]:
    """What an event row stores of a note: the msgid and parameters of one made with `_l`, or
    typed text with no parameters."""
    if isinstance(note, LazyString):
        return kept_messages.kept(note)
    return note, None
