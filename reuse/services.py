"""Reuse as plain functions: flag surplus, climb the ladder, request, decide, hand over.

Every state change is a compare-and-set: an UPDATE whose WHERE names the state it expects,
checked by its row count. Of two users acting on the same listing or request at once, the
second finds the state moved on and gets a message instead of a second win. The item's own
version (inventory's optimistic lock) guards it the same way. Callers commit, and roll back
on ReuseError: a refusal may come after a first UPDATE of the same change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from app.formats import format_day
from app.states import Transition, advance
from inventory import item_history, item_records, item_states, lots, offers, transfers, vocabulary
from inventory.errors import InventoryError
from inventory.models import Condition, Department, EventKind, Item, ItemStatus, Storeroom
from reuse import listing_states as listings
from reuse import notifications
from reuse import request_states as requests
from reuse.models import (
    Closing,
    ExternalMode,
    HandoverMode,
    Listing,
    ListingStatus,
    RequestStatus,
    ReuseSettings,
    Tier,
    TransferRequest,
)
from reuse.outcomes import record_outcome

if TYPE_CHECKING:
    from app.auth.models import User


class ReuseError(Exception):
    """Refused; the message says why, in the user's terms. Nothing was changed."""


class Conflict(ReuseError):
    """Someone else changed the listing or request first (HTTP 409)."""


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
    _decline_pending(session, listing, by=by, now=now,
                     message=str(_l("The listing was withdrawn.")))  # fmt: skip
    notifications.listing_withdrawn(session, listing, by=by, now=now)
    offers.back_to_stock(session, listing.item, by=by, now=now,
                         note=str(_l("Listing withdrawn")))  # fmt: skip


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
        )
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


def visible_to(user: User, listing: Listing) -> bool:
    """Inside tiers: the owning department and the departments working at the same site (a
    storeroom of theirs there) see a listing first; cross-department roles (staff, managers,
    admins) see every internal listing."""
    if listing.tier >= Tier.ORGANISATION or user.works_across_departments:
        return True
    return in_first_circle(user, listing)


def in_first_circle(user: User, listing: Listing) -> bool:
    """The owning department, and departments with a storeroom at the item's site."""
    item = listing.item
    if item.department_id == user.department_id:
        return True
    return item.storeroom is not None and item.storeroom.site_id in sites_of(
        object_session(listing), user.department_id
    )


def sites_of(session: Session, department_id: int) -> set[int]:
    """The sites where a department has a storeroom: its neighbours in the first tier."""
    return set(session.scalars(select(Storeroom.site_id).where(
        Storeroom.department_id == department_id)))  # fmt: skip


# --- requests -------------------------------------------------------------------------------------


def request_transfer(
    session: Session, listing: Listing, *, user: User, quantity: int, needed_by: date | None,
    deliver_to: Storeroom | None, deliver_place: str, message: str, now: datetime, today: date,
) -> TransferRequest:  # fmt: skip
    """A department asks for (part of) a listing."""
    if not listing.is_open or not visible_to(user, listing):
        raise ReuseError(_l("This listing is no longer open."))
    if listing.item.department_id == user.department_id:
        raise ReuseError(_l("This is your own department's listing."))
    if listing.tier == Tier.DEPARTMENT and not in_first_circle(user, listing):
        # staff and managers see it already, to look after it; asking waits its turn
        raise ReuseError(_l("Its own department and site may ask for it first; the whole "
                            "organisation from %(day)s.", day=format_day(listing.tier_ends_at)))  # fmt: skip
    if quantity < 1 or quantity > listing.available:
        raise ReuseError(_l("Only %(n)d available.", n=listing.available))
    if needed_by is not None and needed_by < today:
        raise ReuseError(_l("The needed-by date has passed."))
    if deliver_to is None and not deliver_place.strip():
        raise ReuseError(_l("Say where it should go: a storeroom or a place."))
    request = TransferRequest(
        listing=listing, department_id=user.department_id, requested_by_id=user.id,
        quantity=quantity, needed_by=needed_by, deliver_to=deliver_to,
        deliver_place=deliver_place.strip(), message=message.strip(), created_at=now,
    )  # fmt: skip
    session.add(request)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(_l("Your department has already asked for this listing.")) from None
    item_history.record_event(session, listing.item, EventKind.REQUESTED, by=user, now=now,
                              changes={"requested": [None, quantity]}, note=message.strip())  # fmt: skip
    session.flush()
    notifications.request_made(session, request, now=now)
    return request


