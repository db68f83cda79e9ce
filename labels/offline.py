"""Scans queued by a phone without signal, and what the phone keeps to work offline.

The scanning page (static/scan.js) puts every scan into a queue in the browser (IndexedDB)
and sends the queue to /scan/sync whenever it can, each scan with the id the phone gave it
and the time it was scanned. Here a sent queue is applied in scan order, one scan at a time
through `scanning.record_scan`, which makes a resend harmless and reports a conflict when
someone else moved the item after the scan. One bad or refused scan does not stop the rest.

For look-up without signal the page keeps a copy of what the user may see: the storerooms
(to switch the storeroom of a move by scanning its label) and the items' tags, names and
storerooms.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory import access
from inventory.models import Item, ItemStatus, Site, Storeroom
from labels import scanning
from labels.models import ScanMode, ScanOutcome, Stocktake

if TYPE_CHECKING:
    from app.auth.models import User

MAX_SCANS_PER_SYNC = 500


@dataclass(frozen=True)
class SyncResult:
    """What became of one queued scan, as the phone shows it."""

    client_id: str
    code: str
    outcome: str
    message: str
    stocktake_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "code": self.code,
            "outcome": self.outcome,
            "message": self.message,
            "stocktake_id": self.stocktake_id,
        }


class BadScan(ValueError):
    """A queued scan that cannot be applied as sent; it is answered (and dropped), never applied."""

    def __init__(self, message: object = None) -> None:
        super().__init__(str(message or _l("This scan could not be read and was not applied.")))


def _text(entry: dict[str, Any], key: str, limit: int) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise BadScan()
    return value.strip()


def _when(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise BadScan() from error
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def read_scan(session: Session, user: User, entry: Any) -> scanning.ScanRequest:
    """A queued scan as a ScanRequest, or BadScan if a field is missing or wrong."""
    if not isinstance(entry, dict):
        raise BadScan()
    try:
        mode = ScanMode(entry.get("mode"))
    except ValueError as error:
        raise BadScan() from error
    request = scanning.ScanRequest(
        client_id=_text(entry, "client_id", 64),
        code=scanning.code_from_scan(_text(entry, "code", 300)),
        mode=mode,
        scanned_at=_when(_text(entry, "scanned_at", 40)),
    )
    if mode == ScanMode.LOOKUP:
        return request
    if user.role not in access.MOVERS:
        raise BadScan(_l("You may not move or count items."))
    key = "storeroom_id" if mode == ScanMode.MOVE else "stocktake_id"
    target_id = entry.get(key)
    if not isinstance(target_id, int) or isinstance(target_id, bool):
        raise BadScan()
    if mode == ScanMode.MOVE:
        room = session.get(Storeroom, target_id)
        if room is None:
            raise BadScan()
        return replace(request, storeroom=room)
    take = session.get(Stocktake, target_id)
    if take is None:
        raise BadScan()
    return replace(request, stocktake=take)


def _sort_key(entry: Any) -> str:
    """Scan order; unreadable entries first (they are answered without being applied)."""
    if isinstance(entry, dict) and isinstance(entry.get("scanned_at"), str):
        try:
            return _when(entry["scanned_at"]).isoformat()
        except BadScan:
            pass
    return ""


def apply_queue(
    session: Session, user: User, entries: list[Any], *, now: datetime
) -> list[SyncResult]:
    """Apply queued scans in scan order, each in its own transaction; answer every one."""
    results = []
    for entry in sorted(entries, key=_sort_key):
        code = entry.get("code") if isinstance(entry, dict) else None
        client_id = entry.get("client_id") if isinstance(entry, dict) else None
        try:
            request = read_scan(session, user, entry)
        except BadScan as error:
            results.append(
                SyncResult(str(client_id or "")[:64], str(code or "")[:64],
                           ScanOutcome.REFUSED.value, str(error))
            )  # fmt: skip
            continue
        stocktake_id = request.stocktake.id if request.stocktake else None
        try:
            scan = scanning.record_scan(session, user, request, now=now)
        except scanning.ScanError as error:
            session.rollback()
            results.append(
                SyncResult(request.client_id, request.code, ScanOutcome.REFUSED.value,
                           refusal(request.code, error), stocktake_id)
            )  # fmt: skip
            continue
        session.commit()
        results.append(
            SyncResult(scan.client_id, scan.code, scan.outcome.value, scan.text, stocktake_id)
        )
    return results


def refusal(code: str, error: Exception) -> str:
    """Why a scan was not applied, naming what was scanned: a queue answers many at once."""
    return str(_l("%(code)s was not applied: %(why)s", code=code, why=str(error)))


def stocktake_counts(session: Session, stocktake: Stocktake) -> dict[str, int]:
    """The counting page's line: found of expected, and everything scanned."""
    counted = scanning.counted_ids(session, stocktake)
    expected = scanning.expected_ids(session, stocktake)
    return {"found": len(counted & expected), "expected": len(expected), "counted": len(counted)}


def _storerooms(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Storeroom.id, Storeroom.code, Storeroom.name, Site.name)
        .join(Site, Storeroom.site_id == Site.id)
        .order_by(Storeroom.code)
    )
    return [{"id": id_, "code": code, "name": name, "site": site} for id_, code, name, site in rows]


def offline_index(session: Session, user: User) -> dict[str, Any]:
    """Storerooms and the user's items, compact, for look-up and moves without signal."""
    rooms = _storerooms(session)
    codes = {room["id"]: room["code"] for room in rooms}
    items = session.execute(
        select(Item.tag, Item.name, Item.storeroom_id, Item.position, Item.place)
        .where(access.item_scope(user), Item.status != ItemStatus.DISPOSED)
        .order_by(Item.id)
    )
    return {
        "storerooms": rooms,
        "items": [  # where: the storeroom's code and the shelf in it, or the place in use
            [tag, name, f"{codes.get(room_id, '')} {position}".strip() if room_id else place]
            for tag, name, room_id, position, place in items
        ],
    }


def offline_index_version(session: Session, user: User) -> str:
    """Changes whenever the index would: an ETag, so phones download it only when needed."""
    count, latest = session.execute(
        select(func.count(Item.id), func.max(Item.updated_at)).where(access.item_scope(user))
    ).one()
    key = f"{user.id}:{count}:{latest}:{_storerooms(session)}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]
