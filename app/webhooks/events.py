"""Publishing each event where its change is made, in that change's transaction.

The core's moves come through its `item_moved` signal (the core imports no feature); reuse
and imports call these functions at the point of their change, a line each.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.webhooks import payloads
from app.webhooks.models import WebhookEvent
from app.webhooks.services import publish
from inventory import signals
from inventory.models import Department, Item, Storeroom

if TYPE_CHECKING:
    from imports.models import ImportBatch
    from reuse.listings.models import Listing
    from reuse.requests.models import TransferRequest


def listen() -> None:
    """Follow the core's moves (registered by app.register_signals)."""
    signals.item_moved.connect(item_moved)


def item_moved(
    item: Item, *, session: Session, from_storeroom: Storeroom | None, from_position: str,
    from_place: str, now: datetime, **_move: object,
) -> None:  # fmt: skip
    data = payloads.item_moved(item, from_storeroom=from_storeroom, from_position=from_position,
                               from_place=from_place)  # fmt: skip
    publish(session, WebhookEvent.ITEM_MOVED, data, now=now)


def listing_offered(session: Session, listing: Listing, *, now: datetime) -> None:
    publish(session, WebhookEvent.LISTING_OFFERED, payloads.listing_offered(listing), now=now)


def listing_closed(
    session: Session, listing: Listing, *, closing: str, item: Item | None = None,
    sale_price: Decimal | None = None, now: datetime,
) -> None:  # fmt: skip
    """`item`: what the closing concerned, when not the listing's item (a part of a lot)."""
    data = payloads.listing_closed(listing, closing=closing, item=item or listing.item,
                                   sale_price=sale_price, now=now)  # fmt: skip
    publish(session, WebhookEvent.LISTING_CLOSED, data, now=now)


def transfer_handed_over(
    session: Session, request: TransferRequest, received: Item, *, from_department: Department,
    now: datetime,
) -> None:  # fmt: skip
    data = payloads.transfer_handed_over(request, received, from_department=from_department)
    publish(session, WebhookEvent.TRANSFER_HANDED_OVER, data, now=now)


def import_committed(
    session: Session, batch: ImportBatch, counts: dict[str, int], *, now: datetime
) -> None:
    publish(session, WebhookEvent.IMPORT_COMMITTED, payloads.import_committed(batch, counts),
            now=now)  # fmt: skip
