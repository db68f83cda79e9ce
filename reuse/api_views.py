"""Listings and transfer requests in the API: the market, offering an item, withdrawing it,
asking for it, and deciding, handing over or cancelling a request.

Each call asks reuse.access (and inventory.access for the item) exactly as the reuse pages
do, 404 where a page answers 404 and 403 where it answers 403, and writes through the same
services (reuse/listings/services.py, reuse/requests/services.py), so what is done here
leaves the same history, notifications and savings as on the pages. A refusal of the
services (the request was decided meanwhile, not that many are left, the listing closed) is
a 409 with their message, and the rollback undoes whatever the call had begun; the services'
compare-and-sets decide which of two simultaneous calls wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.api.errors import ApiError, conflict, forbidden, invalid, not_found
from app.api.schemas import PageLinks, responses
from app.api.web import bp, spec
from app.extensions import db
from app.pagination import keyset_page
from app.timeutil import utcnow
from inventory import access as inventory_access
from inventory.api_web import item_or_404
from inventory.api_web import refused as item_refused
from inventory.errors import InventoryError
from inventory.models import Item, ItemPhoto, Storeroom
from inventory.web import photo_response
from reuse import access
from reuse.api_schemas import (
    ApproveIn,
    DeclineIn,
    ListingList,
    ListingListQuery,
    ListingOut,
    ListingPhotoOut,
    NothingIn,
    OfferIn,
    RequestIn,
    RequestList,
    RequestListQuery,
    RequestOut,
)
from reuse.errors import ReuseError
from reuse.listings import queries as listing_queries
from reuse.listings import services as listing_services
from reuse.listings.models import Listing, Tier
from reuse.requests import queries as request_queries
from reuse.requests import services as request_services
from reuse.requests.models import TransferRequest
from reuse.web import today

LISTINGS, REQUESTS = ("listings",), ("requests",)
WRITTEN = (409,)


# --- finding what the token's user may see -----------------------------------------------------


def listing_or_404(listing_id: int) -> Listing:
    """A listing the user's tier may see (reuse.web.listing_or_404); anything else is a 404."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or not access.may_see(current_user, listing):
        raise not_found()
    return listing


def readable_request_or_404(request_id: int) -> TransferRequest:
    """A request the user may read (theirs, on their department's listing, or one they decide
    on); any other is a 404 for every call, reading or acting, so none shows it exists."""
    transfer = db.session.get(TransferRequest, request_id)
    if transfer is None or not access.may_see(current_user, transfer.listing):
        raise not_found()
    if not access.may_read_request(current_user, transfer):
        raise not_found()
    return transfer


def refused(error: ReuseError | InventoryError, item: Item | None = None) -> ApiError:
    """A refusal of the services as a 409 (the core's as inventory.api_web says), having
    rolled back first: the message reads the user, and a refused flush leaves the session
    unusable until then."""
    if isinstance(error, InventoryError):
        return item_refused(error, item)
    db.session.rollback()
    return conflict(str(error))


def done(change: Callable[[], Any], item: Item | None = None) -> Any:
    """Run a change through its service and commit it, or refuse it having changed nothing."""
    try:
        result = change()
    except (ReuseError, InventoryError) as error:
        raise refused(error, item) from None
    db.session.commit()
    return result


# --- what a call answers ----------------------------------------------------------------------


