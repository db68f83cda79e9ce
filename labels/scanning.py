"""Scans: look up, move into a storeroom, count a storeroom; online or queued offline.

Every scan, typed, photographed or read by the camera, online or sent later from the phone's
queue, goes through `record_scan`. It is stored with the browser's id for it, so a resend or
a double click applies once; it carries the time it was scanned, so queued scans apply in
scan order and a move that someone else overtook while the phone was offline is reported as
a conflict instead of silently overwriting theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inventory import access, item_history, item_states, item_tags, whereabouts
from inventory.errors import InventoryError, StaleItem
from inventory.models import EventKind, Item, ItemEvent, ItemStatus, Storeroom
from labels.models import Scan, ScanMode, ScanOutcome, Stocktake

if TYPE_CHECKING:
    from app.auth.models import User

# An offline scan older than this is refused: the situation on the shelf has likely moved on.
MAX_SCAN_AGE = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)


class ScanError(InventoryError):
    pass


@dataclass(frozen=True)
class ScanRequest:
    client_id: str
    code: str
    mode: ScanMode
    scanned_at: datetime
    storeroom: Storeroom | None = None
    stocktake: Stocktake | None = None


def code_from_scan(text: str) -> str:
    """The tag or storeroom code in what a scanner read: a label's URL or the bare code."""
    text = text.strip()
    lowered = text.lower()
    marker = lowered.rfind("/s/")
    if marker != -1 and lowered.startswith(("http://", "https://")):
        text = text[marker + 3 :]
    return text.strip().strip("/")[:64]


def record_scan(session: Session, user: User, request: ScanRequest, *, now: datetime) -> Scan:
    """Apply a scan once; a scan already received under the same client id is returned as is."""
    scanned_at = min(request.scanned_at, now)  # a phone's clock running ahead is not trusted
    scan, new = _claim(session, user, request, scanned_at=scanned_at, now=now)
    if not new:
        return scan
    item = item_tags.find_item_by_tag(session, request.code)
    if item is None or not access.can_view_item(user, item):
        scan.say(_l("No item has the code %(code)s.", code=request.code))
    elif now - scanned_at > MAX_SCAN_AGE:
        scan.item = item
        scan.outcome = ScanOutcome.REFUSED
        scan.say(
            _l("The scan of %(tag)s is more than a week old and was not applied.", tag=item.tag)
        )
    else:
        scan.item = item
        _apply(session, user, scan, item, request)
    session.flush()
    return scan


def _claim(
    session: Session, user: User, request: ScanRequest, *, scanned_at: datetime, now: datetime
) -> tuple[Scan, bool]:
    """The scan's row, and whether it is new: inserted unless the client id was seen before.

    INSERT ... ON CONFLICT DO NOTHING: of two copies of one scan arriving at once, the second
    waits on the unique index until the first commits, inserts nothing and returns the first
    one's result, so the item is moved once.
    """
    values = {
        "client_id": request.client_id,
        "user_id": user.id,
        "code": request.code,
        "mode": request.mode,
        "storeroom_id": request.storeroom.id if request.storeroom else None,
        "stocktake_id": request.stocktake.id if request.stocktake else None,
        "scanned_at": scanned_at,
        "received_at": now,
        "outcome": ScanOutcome.NOT_FOUND,
        "message": "",
    }
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    inserted = session.execute(
        dialect.insert(Scan)
        .values(values)
        .on_conflict_do_nothing(index_elements=[Scan.user_id, Scan.client_id])
        .returning(Scan.id)
    ).scalar_one_or_none()
    scan = session.scalars(
        select(Scan).where(Scan.user_id == user.id, Scan.client_id == request.client_id)
    ).one()
    return scan, inserted is not None


def _apply(session: Session, user: User, scan: Scan, item: Item, request: ScanRequest) -> None:
    if request.mode == ScanMode.LOOKUP:
        whereabouts.mark_seen(session, item, at=scan.scanned_at, storeroom=item.storeroom, by=user)
        scan.outcome = ScanOutcome.DONE
        scan.say(_l("%(tag)s looked up.", tag=item.tag))
    elif request.mode == ScanMode.MOVE:
        _move(session, user, scan, item, request.storeroom)
    else:
        _count(session, user, scan, item, request.stocktake)


