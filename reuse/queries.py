"""Read-only queries of the reuse pages: the market as a user's tier sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from app.folding import folded, folded_sql
from inventory.models import Item, Site, Storeroom
from inventory.queries import category_and_descendants
from reuse.models import Listing, ListingStatus, RequestStatus, Tier, TransferRequest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.auth.models import User

SORTS = ("newest", "ending")


def market(
    user: User, *, q: str = "", category_id: int | None = None, condition: str | None = None,
    site_id: int | None = None, town: str = "", sort: str = "newest",
) -> Select:  # fmt: skip
    """Open listings the user's tier may see: inside tiers are the organisation's own."""
    query = (
        select(Listing)
        .join(Listing.item)
        .outerjoin(Storeroom, Item.storeroom_id == Storeroom.id)
        .outerjoin(Site, Storeroom.site_id == Site.id)
        .where(Listing.status == ListingStatus.OPEN)
        .options(joinedload(Listing.item).selectinload(Item.photos))
    )
    if not user.works_across_departments:  # as services.visible_to: department and site first
        neighbours = select(Storeroom.site_id).where(
            Storeroom.department_id == user.department_id
        )  # fmt: skip
        query = query.where(
            or_(
                Listing.tier >= Tier.ORGANISATION,
                Item.department_id == user.department_id,
                Site.id.in_(neighbours),
            )
        )
    if q.strip():
        words = f"%{folded(q.strip())}%"
        query = query.where(or_(Item.name_key.like(words), Item.tag_key.like(words)))
    if category_id:
        query = query.where(Item.category_id.in_(category_and_descendants(category_id)))
    if condition:
        query = query.where(Listing.condition == condition)
    if site_id:
        query = query.where(Site.id == site_id)
    if town.strip():
        query = query.where(folded_sql(Site.town) == folded(town.strip()))
    if sort == "ending":
        return query.order_by(Listing.tier_ends_at.is_(None), Listing.tier_ends_at, Listing.id)
    return query.order_by(Listing.created_at.desc(), Listing.id.desc())


def department_requests(department_id: int) -> Select:
    """What a department has asked for, live ones first."""
    live = TransferRequest.status.in_((RequestStatus.PENDING, RequestStatus.APPROVED))
    return (
        select(TransferRequest)
        .where(TransferRequest.department_id == department_id)
        .order_by(live.desc(), TransferRequest.id.desc())
    )


def open_listing_id(session: Session, item_id: int) -> int | None:
    """The item's open listing, for the link from its page (one at most: a unique index)."""
    return session.scalar(
        select(Listing.id).where(Listing.item_id == item_id, Listing.status == ListingStatus.OPEN)
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