def listing_out(listing: Listing) -> ListingOut:
    item = listing.item
    room = item.storeroom

    def photo(photo_id: int, size: str) -> str:
        return url_for("api.listing_photo", listing_id=listing.id, photo_id=photo_id, size=size)

    return ListingOut(
        id=listing.id, item_name=item.name,
        item_tag=item.tag if inventory_access.can_view_item(current_user, item) else None,
        department_id=item.department_id, department=item.department.name,
        storeroom=room.code if room else None, site_id=room.site_id if room else None,
        site=room.site.name if room else None, quantity=listing.quantity,
        reserved=listing.reserved, available=listing.available, condition=listing.condition,
        reason=listing.reason, collect_from=listing.collect_from,
        asking_price=listing.asking_price, tier=Tier(listing.tier).name.lower(),
        tier_ends_at=listing.tier_ends_at, status=listing.status, closing=listing.closing,
        created_at=listing.created_at, closed_at=listing.closed_at,
        photos=[ListingPhotoOut(id=p.id, url=photo(p.id, "full"), thumbnail_url=photo(p.id, "thumb"))
                for p in item.photos],
        may_decide=access.may_decide(current_user, listing),
        may_withdraw=access.may_withdraw(current_user, listing),
    )  # fmt: skip


def request_out(transfer: TransferRequest) -> RequestOut:
    received = transfer.received_item
    shown = received is not None and inventory_access.can_view_item(current_user, received)
    return RequestOut(
        id=transfer.id, listing_id=transfer.listing_id, item_name=transfer.listing.item.name,
        department_id=transfer.department_id, department=transfer.department.name,
        quantity=transfer.quantity, needed_by=transfer.needed_by,
        deliver_to=transfer.deliver_to_id, deliver_place=transfer.deliver_place,
        message=transfer.message, status=transfer.status, created_at=transfer.created_at,
        decided_at=transfer.decided_at, decision_message=transfer.decision_message,
        handover_mode=transfer.handover_mode, handover_from=transfer.handover_from,
        handover_on=transfer.handover_on, carrier=transfer.carrier,
        completed_at=transfer.completed_at, received_item_tag=received.tag if shown else None,
    )  # fmt: skip


def next_link(endpoint: str, after: int | None) -> PageLinks:
    """The link to the page after the row `after`, with the same filters."""
    if after is None:
        return PageLinks()
    # From the checked arguments, not the raw ones: url_for takes `_method` and such as its own.
    query = request.context.query.model_dump(mode="json", exclude_defaults=True,
                                             exclude={"after"})  # fmt: skip
    return PageLinks(next=url_for(endpoint, **query, after=after))


# --- listings ---------------------------------------------------------------------------------


@bp.get("/listings")
@spec.validate(query=ListingListQuery, resp=responses(HTTP_200=ListingList), tags=LISTINGS)
def list_listings():
    """The internal reuse market: the open listings the token's user may see, with something
    left to ask for, and the market page's search and filters; pages follow `links.next`."""
    args: ListingListQuery = request.context.query
    query = listing_queries.market(
        current_user, q=args.q, category_id=args.category, site_id=args.site, town=args.town,
        condition=args.condition.value if args.condition else None, sort=args.sort,
    ).options(
        joinedload(Listing.item).joinedload(Item.department),
        joinedload(Listing.item).joinedload(Item.storeroom).joinedload(Storeroom.site),
    )  # fmt: skip
    order = listing_queries.MARKET_ORDER[args.sort]
    anchor = None
    if args.after is not None:
        anchor = db.session.execute(
            listing_queries.market_anchor(current_user, order, args.after)
        ).one_or_none()
        if anchor is None:
            raise not_found()
    page = keyset_page(db.session, query, order=order, descending=args.sort == "newest",
                       anchor=anchor, backwards=False, per_page=args.per_page)  # fmt: skip
    listings = [row[0] for row in page.items]
    return ListingList(
        items=[listing_out(listing) for listing in listings],
        links=next_link("api.list_listings", listings[-1].id if page.has_next else None),
    )


@bp.get("/listings/<int:listing_id>")
@spec.validate(resp=responses(HTTP_200=ListingOut), tags=LISTINGS)
def get_listing(listing_id: int):
    """A listing the token's user may see, open or ended."""
    return listing_out(listing_or_404(listing_id))


