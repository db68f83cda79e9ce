"""The demand side as plain functions: wishes and how listings match them, watches, and the
answers of "check before buying".

A wish names a category (its sub-categories count too) and/or words that must all appear in
the item's name, and perhaps a site; it is matched when a listing first reaches the whole
organisation, and only against other departments' listings (one's own are known already).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.folding import folded
from inventory.models import Category, Site
from reuse.demand.models import BuyCheck, BuyCheckOutcome, Watch, Wish
from reuse.listings.models import Listing
from reuse.savings.outcomes import category_figure, unit_value

if TYPE_CHECKING:
    from app.auth.models import User

MAX_WISHES = 50  # per user: a wish list, not a catalogue


class DemandError(Exception):
    """Refused; the message says why, in the user's terms. Nothing was changed."""


def words_of(text: str) -> list[str]:
    """The words of a wish or search, folded for case-insensitive matching."""
    return folded(text.replace("\x00", "")).split()  # PostgreSQL refuses a NUL


def names_all(name: str, words: list[str]) -> bool:
    key = folded(name)
    return all(word in key for word in words)


# --- wishes ---------------------------------------------------------------------------------------


def add_wish(
    session: Session, user: User, *, category: Category | None, words: str, site: Site | None,
    now: datetime,
) -> Wish:  # fmt: skip
    """Keep a wish for the user and their department."""
    words = " ".join(words.split())
    if category is None and not words:
        raise DemandError(_l("Name a category or some words to look for."))
    count = len(session.scalars(select(Wish.id).where(Wish.user_id == user.id)).all())
    if count >= MAX_WISHES:
        raise DemandError(_l("You have %(n)d wishes: remove one first.", n=count))
    wish = Wish(user_id=user.id, department_id=user.department_id, category=category,
                words=words, site=site, created_at=now)  # fmt: skip
    session.add(wish)
    session.flush()
    return wish


def remove_wish(session: Session, wish: Wish) -> None:
    session.delete(wish)
    session.flush()


def describe_wish(wish: Wish) -> str:
    """A wish as its owner typed it: words, category, site, for a notification's params."""
    parts = [wish.words, wish.category.name if wish.category else "",
             wish.site.name if wish.site else ""]  # fmt: skip
    return " · ".join(part for part in parts if part)


def category_line(session: Session, category_id: int | None) -> list[int]:
    """The category and the ones above it in the tree: the wishes for any of them match."""
    line: list[int] = []
    while category_id is not None and category_id not in line:
        line.append(category_id)
        category_id = session.scalar(select(Category.parent_id).where(Category.id == category_id))
    return line


def matching_wishes(session: Session, listing: Listing) -> list[Wish]:
    """Active wishes of other departments that the listing's item answers, oldest first."""
    item = listing.item
    site_id = item.storeroom.site_id if item.storeroom else None
    candidates = session.scalars(
        select(Wish)
        .where(
            Wish.active, Wish.department_id != item.department_id,
            or_(Wish.category_id.is_(None), Wish.category_id.in_(
                category_line(session, item.category_id))),
            or_(Wish.site_id.is_(None), Wish.site_id == site_id),
        )
        .order_by(Wish.id)
    ).all()  # fmt: skip
    return [wish for wish in candidates if names_all(item.name, words_of(wish.words))]


# --- watches --------------------------------------------------------------------------------------


def set_watch(session: Session, listing: Listing, user: User, *, on: bool, now: datetime) -> None:
    """Start or stop watching a listing. Saying the same twice (a double click) changes
    nothing the second time."""
    if not on:
        session.execute(delete(Watch).where(Watch.listing_id == listing.id,
                                            Watch.user_id == user.id))  # fmt: skip
        return
    if is_watching(session, listing, user):
        return
    session.add(Watch(listing_id=listing.id, user_id=user.id, created_at=now))
    try:
        session.flush()
    except IntegrityError:  # the other click won; the caller rolls back and says so
        raise DemandError(_l("You are already watching this listing.")) from None


def is_watching(session: Session, listing: Listing, user: User) -> bool:
    found = select(Watch.id).where(Watch.listing_id == listing.id, Watch.user_id == user.id)
    return session.scalar(found) is not None


# --- check before buying --------------------------------------------------------------------------


def record_buy_check(
    session: Session, user: User, *, category: Category | None, words: str, quantity: int,
    outcome: BuyCheckOutcome, listing: Listing | None, now: datetime,
) -> BuyCheck:  # fmt: skip
    """Record what a check before buying found. Found and requested: the purchase avoided
    is the listed item's value (or the category searched for) times the quantity."""
    words = " ".join(words.split())
    if category is None and not words:
        raise DemandError(_l("Name a category or some words to look for."))
    if quantity < 1:
        raise DemandError(_l("Say how many you need: at least 1."))
    if outcome == BuyCheckOutcome.NOTHING_SUITABLE and listing is not None:
        raise DemandError(_l("A listing was chosen, but the answer says nothing was suitable."))
    value = None
    if outcome == BuyCheckOutcome.FOUND_REQUESTED:
        unit = unit_value(listing.item) if listing else None
        if unit is None and category is not None:
            unit = category_figure(category, "replacement_value")
        value = None if unit is None else unit * quantity
    check = BuyCheck(
        user_id=user.id, department_id=user.department_id, category=category, words=words,
        quantity=quantity, outcome=outcome, listing_id=listing.id if listing else None,
        value_avoided=value, created_at=now,
    )  # fmt: skip
    session.add(check)
    session.flush()
    return check
