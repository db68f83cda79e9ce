"""Read-only queries of listings: the market as a user's tier sees it, an item's listing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import joinedload

from app.folding import folded, folded_sql
from inventory.models import Item, Site, Storeroom
from inventory.queries import category_and_descendants
from reuse import access
from reuse.listings.models import Listing, ListingStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.auth.models import User

SORTS = ("newest", "ending")
# Where "ending soon" puts a listing that never climbs (the public market has no window).
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
# Each of the market's orders as a unique key, for a page that starts after a listing: the
# newest first (descending), or the soonest to climb first (ascending), never-climbing last.
MARKET_ORDER: dict[str, tuple[ColumnElement, ...]] = {
    "newest": (Listing.created_at, Listing.id),
    "ending": (func.coalesce(Listing.tier_ends_at, NEVER), Listing.id),
}


def market(
    user: User, *, q: str = "", category_id: int | None = None, condition: str | None = None,
    site_id: int | None = None, town: str = "", sort: str = "newest",
) -> Select:  # fmt: skip
    """Open listings the user's tier may see, with something left to ask for: one whose every
    unit is approved waits only for its handover (its window may have ended, as an approval
    holds it on its tier). Inside tiers are the organisation's own."""
    query = (
        select(Listing)
        .join(Listing.item)
        .outerjoin(Storeroom, Item.storeroom_id == Storeroom.id)
        .outerjoin(Site, Storeroom.site_id == Site.id)
        .where(
            Listing.status == ListingStatus.OPEN,
            Listing.reserved < Listing.quantity,
            access.listing_scope(user),
        )
        .options(joinedload(Listing.item).selectinload(Item.photos))
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


def market_anchor(user: User, order: tuple[ColumnElement, ...], listing_id: int) -> Select:
    """The values of `order` of a listing `user` may see, where the next page starts."""
    return (
        select(*order)
        .select_from(Listing)
        .join(Listing.item)
        .outerjoin(Storeroom, Item.storeroom_id == Storeroom.id)
        .where(Listing.id == listing_id, access.listing_scope(user))
    )


def open_listing_id(session: Session, item_id: int) -> int | None:
    """The item's open listing, for the link from its page (one at most: a unique index)."""
    return session.scalar(
        select(Listing.id).where(Listing.item_id == item_id, Listing.status == ListingStatus.OPEN)
    )
