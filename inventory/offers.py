"""An item's status while a reuse listing holds it: offered, reserved, and back to stock.

The listing itself (who may ask, what is reserved for whom) is reuse's; the item's own status
and its history are written here, so reuse never sets an item's fields itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from inventory.item_history import record_event
from inventory.item_records import flush_item_change
from inventory.models import Condition, EventKind, Item, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User


def stock_status(item: Item) -> ItemStatus:
    """Where an item goes back to when nothing holds it: in storage, or in use."""
    return ItemStatus.IN_STORAGE if item.storeroom_id else ItemStatus.IN_USE


def offer_item(
    session: Session, item: Item, *, quantity: int, condition: Condition, reason: str,
    by: User | None, now: datetime,
) -> None:  # fmt: skip
    """The item is offered (`quantity` of it), in the condition the offer states. Flushes
    nothing: the caller adds the listing and flushes both, so a unique index on listings
    refuses a second offer of the same item."""
    changes: dict[str, list[Any]] = {
        "status": [item.status.value, ItemStatus.OFFERED.value],
        "offered": [None, quantity],
    }
    if item.condition != condition:
        changes["condition"] = [item.condition.value, Condition(condition).value]
        item.condition = condition
    item.status, item.updated_at = ItemStatus.OFFERED, now
    record_event(session, item, EventKind.FLAGGED, by=by, now=now, note=reason, changes=changes)


def set_offer_status(
    session: Session, item: Item, status: ItemStatus, *, by: User | None, now: datetime,
    kind: EventKind = EventKind.EDITED, note: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> None:  # fmt: skip
    """Change the status of an item a listing holds (reserved, offered again, back to stock),
    recording it, with the listing's own `changes` (what was reserved), in one event."""
    changes = dict(changes or {})
    if item.status != status:
        changes["status"] = [item.status.value, status.value]
        item.status, item.updated_at = status, now
    if changes or note:
        record_event(session, item, kind, by=by, now=now, note=note, changes=changes)
    flush_item_change(session)


def back_to_stock(session: Session, item: Item, *, by: User | None, now: datetime,
                  note: str) -> None:  # fmt: skip
    """The listing ended without the item leaving: it is in storage or in use again."""
    set_offer_status(session, item, stock_status(item), by=by, now=now, note=note)
