"""Read-only queries of the demand pages, as Select objects."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, not_, select, true
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.auth.roles import Role
from app.folding import folded_sql
from inventory import access
from inventory.models import Department, Item, ItemStatus, Storeroom
from inventory.queries import category_and_descendants
from reuse import access as reuse_access
from reuse.demand.models import BuyCheck, Wish
from reuse.demand.services import words_of
from reuse.listings.models import Listing, ListingStatus

FOUND_LIMIT = 50  # of each kind, on the check-before-buying page


def wishes_of(user: User) -> Select[tuple[Wish]]:
    return (
        select(Wish)
        .where(Wish.user_id == user.id)
        .options(joinedload(Wish.category), joinedload(Wish.site))
        .order_by(Wish.id)
    )


def _name_has_words(words: str) -> ColumnElement[bool]:
    """Every word in the item's name, case-insensitively; LIKE's wildcards taken literally."""
    clauses = []
    for word in words_of(words):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(Item.name_key.like(f"%{escaped}%", escape="\\"))
    return and_(true(), *clauses)


def _in_category(category_id: int | None) -> ColumnElement[bool]:
    if category_id is None:
        return true()
    return Item.category_id.in_(category_and_descendants(category_id))


def open_listings_matching(
    user: User, *, category_id: int | None, words: str
) -> Select[tuple[Listing]]:
    """Open listings the user may see, of the category (or below) with the words."""
    return (
        select(Listing)
        .join(Listing.item)
        .where(Listing.status == ListingStatus.OPEN, Listing.reserved < Listing.quantity)
        .where(reuse_access.listing_scope(user, site_neighbours=False))
        .where(_in_category(category_id), _name_has_words(words))
        .options(joinedload(Listing.item))
        .order_by(Listing.created_at.desc(), Listing.id.desc())
        .limit(FOUND_LIMIT)
    )


def stored_items_matching(
    user: User, *, category_id: int | None, words: str
) -> Select[tuple[Item]]:
    """Items resting in the organisation's storerooms (not offered) that the user may see,
    by name and storeroom; the page names the department to ask."""
    return (
        select(Item)
        .join(Storeroom, Item.storeroom_id == Storeroom.id)
        .where(Item.status == ItemStatus.IN_STORAGE, access.item_scope(user))
        .where(_in_category(category_id), _name_has_words(words))
        .options(joinedload(Item.department), joinedload(Item.storeroom).joinedload(Storeroom.site))
        .order_by(Item.name_key, Item.id)
        .limit(FOUND_LIMIT)
    )


def hidden_stock_matching(user: User, *, category_id: int | None, words: str) -> Select:
    """The same stock that the user may not see, as units per department and category only."""
    return (
        select(Item.department_id, Item.category_id, func.sum(Item.quantity).label("units"))
        .join(Storeroom, Item.storeroom_id == Storeroom.id)
        .where(Item.status == ItemStatus.IN_STORAGE, not_(access.item_scope(user)))
        .where(_in_category(category_id), _name_has_words(words))
        .group_by(Item.department_id, Item.category_id)
        .order_by(Item.department_id, Item.category_id)
        .limit(FOUND_LIMIT)
    )


def managers_of(department_ids: set[int]) -> Select:
    """The active facility managers of the departments: (department id, name, email)."""
    return (
        select(User.department_id, User.name, User.email)
        .where(
            User.department_id.in_(department_ids),
            User.role == Role.MANAGER,
            User.is_active_account,
        )
        .order_by(folded_sql(User.name), User.email_key)
    )


def recent_checks(limit: int = 100) -> Select[tuple[BuyCheck, User, Department]]:
    """The latest checks before buying, with who made them, for managers."""
    return (
        select(BuyCheck, User, Department)
        .join(User, BuyCheck.user_id == User.id)
        .join(Department, BuyCheck.department_id == Department.id)
        .options(selectinload(BuyCheck.category))
        .order_by(BuyCheck.created_at.desc(), BuyCheck.id.desc())
        .limit(limit)
    )