def moved_since(session: Session, item: Item, since: datetime) -> bool:
    """Whether the item was moved (by anyone) after `since`."""
    return (
        session.scalar(
            select(ItemEvent.id)
            .where(
                ItemEvent.item_id == item.id,
                ItemEvent.kind == EventKind.MOVED,
                ItemEvent.at > since,
            )
            .limit(1)
        )
        is not None
    )


def _move(session: Session, user: User, scan: Scan, item: Item, room: Storeroom | None) -> None:
    if room is None:
        raise ScanError(_l("Scan a storeroom label first."))
    if not _may_move(session, user, scan, item):
        return
    if item.storeroom_id == room.id and item.status in (ItemStatus.IN_STORAGE, *item_states.HELD):
        whereabouts.mark_seen(session, item, at=scan.scanned_at, storeroom=room, by=user)
        scan.outcome = ScanOutcome.UNCHANGED
        scan.say(_l("%(tag)s is already in %(code)s.", tag=item.tag, code=room.code))
        return
    _apply_move(session, user, scan, item, room)
    # Seen here either way. After the move, which locks an offered item's listing before the
    # item, as reuse's own changes do; a sighting is an UPDATE of the item.
    whereabouts.mark_seen(session, item, at=scan.scanned_at, storeroom=room, by=user)


def _may_move(session: Session, user: User, scan: Scan, item: Item) -> bool:
    """Whether the scan may move the item; if not, the scan says why: the user may not move
    it, or someone moved it after the scan, and their move stands."""
    if not access.can_move_item(user, item):
        scan.outcome = ScanOutcome.REFUSED
        scan.say(_l("You may not move %(tag)s.", tag=item.tag))
        return False
    if moved_since(session, item, scan.scanned_at):
        scan.outcome = ScanOutcome.CONFLICT
        scan.say(
            _l("%(tag)s was moved by someone else after this scan; it was left where they put it.",
               tag=item.tag)
        )  # fmt: skip
        return False
    return True


def _apply_move(session: Session, user: User, scan: Scan, item: Item, room: Storeroom) -> None:
    before = {"storeroom_id": item.storeroom_id, "position": item.position, "place": item.place,
              "status": item.status.value}  # fmt: skip
    try:
        # A savepoint: a move refused at the flush (someone saved the item meanwhile) is undone
        # alone, and the scan and the sighting are still recorded. The move is dated when it
        # was scanned, so queued scans replay in order.
        with session.begin_nested():
            whereabouts.move_item(session, item, room, by=user, now=scan.scanned_at)
    except StaleItem:
        scan.outcome = ScanOutcome.REFUSED
        scan.say(
            _l("%(tag)s was changed by someone else just now and was not moved. Scan it again.",
               tag=item.tag)
        )  # fmt: skip
    except InventoryError as error:
        scan.outcome = ScanOutcome.REFUSED
        why = error.args[0] if error.args else ""
        scan.say(_l("%(tag)s was not moved: %(why)s", tag=item.tag, why=why))
    else:
        scan.moved_from = before
        scan.outcome = ScanOutcome.DONE
        scan.say(_l("%(tag)s moved to %(code)s.", tag=item.tag, code=room.code))


def undo_last_move(session: Session, user: User, room: Storeroom, *, now: datetime) -> Scan | None:
    """Put back the item of the user's last move into `room`, if nothing moved it since."""
    scan = session.scalar(
        select(Scan)
        .where(
            Scan.user_id == user.id,
            Scan.mode == ScanMode.MOVE,
            Scan.storeroom_id == room.id,
            Scan.outcome == ScanOutcome.DONE,
        )
        .order_by(Scan.id.desc())
        .limit(1)
    )
    if scan is None or scan.item is None:
        return None
    item, before = scan.item, scan.moved_from
    if item.storeroom_id != room.id:
        raise ScanError(_l("%(tag)s has been moved again since; nothing was undone.", tag=item.tag))
    back = session.get(Storeroom, before["storeroom_id"]) if before.get("storeroom_id") else None
    whereabouts.move_item(session, item, back, position=before.get("position") or "",
                          place=before.get("place") or "-", by=user, now=now)  # fmt: skip
    if before.get("status") == ItemStatus.MISSING.value:
        whereabouts.mark_missing(session, item, by=user, now=now)
    scan.outcome = ScanOutcome.UNCHANGED
    scan.say(_l("Undone: %(tag)s is back where it was.", tag=item.tag))
    session.flush()
    return scan


