"""Transfers: an item becomes another department's, in one of its storerooms or in use at a
place it names (a reuse handover, and later a transfer by hand)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from inventory import item_states
from inventory.item_history import history_value, record_event
from inventory.item_records import flush_item_change
from inventory.models import Department, EventKind, Item, Storeroom

if TYPE_CHECKING:
    from app.auth.models import User


def transfer_item(session: Session, item: Item, department: Department, room: Storeroom | None,
                  place: str, *, by: User | None, now: datetime) -> None:  # fmt: skip
    """Give the item to `department`: into `room`, or in use at `place` (its old place if
    none is named). Whatever held it (a listing) has let go: it is in storage or in use."""
    before = _ownership(item)
    item.department, item.storeroom = department, room
    item.place = "" if room else (place or item.place)
    item_states.step(item, item_states.TRANSFER_STORED if room else item_states.TRANSFER_IN_USE)
    item.updated_at = now
    after = _ownership(item)
    record_event(session, item, EventKind.TRANSFERRED, by=by, now=now,
                 changes={k: [before[k], after[k]] for k in before if before[k] != after[k]})  # fmt: skip
    flush_item_change(session)


def _ownership(item: Item) -> dict[str, str | None]:
    return {"department": str(item.department), "storeroom": history_value(item.storeroom),
            "place": item.place, "status": item.status.value}  # fmt: skip
