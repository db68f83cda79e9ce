"""Read-only queries of transfer requests: a department's, and an item's awaiting handover."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from inventory.models import Item, Storeroom
from reuse import access
from reuse.listings.models import Listing, ListingStatus
from reuse.requests.models import RequestStatus, TransferRequest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.auth.models import User


def department_requests(department_id: int) -> Select:
    """What a department has asked for, live ones first."""
    live = TransferRequest.status.in_((RequestStatus.PENDING, RequestStatus.APPROVED))
    return (
        select(TransferRequest)
        .where(TransferRequest.department_id == department_id)
        .order_by(live.desc(), TransferRequest.id.desc())
    )


def readable_requests(
    user: User, *, listing_id: int | None = None, department_id: int | None = None,
    status: RequestStatus | None = None, after: int | None = None,
) -> Select:  # fmt: skip
    """The requests `user` may read (`access.may_read_request`), newest first, from the one
    before the request `after`; of one listing, one requesting department, in one state."""
    query = (
        select(TransferRequest)
        .join(TransferRequest.listing)
        .join(Listing.item)
        .outerjoin(Storeroom, Item.storeroom_id == Storeroom.id)
        .where(access.request_scope(user))
        .options(
            joinedload(TransferRequest.listing).joinedload(Listing.item),
            joinedload(TransferRequest.department),
            selectinload(TransferRequest.received_item),
        )
        .order_by(TransferRequest.id.desc())
    )
    for column, value in (
        (TransferRequest.listing_id, listing_id),
        (TransferRequest.department_id, department_id),
        (TransferRequest.status, status),
    ):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        query = query.where(TransferRequest.id < after)
    return query


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
