"""Creating and editing items. Each operation records its history event, flushes, and never
commits; an edit based on an out-of-date page is refused (the item's version)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from inventory import item_states
from inventory.errors import DuplicateTag, ItemNotAvailable, StaleItem
from inventory.item_history import Note, history_value, record_event
from inventory.item_tags import next_tag, normalise_tag, tag_in_use, tag_taken
from inventory.models import EventKind, Item, ItemEvent, ItemStatus, Storeroom
from inventory.place_records import find_storeroom_by_code

if TYPE_CHECKING:
    from app.auth.models import User


# Fields an edit form may change. Storeroom, status and disposition change only through
# move_item and dispose_item, so each of those gets its own kind of history event.
EDITABLE_FIELDS = (
    "name",
    "category",
    "department",
    "condition",
    "quantity",
    "serial_number",
    "manufacturer",
    "model",
    "purchase_date",
    "purchase_price",
    "replacement_value",
    "notes",
    "position",
    "place",
    "extra",
)


def create_item(
    session: Session,
    fields: dict[str, Any],
    *,
    by: User | None,
    now: datetime,
    tag: str | None = None,
    tag_prefix: str,
    tag_digits: int,
    storeroom: Storeroom | None = None,
    event_kind: EventKind = EventKind.CREATED,
    note: Note = "",
) -> Item:
    """Create an item with a given or generated tag and record its creation."""
    if tag:
        tag = normalise_tag(tag)
        if tag_in_use(session, tag) or find_storeroom_by_code(session, tag) is not None:
            raise DuplicateTag(tag_taken(tag))
    else:
        tag = next_tag(session, prefix=tag_prefix, digits=tag_digits)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    status = ItemStatus.IN_STORAGE if storeroom else ItemStatus.IN_USE
    item = Item(
        tag=tag, storeroom=storeroom, status=status, created_at=now, updated_at=now, **fields
    )
    session.add(item)
    try:
        session.flush()
    except IntegrityError as error:  # the same tag given at the same moment: the index decides
        if "tag_key" not in str(error.orig):
            raise
        raise DuplicateTag(tag_taken(tag)) from None
    snapshot = {k: [None, history_value(v)] for k, v in fields.items() if v not in (None, "", {})}
    if storeroom:
        snapshot["storeroom"] = [None, history_value(storeroom)]
    record_event(session, item, event_kind, by=by, now=now, changes=snapshot, note=note)
    session.flush()
    return item


STALE_MESSAGE = _l(
    "Someone else changed this item while you were editing it. "
    "Their change is kept; review the item and make your change again."
)


def check_version(item: Item, expected_version: int | None) -> None:
    """Refuse a change based on an out-of-date page (optimistic locking)."""
    if expected_version is not None and expected_version != item.version:
        raise StaleItem(STALE_MESSAGE)


def flush_item_change(session: Session) -> None:
    """Flush; if another transaction saved the item first (its version moved on), refuse."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleItem(STALE_MESSAGE) from None


def update_item(
    session: Session,
    item: Item,
    changes: dict[str, Any],
    *,
    expected_version: int | None,
    by: User | None,
    now: datetime,
    event_kind: EventKind = EventKind.EDITED,
) -> ItemEvent | None:
    """Apply the fields that differ and record them; return None when nothing changed."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    check_version(item, expected_version)
    if item.is_disposed:
        raise ItemNotAvailable(_l("This item has been disposed of and can no longer be edited."))
    if item.status in item_states.HELD and any(
        field in changes and changes[field] != getattr(item, field)
        for field in item_states.HELD_FIELDS
    ):  # its listing offers this quantity of this department's item
        raise ItemNotAvailable(_l("This item is offered for reuse: its quantity and department "
                                  "stay as they are until its listing is withdrawn or closed."))  # fmt: skip
    diff = {}
    for field, new in changes.items():
        old = getattr(item, field)
        if old != new:
            diff[field] = [history_value(old), history_value(new)]
            setattr(item, field, new)
    if not diff:
        return None
    item.updated_at = now
    event = record_event(session, item, event_kind, by=by, now=now, changes=diff)
    flush_item_change(session)
    return event
