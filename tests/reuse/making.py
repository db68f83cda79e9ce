"""Offering and asking in the reuse tests, with what a test does not care about left plain.

Most tests offer an item in good condition with no reason, place or price, and ask for one
unit for "Room 1" with no date or message; they name only what they are about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.timeutil import utcnow
from inventory.models import Condition, Item
from reuse.listings import services as listing_services
from reuse.listings.models import Listing
from reuse.requests import services as request_services
from reuse.requests.models import TransferRequest


def flag(
    session: Session, item: Item, *, by, quantity: int | None = None, now: datetime | None = None,
    **given: Any,
) -> Listing:  # fmt: skip
    """listing_services.flag_surplus: the whole item unless `quantity` says otherwise."""
    fields = {"reason": "", "condition": Condition.GOOD, "collect_from": "",
              "asking_price": None, **given}  # fmt: skip
    return listing_services.flag_surplus(session, item, quantity=quantity or item.quantity, by=by,
                                         now=now or utcnow(), **fields)  # fmt: skip


def ask(
    session: Session, listing: Listing, *, user, quantity: int = 1,
    now: datetime | None = None, **given: Any,
) -> TransferRequest:  # fmt: skip
    """request_services.request_transfer: one unit, for today, delivered to Room 1."""
    now = now or utcnow()
    fields = {"needed_by": None, "deliver_to": None, "deliver_place": "Room 1", "message": "",
              "today": now.date(), **given}  # fmt: skip
    return request_services.request_transfer(session, listing, user=user, quantity=quantity, now=now,
                                             **fields)  # fmt: skip


def offer_page(client, item: Item, **data: str):
    """Offer `item` through its page's form, as a user does: one unit in good condition."""
    return client.post(f"/items/{item.id}/offer", data={
        "quantity": "1", "condition": "good", "version": str(item.version), **data})  # fmt: skip
