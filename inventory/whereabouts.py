"""Where an item is: moves into a storeroom or out into use, missing, and sightings by scans."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from inventory import item_states, signals
from inventory.errors import ItemNotAvailable
from inventory.item_history import Note, history_value, record_event
from inventory.item_records import check_version, flush_item_change
from inventory.models import EventKind, Item, ItemEvent, Storeroom

if TYPE_CHECKING:
    from app.auth.models import User


def move_item(
    session: Session,
    item: Item,
    to: Storeroom | None,
    *,
    position: str = "",
    place: str = "",
    by: User | None,
    now: datetime,
    expected_version: int | None = None,
) -> ItemEvent:
    """Move an item into a storeroom (at a position in it: a shelf, a pallet), or out into use
    at a free-text place; never both. An offered or reserved item stays so: what follows it
    (its listing's collect-from) answers the `item_moving` signal."""
    check_version(item, expected_version)
    move = item_states.moving(item, into_storage=to is not None)
    item_states.check(item, move)
    if to is None and not place.strip():
        raise ItemNotAvailable(_l("Choose a storeroom, or say where the item is in use."))
    position, place = (position.strip(), "") if to else ("", place.strip())
    followed = _follow_move(session, item, to=to, position=position, place=place, by=by, now=now)
    before = _whereabouts(item)
    origin = {"from_storeroom": item.storeroom, "from_position": item.position,
              "from_place": item.place}  # fmt: skip
    item.storeroom, item.position, item.place = to, position, place
    item_states.step(item, move)
    item.updated_at = now
    after = _whereabouts(item)
    diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    event = record_event(
        session, item, EventKind.MOVED, by=by, now=now, changes={**diff, **followed}
    )
    flush_item_change(session)
    signals.item_moved.send(item, session=session, by=by, now=now, **origin)
    return event


def _whereabouts(item: Item) -> dict[str, Any]:
    """Where an item is, as a move's history event records it."""
    return {
        "storeroom": history_value(item.storeroom),
        "position": item.position,
        "place": item.place,
        "status": item.status.value,
    }


def _follow_move(session: Session, item: Item, **move: Any) -> dict[str, list[Any]]:
    """Let the features that follow an item's moves do so (before the item itself changes, so
    a listing is locked before its item, in the order reuse's own changes take them), and
    return what they changed for the move's history event."""
    changes: dict[str, list[Any]] = {}
    for _receiver, changed in signals.item_moving.send(item, session=session, **move):
        changes.update(changed or {})
    return changes


def mark_missing(
    session: Session, item: Item, *, by: User | None, now: datetime, note: Note = ""
) -> ItemEvent:
    """Record that an item was not where it should be; it keeps its storeroom until found."""
    before = item.status.value
    item_states.step(item, item_states.MARK_MISSING)
    item.updated_at = now
    changes = {"status": [before, item.status.value]}
    event = record_event(
        session, item, EventKind.EDITED, by=by, now=now, changes=changes, note=note
    )
    flush_item_change(session)
    return event


def mark_seen(
    session: Session, item: Item, *, at: datetime, storeroom: Storeroom | None, by: User | None
) -> None:
    """Note a scan of the item, unless a later scan is already recorded (offline scans can
    arrive late). A sighting is not a change to the item: no history event, and a plain
    UPDATE rather than the ORM's, so the item's version stays and nobody's open edit form
    turns stale because someone scanned the item."""
    session.execute(
        update(Item)
        .where(Item.id == item.id, or_(Item.last_seen_at.is_(None), Item.last_seen_at <= at))
        .values(
            last_seen_at=at,
            last_seen_storeroom_id=storeroom.id if storeroom else None,
            last_seen_by_id=by.id if by else None,
        )
        .execution_options(synchronize_session="fetch")
    )