def lock_listing(session: Session, listing_id: int) -> None:
    """Lock a listing's row until the transaction ends (PostgreSQL; SQLite has one writer).

    Every change of a listing, its requests and its item takes the listing first, then the
    requests, then the item, so two changes of one listing queue instead of deadlocking:
    approving one request while another is handed over or cancelled, or a move of the item."""
    session.execute(select(Listing.id).where(Listing.id == listing_id).with_for_update())


def _set_request(session: Session, request: TransferRequest, move: Transition, **values) -> bool:
    return advance(session, TransferRequest, move, TransferRequest.id == request.id, **values) == 1


def _moved_on(request: TransferRequest) -> Conflict:
    return Conflict(_l("This request was already decided or withdrawn."))


def approve(
    session: Session, request: TransferRequest, *, by: User, now: datetime, message: str = "",
    handover_on: date | None = None, carrier: str = "", mode: HandoverMode | None = None,
    handover_from: str = "",
) -> None:  # fmt: skip
    """Reserve the request's quantity and set how it travels (collected or delivered, from
    where, when, who carries it: where to is the request's); when the listing is then fully
    reserved, the other pending requests are declined with a notice."""
    listing, item = request.listing, request.listing.item
    _check_decider(request, by)
    if request.status != RequestStatus.PENDING:  # an old tab; the UPDATEs below still decide
        raise _moved_on(request)
    if item.status not in (ItemStatus.OFFERED, ItemStatus.RESERVED):
        status = vocabulary.STATUS[item.status]
        raise Conflict(_l("The item is no longer offered (now: %(s)s).", s=status))
    if item.quantity < listing.quantity:  # lots edited before the rule in item_records.update_item
        raise Conflict(_l("The item's quantity changed meanwhile: %(n)d left, %(offered)d "
                          "offered.", n=item.quantity, offered=listing.quantity))  # fmt: skip
    if not advance(session, Listing, listings.RESERVE, Listing.id == listing.id,
                   Listing.reserved + request.quantity <= Listing.quantity,
                   reserved=Listing.reserved + request.quantity):  # fmt: skip
        session.refresh(listing)
        if not listing.is_open:
            raise Conflict(_l("This listing was closed meanwhile."))
        raise Conflict(_l("Not enough is left: the listing was reserved for another request."))
    if not _set_request(session, request, requests.APPROVE, decided_by_id=by.id, decided_at=now, decision_message=message.strip(),
                        handover_on=handover_on, carrier=carrier.strip(),
                        handover_mode=HandoverMode(mode) if mode else None,
                        handover_from=handover_from.strip()):  # fmt: skip
        raise _moved_on(request)  # the caller's rollback takes the reservation above back
    session.refresh(listing)
    if listing.available == 0:
        _decline_pending(session, listing, by=by, now=now,
                         message=str(_l("Everything offered has been reserved.")))  # fmt: skip
    hold = item_states.RESERVE if listing.available == 0 else None
    offers.change_hold(session, item, hold, by=by, now=now, kind=EventKind.RESERVED,
                       changes={"reserved": [None, request.quantity]},
                       note=str(request.department))  # fmt: skip
    notifications.request_approved(session, request, now=now)


def _check_decider(request: TransferRequest, by: User) -> None:
    """A request is decided by the other side: never by whoever asked, nor by anyone of the
    department that asked, whatever their role."""
    if by.id == request.requested_by_id or by.department_id == request.department_id:
        raise ReuseError(_l("Your own department's request is decided by someone else."))


def decline(session: Session, request: TransferRequest, *, by: User, now: datetime,
            message: str = "") -> None:  # fmt: skip
    _check_decider(request, by)
    if not _set_request(session, request, requests.DECLINE, decided_by_id=by.id, decided_at=now,
                        decision_message=message.strip()):  # fmt: skip
        raise _moved_on(request)
    item_history.record_event(session, request.listing.item, EventKind.REQUEST_DECLINED, by=by,
                              now=now, note=str(request.department))  # fmt: skip
    notifications.request_declined(session, request, now=now)