def recent_moves(session: Session, user: User, room: Storeroom, *, since: datetime) -> list[Scan]:
    """The running list of a move session: the user's scans into `room` today, newest first."""
    return list(
        session.scalars(
            select(Scan)
            .where(
                Scan.user_id == user.id,
                Scan.mode == ScanMode.MOVE,
                Scan.storeroom_id == room.id,
                Scan.received_at >= since,
            )
            .order_by(Scan.id.desc())
            .limit(100)
        )
    )


# --- stocktake ---------------------------------------------------------------------------


def start_stocktake(session: Session, room: Storeroom, *, by: User, now: datetime) -> Stocktake:
    stocktake = Stocktake(storeroom=room, started_by_id=by.id, started_at=now)
    session.add(stocktake)
    session.flush()
    return stocktake


def _count(
    session: Session, user: User, scan: Scan, item: Item, stocktake: Stocktake | None
) -> None:
    if stocktake is None or not stocktake.is_open:
        raise ScanError(_l("This stocktake is finished; start a new one."))
    whereabouts.mark_seen(session, item, at=scan.scanned_at, storeroom=stocktake.storeroom, by=user)
    already = session.scalar(
        select(Scan.id).where(
            Scan.stocktake_id == stocktake.id,
            Scan.item_id == item.id,
            Scan.outcome == ScanOutcome.DONE,
        )
    )
    if already:
        scan.outcome = ScanOutcome.UNCHANGED
        scan.say(_l("%(tag)s was already counted.", tag=item.tag))
        return
    scan.outcome = ScanOutcome.DONE
    if item.is_disposed:
        scan.say(_l("%(tag)s is recorded as disposed of: unexpected here.", tag=item.tag))
    elif item.storeroom_id == stocktake.storeroom_id:
        scan.say(_l("%(tag)s counted.", tag=item.tag))
    else:
        scan.say(_l("%(tag)s is recorded elsewhere: unexpected here.", tag=item.tag))


def stocktake_scans(session: Session, user: User, stocktake: Stocktake) -> list[Scan]:
    """The user's latest scans in a count, newest first: the counting page's running list."""
    return list(
        session.scalars(
            select(Scan)
            .where(Scan.user_id == user.id, Scan.stocktake_id == stocktake.id)
            .order_by(Scan.id.desc())
            .limit(100)
        )
    )


def counted_ids(session: Session, stocktake: Stocktake) -> set[int]:
    return set(
        session.scalars(
            select(Scan.item_id).where(
                Scan.stocktake_id == stocktake.id, Scan.outcome == ScanOutcome.DONE
            )
        )
    )


def expected_ids(session: Session, stocktake: Stocktake) -> set[int]:
    """What the storeroom should hold: its items that are not disposed."""
    return set(
        session.scalars(
            select(Item.id).where(
                Item.storeroom_id == stocktake.storeroom_id, Item.status != ItemStatus.DISPOSED
            )
        )
    )


def finish_stocktake(
    session: Session, stocktake: Stocktake, *, by: User, now: datetime
) -> dict[str, list[int]]:
    """Close the count and keep its report: seen, missing, unexpected (item ids)."""
    if not stocktake.is_open:
        return stocktake.report
    counted, expected = counted_ids(session, stocktake), expected_ids(session, stocktake)
    stocktake.report = {
        "seen": sorted(counted & expected),
        "missing": sorted(expected - counted),
        "unexpected": sorted(counted - expected),
    }
    stocktake.finished_at = now
    room = stocktake.storeroom
    for item in session.scalars(select(Item).where(Item.id.in_(counted))):
        item_history.record_event(session, item, EventKind.COUNTED, by=by, now=now, note=room.code)
        if item.status == ItemStatus.MISSING and item.storeroom_id == room.id:
            whereabouts.move_item(session, item, room, by=by, now=now)  # found again: in storage
    session.flush()
    return stocktake.report
