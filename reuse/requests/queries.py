"""Read-only queries of transfer requests: a department's, and an item's awaiting handover."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, select

from reuse.listings.models import Listing, ListingStatus
from reuse.requests.models import RequestStatus, TransferRequest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def department_requests(department_id: int) -> Select:
    """What a department has asked for, live ones first."""
    live = TransferRequest.status.in_((RequestStatus.PENDING, RequestStatus.APPROVED))
    return (
        select(TransferRequest)
        .where(TransferRequest.department_id == department_id)
        .order_by(live.desc(), TransferRequest.id.desc())
    )


def awaiting_handover(session: Session, item_id: int) -> list[TransferRequest]:
    """Approved requests for the item's open listing: what scanning its label can confirm."""
    return list(
        session.scalars(
            select(TransferRequest)
            .join(TransferRequest.listing)
            .where(
                Listing.item_id == item_id,
                Listing.status == ListingStatus.OPEN,
                TransferRequest.status == RequestStatus.APPROVED,
            )
            .order_by(TransferRequest.id)
        )
    )
