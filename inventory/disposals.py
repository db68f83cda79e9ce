"""Taking an item out of the inventory for good; its history stays."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from inventory import item_states
from inventory.item_history import Note, record_event
from inventory.item_records import check_version, flush_item_change
from inventory.models import Disposition, EventKind, Item, ItemEvent, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User


def dispose_item(
    session: Session,
    item: Item,
    disposition: Disposition,
    *,
    note: Note = "",
    by: User | None,
    now: datetime,
    expected_version: int | None = None,
    closing_offer: bool = False,
) -> ItemEvent:
    """Take an item out of the inventory for good; its history stays.

    An offered item is held by its reuse listing; only closing that listing (`closing_offer`)
    disposes of it, with the same event as a disposal by hand."""
    check_version(item, expected_version)
    offered = closing_offer and item.status == ItemStatus.OFFERED
    before = item.status.value
    item_states.step(item, item_states.DISPOSE_OFFERED if offered else item_states.DISPOSE)
    item.disposition = disposition
    item.updated_at = now
    event = record_event(
        session,
        item,
        EventKind.DISPOSED,
        by=by,
        now=now,
        note=note,
        changes={
            "status": [before, ItemStatus.DISPOSED.value],
            "disposition": [None, disposition.value],
        },
    )
    flush_item_change(session)
    return event