def _decline_pending(session: Session, listing: Listing, *, by: User, now: datetime,
                     message: str) -> None:  # fmt: skip
    notifications.pending_declined(session, listing, message=message, now=now)
    advance(session, TransferRequest, requests.DECLINE, TransferRequest.listing_id == listing.id,
            decided_by_id=by.id, decided_at=now, decision_message=message)  # fmt: skip


def cancel(session: Session, request: TransferRequest, *, by: User, now: datetime) -> None:
    """The requester takes a request back before handover; a reservation is released.

    One compare-and-set per state it may leave, so the state it left is the one the database
    had, not the one this session read: an approval that lands between the read and the
    cancellation still has its reservation released."""
    lock_listing(session, request.listing_id)
    for move in (requests.CANCEL_PENDING, requests.CANCEL_APPROVED):
        if _set_request(session, request, move, decided_at=now):
            break
    else:
        raise _moved_on(request)
    listing = request.listing
    item, changes, hold = listing.item, {}, None
    was_approved = move == requests.CANCEL_APPROVED
    if was_approved:
        if not advance(session, Listing, listings.RELEASE, Listing.id == listing.id,
                       reserved=Listing.reserved - request.quantity):  # fmt: skip
            raise Conflict(_l("This listing was closed meanwhile."))
        changes["reserved"] = [request.quantity, None]
        if item.status == ItemStatus.RESERVED:  # something is free again
            hold = item_states.RELEASE
    offers.change_hold(session, item, hold, by=by, now=now, kind=EventKind.REQUEST_CANCELLED,
                       changes=changes, note=str(request.department))  # fmt: skip
    notifications.request_cancelled(session, request, by=by, now=now,
                                    was_approved=was_approved)  # fmt: skip


# --- handover ----------------------------------------------------------------------------------


def hand_over(
    session: Session, request: TransferRequest, *, by: User, now: datetime, tag_prefix: str,
    tag_digits: int,
) -> Item:  # fmt: skip
    """Complete an approved request: the item, or a part split off a lot, becomes the
    requester's, in their storeroom or place. Returns the item they now have."""
    lock_listing(session, request.listing_id)
    if not _set_request(session, request, requests.HAND_OVER, completed_at=now):
        raise Conflict(_l("This request is not approved, or was already handed over."))
    listing, item = request.listing, request.listing.item
    department = session.get(Department, request.department_id)
    whole = request.quantity == item.quantity
    received = item if whole else lots.split_lot(session, item, request.quantity, by=by, now=now,
                                                 tag_prefix=tag_prefix, tag_digits=tag_digits)  # fmt: skip
    # Before the move, while the item is still the giving department's:
    record_outcome(session, listing, received, Closing.TRANSFERRED, by=by, now=now,
                   receiving_department_id=department.id)  # fmt: skip
    transfers.transfer_item(session, received, department, request.deliver_to,
                            request.deliver_place, by=by, now=now)  # fmt: skip
    request.received_item_id = received.id
    left = listing.quantity - request.quantity
    values: dict = {"reserved": Listing.reserved - request.quantity}
    if left == 0:
        move = listings.HAND_OVER_LAST
        values.update(closing=Closing.TRANSFERRED, closed_at=now, closed_by_id=by.id)
        notifications.listing_closed(session, listing, closing=Closing.TRANSFERRED, by=by, now=now)
    else:
        move = listings.HAND_OVER_PART
        values["quantity"] = left
    if not advance(session, Listing, move, Listing.id == listing.id, **values):
        raise Conflict(_l("This listing was closed meanwhile."))
    if not whole:  # the rest of the lot: offered again, still reserved, or back to stock
        session.refresh(listing)
        offers.change_hold(session, item, _rest_of_lot(listing, item), by=by, now=now)
    return received


def _rest_of_lot(listing: Listing, item: Item) -> Transition | None:
    """How the rest of a lot's hold changes once part of it is handed over: back to stock
    when the listing closed, else offered or reserved as what is left says."""
    if not listing.is_open:
        return item_states.restocking(item)
    if listing.available and item.status == ItemStatus.RESERVED:
        return item_states.RELEASE
    if not listing.available and item.status == ItemStatus.OFFERED:
        return item_states.RESERVE
    return None


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
        note=str(_l("Window of the listing changed")),
    )  # fmt: skip
    session.flush()


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")
