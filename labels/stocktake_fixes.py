"""Putting a storeroom's records right after its count, in one step each: move the items
found there but recorded elsewhere into it, mark those not found as missing; each item a fix
leaves is listed with why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import access, whereabouts
from inventory.models import Item, ItemStatus, Storeroom
from labels.models import Stocktake

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass
class Fixed:
    """What a one-step fix of a stocktake did, and what it left, each with why."""

    done: list[Item] = field(default_factory=list)
    skipped: list[tuple[Item, str]] = field(default_factory=list)


def report_items(session: Session, stocktake: Stocktake, key: str) -> list[Item]:
    """The items of one list of a finished count (seen, missing, unexpected), by tag."""
    ids = stocktake.report.get(key, [])
    return list(session.scalars(select(Item).where(Item.id.in_(ids)).order_by(Item.tag)))


def why_not_moved_here(item: Item, room: Storeroom, by: User) -> str | None:
    """Why an unexpected item is not moved into the counted storeroom; None: it is."""
    if item.is_disposed:
        return str(_l("it is recorded as disposed of, and a disposed item cannot be moved"))
    if not access.can_move_item(by, item):
        return str(_l("you may not move it"))
    if item.storeroom_id == room.id:
        return str(_l("it is recorded here already"))
    return None


def why_not_marked_missing(item: Item, room: Storeroom, by: User) -> str | None:
    """Why an item not found is not marked missing; None: it is."""
    if item.is_disposed:
        return str(_l("it has been disposed of since the count"))
    if item.storeroom_id != room.id:
        return str(_l("it has been moved elsewhere since the count"))
    if item.status == ItemStatus.MISSING:
        return str(_l("it is marked missing already"))
    if item.status == ItemStatus.OFFERED:
        return str(_l("it is offered for reuse and stays so: find it, or withdraw its listing"))
    if item.status == ItemStatus.RESERVED:
        return str(_l("it is reserved for a transfer and stays so: find it before the handover"))
    if not access.can_move_item(by, item):
        return str(_l("you may not change it"))
    return None


def fix_reasons(stocktake: Stocktake, groups: dict[str, list[Item]], *, by: User) -> dict[int, str]:
    """Why each item of the missing and unexpected lists that a fix would leave is left."""
    room = stocktake.storeroom
    reasons = {i.id: why_not_moved_here(i, room, by) for i in groups["unexpected"]}
    reasons |= {i.id: why_not_marked_missing(i, room, by) for i in groups["missing"]}
    return {item_id: why for item_id, why in reasons.items() if why}


def fixes_left(groups: dict[str, list[Item]], reasons: dict[int, str]) -> set[str]:
    """The lists ("unexpected", "missing") whose fix would still change something: those with
    an item no reason leaves. Once a fix is applied its items are recorded here, or missing,
    already, so the report stops offering it."""
    return {
        key for key in ("unexpected", "missing") if any(i.id not in reasons for i in groups[key])
    }


def fix_unexpected(session: Session, stocktake: Stocktake, *, by: User, now: datetime) -> Fixed:
    """Move the items found here but recorded elsewhere into the counted storeroom. An offered
    or reserved item stays so, its listing following it here; a disposed one is left."""
    room, fixed = stocktake.storeroom, Fixed()
    for item in report_items(session, stocktake, "unexpected"):
        why = why_not_moved_here(item, room, by)
        if why:
            fixed.skipped.append((item, why))
            continue
        whereabouts.move_item(session, item, room, by=by, now=now)
        fixed.done.append(item)
    return fixed


def fix_missing(session: Session, stocktake: Stocktake, *, by: User, now: datetime) -> Fixed:
    """Mark the items recorded here but not found as missing (still recorded here). An item on
    offer is left as it is: its listing is for its owner to withdraw, not for a count."""
    room, fixed = stocktake.storeroom, Fixed()
    note = _l("Not found at the stocktake of %(code)s", code=room.code)
    for item in report_items(session, stocktake, "missing"):
        why = why_not_marked_missing(item, room, by)
        if why:
            fixed.skipped.append((item, why))
            continue
        whereabouts.mark_missing(session, item, by=by, now=now, note=note)
        fixed.done.append(item)
    return fixed
