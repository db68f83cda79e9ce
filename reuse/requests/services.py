"""Transfer requests as plain functions: ask, approve, decline, cancel, hand over.

Every state change is a compare-and-set (see reuse/listings/services.py); of two users
deciding on one listing's requests at once, the second finds the state moved on and gets a
message instead of a second win. Callers commit, and roll back on ReuseError: a refusal may
come after a first UPDATE of the same change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.formats import format_day
from app.states import Transition, advance
from app.webhooks import events as webhook_events
from inventory import item_history, item_states, lots, offers, transfers, vocabulary
from inventory.models import Department, EventKind, Item, ItemStatus, Storeroom
from reuse import access
from reuse.errors import Conflict, ReuseError
from reuse.listings import states as listings
from reuse.listings.models import Closing, Listing, Tier
from reuse.notices import notifications
from reuse.requests import states as requests
from reuse.requests.models import HandoverMode, TransferRequest
from reuse.requests.states import RequestStatus
from reuse.savings.outcomes import record_outcome

if TYPE_CHECKING:
    from app.auth.models import User


def request_transfer(
    session: Session, listing: Listing, *, user: User, quantity: int, needed_by: date | None,
    deliver_to: Storeroom | None, deliver_place: str, message: str, now: datetime, today: date,
) -> TransferRequest:  # fmt: skip
    """A department asks for (part of) a listing."""
    if not listing.is_open or not access.may_see(user, listing):
        raise ReuseError(_l("This listing is no longer open."))
    if listing.item.department_id == user.department_id:
        raise ReuseError(_l("This is your own department's listing."))
    if listing.tier == Tier.DEPARTMENT and not access.in_first_circle(user, listing):
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
        decline_pending(session, listing, by=by, now=now,
                        message=str(_l("Everything offered has been reserved.")))  # fmt: skip
    hold = item_states.RESERVE if listing.available == 0 else None
    offers.change_hold(session, item, hold, by=by, now=now, kind=EventKind.RESERVED,
                       changes={"reserved": [None, request.quantity]},
                       note=str(request.department))  # fmt: skip
    notifications.request_approved(session, request, now=now)


def _check_decider(request: TransferRequest, by: User) -> None:
    if not access.is_other_side(by, request):
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


def decline_pending(session: Session, listing: Listing, *, by: User, now: datetime,
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
    department, giver = session.get(Department, request.department_id), item.department
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
        webhook_events.listing_closed(session, listing, closing=Closing.TRANSFERRED,
                                      item=received, now=now)  # fmt: skip
    else:
        move = listings.HAND_OVER_PART
        values["quantity"] = left
    if not advance(session, Listing, move, Listing.id == listing.id, **values):
        raise Conflict(_l("This listing was closed meanwhile."))
    if not whole:  # the rest of the lot: offered again, still reserved, or back to stock
        session.refresh(listing)
        offers.change_hold(session, item, _rest_of_lot(listing, item), by=by, now=now)
    webhook_events.transfer_handed_over(session, request, received, from_department=giver, now=now)
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
