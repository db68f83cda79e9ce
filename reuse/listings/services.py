"""Listings as plain functions: flag surplus, withdraw it, climb the ladder, set windows.

Every state change is a compare-and-set: an UPDATE whose WHERE names the state it expects,
checked by its row count. Of two users acting on the same listing at once, the second finds
the state moved on and gets a message instead of a second win. The item's own version
(inventory's optimistic lock) guards it the same way. Callers commit, and roll back on
ReuseError: a refusal may come after a first UPDATE of the same change. Requests for a
listing are reuse/requests/services.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.states import advance
from app.webhooks import events as webhook_events
from inventory import item_history, item_records, item_states, offers
from inventory.errors import InventoryError
from inventory.models import Condition, EventKind, Item, ItemStatus
from reuse.errors import Conflict, ReuseError
from reuse.listings import states as listings
from reuse.listings.models import Closing, ExternalMode, Listing, ListingStatus, ReuseSettings, Tier
from reuse.notices import notifications
from reuse.requests import services as request_services

if TYPE_CHECKING:
    from app.auth.models import User


def reuse_settings(session: Session) -> ReuseSettings:
    settings = session.scalar(select(ReuseSettings).limit(1))
    if settings is None:
        settings = ReuseSettings()
        session.add(settings)
        session.flush()
    return settings


def window(settings: ReuseSettings, tier: int) -> timedelta | None:
    """How long a listing stays in a tier; None: the public tier has no end."""
    days = {
        Tier.DEPARTMENT: settings.department_days,
        Tier.ORGANISATION: settings.organisation_days,
        Tier.PARTNERS: settings.partner_days,
    }.get(Tier(tier))
    return None if days is None else timedelta(days=days)


def _enter_tier(listing: Listing, tier: int, settings: ReuseSettings, now: datetime) -> None:
    """Put the listing in `tier`, skipping tiers whose window is zero days."""
    while True:
        length = window(settings, tier)
        if length is None or length > timedelta(0):
            break
        tier += 1
    listing.tier, listing.tier_started_at = tier, now
    listing.tier_ends_at = None if length is None else now + length


# --- flagging ------------------------------------------------------------------------------------


def flag_surplus(
    session: Session, item: Item, *, quantity: int, reason: str, condition: Condition,
    collect_from: str, asking_price: Decimal | None, by: User, now: datetime,
    expected_version: int | None = None,
) -> Listing:  # fmt: skip
    """Offer (part of) an item, starting with the owning department."""
    item_records.check_version(item, expected_version)
    if item.status not in item_states.STOCK:
        if item.status in (ItemStatus.OFFERED, ItemStatus.RESERVED):
            raise ReuseError(_l("This item is already offered."))
        raise ReuseError(_l("This item cannot be offered now."))
    if not 1 <= quantity <= item.quantity:
        if not item.is_lot:
            raise ReuseError(_l("A single item is offered whole: 1."))
        raise ReuseError(_l("Offer between 1 and %(n)d.", n=item.quantity))
    if asking_price is not None and asking_price < 0:
        raise ReuseError(_l("An asking price cannot be negative."))
    listing = Listing(
        item=item, quantity=quantity, reason=reason.strip(), condition=condition,
        collect_from=collect_from.strip(), asking_price=asking_price, created_by_id=by.id,
        created_at=now, status=ListingStatus.OPEN,
    )  # fmt: skip
    _enter_tier(listing, Tier.DEPARTMENT, reuse_settings(session), now)
    offers.offer_item(session, item, quantity=quantity, condition=condition,
                      reason=reason.strip(), by=by, now=now)  # fmt: skip
    session.add(listing)
    try:
        item_records.flush_item_change(session)
    except IntegrityError:
        raise Conflict(_l("This item is already offered.")) from None
    notifications.listing_offered(session, listing, now=now)
    webhook_events.listing_offered(session, listing, now=now)
    return listing


def flag_many(
    session: Session, items: list[Item], *, may_edit: Callable[[Item], bool], reason: str,
    condition: Condition | None, collect_from: str, asking_price: Decimal | None, by: User,
    now: datetime,
) -> tuple[list[Listing], list[tuple[Item, str]]]:  # fmt: skip
    """Offer each of a selection whole, as one change: returns the listings made and the
    items skipped with why (not yours to offer, already offered, disposed...). `may_edit`
    is the caller's authorisation check, asked per item. An item another user offers at
    the same moment fails the unique index: Conflict, and the caller rolls back all."""
    made: list[Listing] = []
    skipped: list[tuple[Item, str]] = []
    for item in items:
        tag = item.tag  # read now: after a failed flush the session cannot load it
        if not may_edit(item):
            skipped.append((item, str(_l("You may not offer this item."))))
            continue
        try:
            made.append(flag_surplus(
                session, item, quantity=item.quantity, reason=reason,
                condition=condition or item.condition, collect_from=collect_from,
                asking_price=asking_price, by=by, now=now,
            ))  # fmt: skip
        except Conflict:
            raise
        except InventoryError:  # its version moved on: the session must roll back, all of it
            raise Conflict(_l("%(tag)s was changed by someone else meanwhile: nothing was "
                              "offered. Try again.", tag=tag)) from None  # fmt: skip
        except ReuseError as error:
            skipped.append((item, str(error)))
    return made, skipped


def withdraw(session: Session, listing: Listing, *, by: User, now: datetime) -> None:
    """Take an open listing back; pending requests are declined. Not once something is
    approved: those requests must be cancelled or handed over first."""
    claimed = advance(session, Listing, listings.WITHDRAW, Listing.id == listing.id,
                      Listing.reserved == 0, closing=Closing.WITHDRAWN, closed_at=now,
                      closed_by_id=by.id)  # fmt: skip
    if not claimed:
        if listing.is_open:
            raise Conflict(_l("Part of this listing is approved for a request: cancel that first."))
        raise Conflict(_l("This listing is no longer open."))
    request_services.decline_pending(session, listing, by=by, now=now,
                                     message=str(_l("The listing was withdrawn.")))  # fmt: skip
    notifications.listing_withdrawn(session, listing, by=by, now=now)
    offers.back_to_stock(session, listing.item, by=by, now=now,
                         note=_l("Listing withdrawn"))  # fmt: skip
    webhook_events.listing_closed(session, listing, closing=Closing.WITHDRAWN, now=now)


# --- the ladder ------------------------------------------------------------------------------------


def tick(session: Session, *, now: datetime) -> int:
    """Move listings whose window ended with nothing approved one tier up; return how many.

    Each move is a compare-and-set on the tier it read, so two ticks at once (two cron jobs,
    or a page load during the cron job) move a listing once."""
    settings = reuse_settings(session)
    due = session.scalars(
        select(Listing).where(
            Listing.status == ListingStatus.OPEN, Listing.tier < Tier.PUBLIC,
            Listing.tier_ends_at <= now, Listing.reserved == 0,
        ).order_by(Listing.tier_ends_at, Listing.id)  # the longest overdue first
    ).all()  # fmt: skip
    moved = 0
    for listing in due:
        old = listing.tier
        probe = Listing(tier=old)
        _enter_tier(probe, old + 1, settings, now)
        if advance(session, Listing, listings.CLIMB, Listing.id == listing.id,
                   Listing.tier == old, Listing.reserved == 0, tier=probe.tier,
                   tier_started_at=now, tier_ends_at=probe.tier_ends_at):  # fmt: skip
            moved += 1
            item_history.record_event(
                session, listing.item, EventKind.OFFERED_WIDER, by=None, now=now,
                changes={"tier": [old, probe.tier]},
            )  # fmt: skip
            notifications.listing_climbed(session, listing, old=old, new=probe.tier, now=now)
    notifications.remind(session, settings, now=now)
    session.flush()
    return moved


# --- settings and windows ----------------------------------------------------------------------

MAX_WINDOW_DAYS = 365


def save_settings(
    settings: ReuseSettings, *, department_days: int, organisation_days: int, partner_days: int,
    external_mode: ExternalMode,
) -> None:  # fmt: skip
    """New windows apply to listings as they enter a tier; windows already running keep
    their end, so a listing's page never contradicts what its owner was told."""
    for days in (department_days, organisation_days, partner_days):
        if not 0 <= days <= MAX_WINDOW_DAYS:
            raise ReuseError(_l("A window is between 0 and %(n)d days.", n=MAX_WINDOW_DAYS))
    settings.department_days, settings.organisation_days = department_days, organisation_days
    settings.partner_days, settings.external_mode = partner_days, ExternalMode(external_mode)


def set_window(
    session: Session, listing: Listing, *, ends_at: datetime, by: User, now: datetime
) -> None:  # fmt: skip
    """Shorten or extend the window of the tier a listing is in. An end already passed is
    refused: moving the listing on is the ladder's job (tick), not a side effect of a form."""
    if listing.tier >= Tier.PUBLIC:
        raise ReuseError(_l("The public market has no window."))
    if ends_at <= now:
        raise ReuseError(_l("Choose a day that has not passed."))
    before = listing.tier_ends_at
    if not advance(session, Listing, listings.SET_WINDOW, Listing.id == listing.id,
                   Listing.tier == listing.tier, tier_ends_at=ends_at):  # fmt: skip
        raise Conflict(_l("The listing moved on meanwhile: look at it again."))
    item_history.record_event(
        session, listing.item, EventKind.EDITED, by=by, now=now,
        changes={"window_ends": [_iso(before), _iso(ends_at)]},
        note=_l("Window of the listing changed"),
    )  # fmt: skip
    session.flush()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")
