"""Lots: one item record for several identical things (40 chairs). Part of a lot can leave
it as an item of its own, with a new tag and a link to the lot it came from."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from inventory.errors import ItemNotAvailable
from inventory.item_history import record_event
from inventory.item_records import create_item, flush_item_change
from inventory.models import EventKind, Item

if TYPE_CHECKING:
    from app.auth.models import User

# What the part keeps of the lot: all of its description; not its tag, quantity or status.
SHARED_FIELDS = ("name", "category", "department", "place", "condition", "serial_number",
                 "manufacturer", "model", "purchase_date", "purchase_price",
                 "replacement_value", "notes", "extra")  # fmt: skip


def split_lot(session: Session, item: Item, quantity: int, *, by: User | None, now: datetime,
              tag_prefix: str, tag_digits: int) -> Item:  # fmt: skip
    """Take `quantity` off a lot as a new item in the same storeroom; both histories say so."""
    if not 0 < quantity < item.quantity:  # the whole lot is not split: it is given as it is
        raise ItemNotAvailable(_l("%(n)d cannot be taken off a lot of %(total)d.", n=quantity,
                                  total=item.quantity))  # fmt: skip
    fields = {name: getattr(item, name) for name in SHARED_FIELDS}
    part = create_item(
        session, {**fields, "quantity": quantity}, by=by, now=now, storeroom=item.storeroom,
        tag_prefix=tag_prefix, tag_digits=tag_digits, event_kind=EventKind.SPLIT,
        note=_l("Split from %(tag)s", tag=item.tag),
    )  # fmt: skip
    part.split_from_id = item.id
    item.quantity -= quantity
    record_event(session, item, EventKind.SPLIT, by=by, now=now,
                 changes={"quantity": [item.quantity + quantity, item.quantity]},
                 note=_l("Split off as %(tag)s", tag=part.tag))  # fmt: skip
    flush_item_change(session)
    return part
