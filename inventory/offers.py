"""An item's status while a reuse listing holds it: offered, reserved, and back to stock.

The listing itself (who may ask, what is reserved for whom) is reuse's; the item's own status
and its history are written here, so reuse never sets an item's fields itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.states import Transition
from inventory import item_states
from inventory.item_history import Note, record_event
from inventory.item_records import flush_item_change
from inventory.models import Condition, EventKind, Item, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User


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
    item_states.step(item, item_states.OFFER)
    if item.condition != condition:
        changes["condition"] = [item.condition.value, Condition(condition).value]
        item.condition = condition
    item.updated_at = now
    record_event(session, item, EventKind.FLAGGED, by=by, now=now, note=reason, changes=changes)


def change_hold(
    session: Session, item: Item, move: Transition[ItemStatus] | None, *, by: User | None,
    now: datetime, kind: EventKind = EventKind.EDITED, note: Note = "",
    changes: dict[str, list[Any]] | None = None,
) -> None:  # fmt: skip
    """Record a change of what the listing holds (`changes`: what was reserved), moving the
    item's status by `move` if it changes (reserved, offered again, back to stock)."""
    changes = dict(changes or {})
    if move is not None and move.target != item.status:
        changes["status"] = [item.status.value, move.target.value]
        item_states.step(item, move)
        item.updated_at = now
    if changes or note:
        record_event(session, item, kind, by=by, now=now, note=note, changes=changes)
    flush_item_change(session)


def back_to_stock(session: Session, item: Item, *, by: User | None, now: datetime,
                  note: Note) -> None:  # fmt: skip
    """The listing ended without the item leaving: it is in storage or in use again."""
    change_hold(session, item, item_states.restocking(item), by=by, now=now, note=note)