@bp.get("/listings/<int:listing_id>/photos/<int:photo_id>/<any(full, thumb):size>")
@spec.validate(resp=responses(HTTP_200=None), tags=LISTINGS)
def listing_photo(listing_id: int, photo_id: int, size: str):
    """A photo of the listed item, as a JPEG, for everyone who may see the listing."""
    listing = listing_or_404(listing_id)
    photo = db.session.get(ItemPhoto, photo_id)
    if photo is None or photo.item_id != listing.item_id:
        raise not_found()
    return photo_response(photo, size)


@bp.post("/items/<tag>/offer")
@spec.validate(json=OfferIn, resp=responses(HTTP_201=ListingOut, errors=WRITTEN), tags=LISTINGS)
def offer_item(tag: str):
    """Offer an item, or part of a lot, as surplus: first to its own department, then up the
    ladder. Its photos are the item's (POST /items/{tag}/photos)."""
    item = item_or_404(tag)
    if not inventory_access.can_edit_item(current_user, item):
        raise forbidden()
    body: OfferIn = request.context.json
    quantity = item.quantity if body.quantity is None else body.quantity
    if quantity > item.quantity:  # the form's bounds: a lot's size, or none for a single item
        if not item.is_lot:
            raise invalid(_("A single item is offered whole: 1."), "quantity")
        raise invalid(_("Offer between 1 and %(n)d.", n=item.quantity), "quantity")
    listing = done(lambda: listing_services.flag_surplus(
        db.session, item, quantity=quantity, reason=body.reason,
        condition=body.condition or item.condition, collect_from=body.collect_from,
        asking_price=body.asking_price, by=current_user, now=utcnow(),
        expected_version=body.version,
    ), item)  # fmt: skip
    return listing_out(listing), 201


@bp.post("/listings/<int:listing_id>/withdraw")
@spec.validate(json=NothingIn, resp=responses(HTTP_200=ListingOut, errors=WRITTEN), tags=LISTINGS)
def withdraw_listing(listing_id: int):
    """Take an open listing back: its pending requests are declined, the item is back in
    stock. Not while part of it is approved for a request (409): cancel that first."""
    listing = listing_or_404(listing_id)
    if not access.may_withdraw(current_user, listing):
        raise forbidden()
    done(lambda: listing_services.withdraw(db.session, listing, by=current_user, now=utcnow()))
    return listing_out(listing)


# --- requests -----------------------------------------------------------------------------------


@bp.post("/listings/<int:listing_id>/requests")
@spec.validate(json=RequestIn, resp=responses(HTTP_201=RequestOut, errors=WRITTEN), tags=REQUESTS)
def request_listing(listing_id: int):
    """Ask for (part of) a listing for the token user's department, to a storeroom or a
    place. Its owners decide; one live request per department and listing."""
    listing = listing_or_404(listing_id)
    body: RequestIn = request.context.json
    deliver_to = None
    if body.deliver_to is not None:
        deliver_to = db.session.get(Storeroom, body.deliver_to)
        if deliver_to is None:
            raise invalid(_("Nothing has the id %(id)d here.", id=body.deliver_to), "deliver_to")
    elif not body.deliver_place:
        raise invalid(_("Say where it should go: a storeroom or a place."), "deliver_place")
    if body.needed_by is not None and body.needed_by < today():
        raise invalid(_("The needed-by date has passed."), "needed_by")
    transfer = done(lambda: request_services.request_transfer(
        db.session, listing, user=current_user, quantity=body.quantity, needed_by=body.needed_by,
        deliver_to=deliver_to, deliver_place=body.deliver_place, message=body.message,
        now=utcnow(), today=today(),
    ))  # fmt: skip
    return request_out(transfer), 201


@bp.get("/requests")
@spec.validate(query=RequestListQuery, resp=responses(HTTP_200=RequestList), tags=REQUESTS)
def list_requests():
    """The requests the token's user may read, newest first: their department's, those on
    its listings and, for those who decide, those of every listing they see."""
    args: RequestListQuery = request.context.query
    if args.listing is not None:
        listing_or_404(args.listing)
    query = request_queries.readable_requests(
        current_user, listing_id=args.listing, department_id=args.department, status=args.status,
        after=args.after,
    )  # fmt: skip
    rows = db.session.scalars(query.limit(args.per_page + 1)).all()
    more = len(rows) > args.per_page
    rows = rows[: args.per_page]
    return RequestList(
        items=[request_out(transfer) for transfer in rows],
        links=next_link("api.list_requests", rows[-1].id if more else None),
    )


