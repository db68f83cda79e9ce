"""Where to collect an offered item: its listing follows the item when staff move it.

Surplus is often gathered in a central reuse store while it is on offer. The item stays offered
(or reserved); its listing's collect-from, and the approved requests still waiting for their
handover that were told the same place, then name where the item is now. Inventory sends
`item_moving` before the item changes; the listing is changed first, by a compare-and-set as
every change of a listing is, and the item's own version guards the item after it. A requester
whose approved handover named the old place is told the new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.states import advance
from app.timeutil import utcnow
from inventory.errors import StaleItem
from inventory.item_records import STALE_MESSAGE
from inventory.models import Item, Storeroom
from inventory.signals import item_moving
from reuse.listings import states as listings
from reuse.listings.models import Listing, ListingStatus
from reuse.notices import notifications
from reuse.requests import states as requests
from reuse.requests.models import RequestStatus, TransferRequest
from reuse.requests.services import lock_listing

if TYPE_CHECKING:
    from app.auth.models import User

MAX_LENGTH = 300  # of Listing.collect_from and TransferRequest.handover_from


def location_text(to: Storeroom | None, position: str, place: str) -> str:
    """A place to collect from in words: storeroom (code and name), position in it, site."""
    if to is None:
        return place[:MAX_LENGTH]
    parts = (f"{to.code} {to.name}", position, str(to.site))
    return ", ".join(part for part in parts if part)[:MAX_LENGTH]


def follow_move(
    item: Item, *, session: Session, to: Storeroom | None, position: str, place: str,
    by: User | None = None, now: datetime | None = None, **_: Any,
) -> dict[str, list[Any]]:  # fmt: skip
    """Point the item's open listing, and its approved requests that named the same place, at
    where the item goes; return the change for the move's history event. Nothing is written
    before the listing's compare-and-set succeeds. Locks are taken in the order every change
    of a listing takes them (`lock_listing`): the listing, its approved requests, the item
    last, by the move's flush; a move racing a handover or an approval waits for it."""
    row = session.execute(
        select(Listing.id, Listing.collect_from).where(
            Listing.item_id == item.id, Listing.status == ListingStatus.OPEN
        )
    ).one_or_none()
    new = location_text(to, position, place)
    if row is None or row.collect_from == new:
        return {}
    lock_listing(session, row.id)
    told = session.scalars(  # a place the decider chose otherwise (a dock) is theirs to change
        select(TransferRequest.id).where(
            TransferRequest.listing_id == row.id,
            TransferRequest.status == RequestStatus.APPROVED,
            TransferRequest.handover_from == row.collect_from,
        ).with_for_update()
    ).all()  # fmt: skip
    if not advance(session, Listing, listings.FOLLOW_MOVE, Listing.id == row.id,
                   Listing.collect_from == row.collect_from, collect_from=new):  # fmt: skip
        raise StaleItem(STALE_MESSAGE)  # withdrawn or closed since it was read: the item too
    if told:
        advance(session, TransferRequest, requests.MOVE_HANDOVER, TransferRequest.id.in_(told),
                handover_from=new)  # fmt: skip
    for request_id in told:  # they were told where to collect it: tell them where it is now
        notifications.handover_moved(session, session.get(TransferRequest, request_id),
                                     was=row.collect_from, by=by, now=now or utcnow())  # fmt: skip
    return {"collect_from": [row.collect_from, new]}


def listen() -> None:
    """Follow the core's moves; connecting again is harmless (blinker keeps one connection)."""
    item_moving.connect(follow_move)
