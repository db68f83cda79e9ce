"""What the outside sees of a listing: an allowlist, read for the partner and public tiers.

Pages and feeds for partners and the public never receive a Listing or an Item: they get an
OutsideListing, built here from the few fields an outsider may see (title, category,
condition, quantity available, town, price, the offer's description, photos). Whatever else
the item holds (tag, storeroom, department, serial number, purchase price, notes, the names of
staff, ids) cannot reach a template or a feed because it is never copied. `collect_from` stays
inside too: it may name an internal storeroom; the town says roughly where.

A listing is outside only while it is open, at the tier asked for or above, with something
left to take (a fully reserved one has gone), and its item is still offered. Anything else
resolves to nothing, so its page is a 404 on the very next request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.folding import folded, folded_sql
from app.request_values import MAX_ID, bounded_int
from inventory.models import (
    Category,
    Condition,
    Item,
    ItemPhoto,
    ItemStatus,
    Organisation,
    Site,
    Storeroom,
)
from inventory.place_names import load_category_paths
from reuse.listings.models import ExternalMode, Listing, ListingStatus, ReuseSettings, Tier

MAX_TEXT = 100  # a search word or town longer than this is not a search
MAX_WORDS = 8
MAX_PAGE = 1000
SLUG = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class OutsideListing:
    """A listing as outsiders may see it, and nothing more."""

    slug: str
    title: str
    category: str
    condition: Condition
    quantity: int  # still available
    town: str
    description: str
    free: bool
    price: Decimal | None  # None and not free: the price is asked for
    photo_ids: tuple[int, ...]
    offered_since: datetime  # when it reached the tier it is in now


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category_id: int | None = None
    condition: Condition | None = None
    town: str = ""


def clean_text(value: str | None) -> str:
    """Search text without control characters (PostgreSQL refuses a NUL), within a length."""
    return CONTROL.sub("", value or "").strip()[:MAX_TEXT]


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Filters from query arguments; anything malformed is ignored rather than refused."""
    condition = args.get("condition", "")
    return Filters(
        q=clean_text(args.get("q")),
        category_id=bounded_int(args.get("category"), default=None, low=1, high=MAX_ID),
        condition=Condition(condition) if condition in Condition._value2member_map_ else None,
        town=clean_text(args.get("town")),
    )


def price_for(mode: ExternalMode, asking_price: Decimal | None) -> tuple[bool, Decimal | None]:
    """(free, price) under the organisation's rule: some public bodies may only sell."""
    if mode == ExternalMode.GIVE:
        return True, None
    if asking_price is not None and asking_price > 0:
        return False, asking_price
    return mode == ExternalMode.BOTH, None


def external_mode(session: Session) -> ExternalMode:
    """Read without creating the settings row: an outsider's visit writes nothing."""
    mode = session.scalar(select(ReuseSettings.external_mode).limit(1))
    return mode or ExternalMode.BOTH


def organisation(session: Session) -> tuple[str, str]:
    """The organisation's name and currency, as the outside sees who offers what."""
    row = session.execute(select(Organisation.name, Organisation.currency).limit(1)).first()
    return (row[0], row[1]) if row else ("Reshelf", "")


def _outside(columns: tuple, min_tier: Tier) -> Select:
    """`columns` of the listings outside at `min_tier` or above, joined to their item and
    (where the item is in a storeroom) its site."""
    return (
        select(*columns)
        .select_from(Listing)
        .join(Item, Listing.item_id == Item.id)
        .outerjoin(Storeroom, Item.storeroom_id == Storeroom.id)
        .outerjoin(Site, Storeroom.site_id == Site.id)
        .where(
            Listing.status == ListingStatus.OPEN,
            Listing.tier >= min_tier,
            Listing.reserved < Listing.quantity,
            Item.status == ItemStatus.OFFERED,
        )
    )