@bp.get("/requests/<int:request_id>")
@spec.validate(resp=responses(HTTP_200=RequestOut), tags=REQUESTS)
def get_request(request_id: int):
    """A request the token's user may read."""
    return request_out(readable_request_or_404(request_id))


def decider_or_403(transfer: TransferRequest) -> None:
    """Who decides on a request: a decider of its listing (as on the page), of the other side."""
    if not access.may_decide(current_user, transfer.listing):
        raise forbidden()
    if not access.is_other_side(current_user, transfer):
        raise forbidden(_("Your own department's request is decided by someone else."))


@bp.post("/requests/<int:request_id>/approve")
@spec.validate(json=ApproveIn, resp=responses(HTTP_200=RequestOut, errors=WRITTEN), tags=REQUESTS)
def approve_request(request_id: int):
    """Approve a pending request: its quantity is reserved for the department, and how it
    travels is set. Once the listing is fully reserved, its other pending requests are
    declined. A request decided meanwhile, or not enough left, is a 409."""
    transfer = readable_request_or_404(request_id)
    decider_or_403(transfer)
    body: ApproveIn = request.context.json
    handover_from = (
        transfer.listing.collect_from if body.handover_from is None else body.handover_from
    )
    done(lambda: request_services.approve(
        db.session, transfer, by=current_user, now=utcnow(), message=body.message,
        handover_on=body.handover_on, carrier=body.carrier, mode=body.handover_mode,
        handover_from=handover_from,
    ))  # fmt: skip
    return request_out(transfer)


@bp.post("/requests/<int:request_id>/decline")
@spec.validate(json=DeclineIn, resp=responses(HTTP_200=RequestOut, errors=WRITTEN), tags=REQUESTS)
def decline_request(request_id: int):
    """Decline a pending request, with a message to the department that asked."""
    transfer = readable_request_or_404(request_id)
    decider_or_403(transfer)
    body: DeclineIn = request.context.json
    done(lambda: request_services.decline(db.session, transfer, by=current_user, now=utcnow(),
                                          message=body.message))  # fmt: skip
    return request_out(transfer)


@bp.post("/requests/<int:request_id>/cancel")
@spec.validate(json=NothingIn, resp=responses(HTTP_200=RequestOut, errors=WRITTEN), tags=REQUESTS)
def cancel_request(request_id: int):
    """Take a request back before its handover (the department that asked, or a decider);
    what an approval reserved is free again."""
    transfer = readable_request_or_404(request_id)
    if not access.may_cancel(current_user, transfer):
        raise forbidden()
    done(lambda: request_services.cancel(db.session, transfer, by=current_user, now=utcnow()))
    return request_out(transfer)


@bp.post("/requests/<int:request_id>/hand-over")
@spec.validate(json=NothingIn, resp=responses(HTTP_200=RequestOut, errors=WRITTEN), tags=REQUESTS)
def hand_over_request(request_id: int):
    """Record the handover of an approved request (a decider), or confirm its receipt (the
    department that asked): the item, or the part split off a lot under a new tag
    (`received_item_tag`), becomes the department's, where the request said."""
    transfer = readable_request_or_404(request_id)
    if not access.may_confirm_handover(current_user, transfer):
        raise forbidden()
    config = current_app.config
    done(lambda: request_services.hand_over(
        db.session, transfer, by=current_user, now=utcnow(), tag_prefix=config["TAG_PREFIX"],
        tag_digits=config["TAG_DIGITS"],
    ))  # fmt: skip
    return request_out(transfer)