def listings_query(min_tier: Tier, filters: Filters = Filters()) -> Select:
    """Listings outside at `min_tier` or above, with their town; newest in the tier first."""
    query = _outside((Listing, Site.town), min_tier)
    words = filters.q.split()[:MAX_WORDS]
    if words:
        query = query.outerjoin(Category, Item.category_id == Category.id)
    for word in words:
        word = folded(word)
        query = query.where(
            or_(
                Item.name_key.contains(word, autoescape=True),
                folded_sql(Listing.reason).contains(word, autoescape=True),
                Category.name_key.contains(word, autoescape=True),
            )
        )
    if filters.category_id:
        query = query.where(Item.category_id == filters.category_id)
    if filters.condition:
        query = query.where(Listing.condition == filters.condition)
    if filters.town:
        query = query.where(folded_sql(Site.town) == folded(filters.town))
    return query.order_by(Listing.tier_started_at.desc(), Listing.id.desc())


def _category_paths(session: Session) -> dict[int, str]:
    return load_category_paths(session)  # in the reader's language


def _build(session: Session, rows: list) -> list[OutsideListing]:
    """Copy the allowlisted fields of (Listing, town) rows, with photos and category paths
    read in two queries for the whole page."""
    if not rows:
        return []
    item_ids = [listing.item_id for listing, _ in rows]
    photos: dict[int, list[int]] = {}
    for photo_id, item_id in session.execute(
        select(ItemPhoto.id, ItemPhoto.item_id)
        .where(ItemPhoto.item_id.in_(item_ids))
        .order_by(ItemPhoto.id)
    ):
        photos.setdefault(item_id, []).append(photo_id)
    paths = _category_paths(session)
    mode = external_mode(session)
    out = []
    for listing, town in rows:
        item = listing.item
        free, price = price_for(mode, listing.asking_price)
        out.append(
            OutsideListing(
                slug=listing.public_slug, title=item.name,
                category=paths.get(item.category_id, ""), condition=listing.condition,
                quantity=listing.available, town=town or "", description=listing.reason,
                free=free, price=price, photo_ids=tuple(photos.get(item.id, ())),
                offered_since=listing.tier_started_at,
            )
        )  # fmt: skip
    return out


def page_of(
    session: Session, query: Select, *, page: int, per_page: int
) -> tuple[list[OutsideListing], bool]:
    """One page of listings and whether another follows."""
    rows = session.execute(query.offset((page - 1) * per_page).limit(per_page + 1)).all()
    return _build(session, rows[:per_page]), len(rows) > per_page


def _row(session: Session, slug: str, min_tier: Tier):
    if not SLUG.match(slug or ""):
        return None
    return session.execute(listings_query(min_tier).where(Listing.public_slug == slug)).first()


def find(session: Session, slug: str, min_tier: Tier) -> OutsideListing | None:
    """The listing at `slug` if it is outside at `min_tier` or above; otherwise None."""
    row = _row(session, slug, min_tier)
    return _build(session, [row])[0] if row else None


def open_listing(session: Session, slug: str, min_tier: Tier) -> Listing | None:
    """The Listing itself, for the interest service, under the same rule as `find`."""
    row = _row(session, slug, min_tier)
    return row[0] if row else None


def photo(
    session: Session, slug: str, photo_id: int, min_tier: Tier, *, thumbnail: bool
) -> tuple[bytes, str] | None:
    """A photo's bytes and type, only while its listing is outside at `min_tier`."""
    listing = open_listing(session, slug, min_tier)
    if listing is None or not 1 <= photo_id <= MAX_ID:
        return None
    column = ItemPhoto.thumbnail if thumbnail else ItemPhoto.data
    row = session.execute(
        select(column, ItemPhoto.content_type).where(
            ItemPhoto.id == photo_id, ItemPhoto.item_id == listing.item_id
        )
    ).first()
    return (row[0], row[1]) if row else None


def filter_choices(session: Session, min_tier: Tier) -> tuple[dict[int, str], list[str]]:
    """The categories and towns that have something outside, for the search form: the
    organisation's whole taxonomy and its sites are not the outside's business."""
    category_ids = set(session.scalars(_outside((Item.category_id,), min_tier).distinct()))
    towns = session.scalars(_outside((Site.town,), min_tier).distinct()).all()
    paths = _category_paths(session)
    categories = {id_: path for id_, path in paths.items() if id_ in category_ids}
    return categories, sorted({town for town in towns if town}, key=str.lower)
