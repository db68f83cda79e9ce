"""Listing pages: offer an item, the internal market, a listing with its requests side by
side, its photos, withdrawing it and changing its window. Their routes are on the `reuse`
blueprint (reuse/web.py), with the request pages'."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.pagination import page_number
from app.request_values import MAX_ID, bounded_int
from app.timeutil import end_of_day, utcnow
from inventory import access, item_photos
from inventory.errors import InventoryError
from inventory.models import ItemPhoto
from inventory.place_names import load_place_names
from inventory.web import (
    expected_version,
    photo_quota,
    photo_response,
    storeroom_choices,
    visible_item_or_404,
)
from reuse import access as reuse_access
from reuse.errors import ReuseError
from reuse.listings import queries, services
from reuse.listings.forms import WindowForm, offer_form, offered_quantity
from reuse.listings.models import Listing
from reuse.outside import interests
from reuse.outside.catalogue import clean_text
from reuse.requests.forms import DecisionForm, request_form
from reuse.web import (
    ConfirmForm,
    bp,
    flash_errors,
    listing_or_404,
    refused,
    today,
    uploaded_photos,
)


@bp.route("/items/<int:item_id>/offer", methods=["GET", "POST"])
@login_required
def offer(item_id: int):
    """Flag an item (or part of a lot) as surplus."""
    item = visible_item_or_404(item_id)
    if not access.can_edit_item(current_user, item):
        abort(403)
    form = offer_form(item)
    if request.method == "GET":
        form.version.data = item.version
    if form.validate_on_submit():
        try:
            photos = uploaded_photos(form.photos.data)
            listing = services.flag_surplus(
                db.session, item, quantity=offered_quantity(form), reason=form.reason.data or "",
                condition=form.condition.data, collect_from=form.collect_from.data or "",
                asking_price=form.asking_price.data, by=current_user, now=utcnow(),
                expected_version=expected_version(form),
            )  # fmt: skip
            for photo in photos:
                item_photos.add_photo(db.session, item, photo, by=current_user, now=utcnow(),
                                      quota=photo_quota(current_app.config))  # fmt: skip
        except (ReuseError, InventoryError) as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The item is offered."), "success")
            if request.args.get("then") == "scan":  # offering while scanning: scan the next
                return redirect(url_for("reuse_offers.scan_offer"))
            return redirect(url_for(".listing", listing_id=listing.id))
    elif form.errors:  # say so at the top too: a phone shows the first field, not the error
        flash(_("Nothing was offered: the form below says what is missing."), "error")
    return render_template("reuse/offer.html", form=form, item=item)


@bp.route("/reuse")
@login_required
def market():
    """The internal reuse market: what the user's tier can see."""
    args = request.args
    filters = {
        "q": clean_text(args.get("q")), "condition": args.get("condition") or None,
        "category_id": bounded_int(args.get("category"), default=None, low=1, high=MAX_ID),
        "site_id": bounded_int(args.get("site"), default=None, low=1, high=MAX_ID),
        "town": clean_text(args.get("town")),
        "sort": args.get("sort") if args.get("sort") in queries.SORTS else "newest",
    }  # fmt: skip
    query = queries.market(current_user, **filters)
    page = db.paginate(query, page=page_number(), per_page=current_app.config["ITEMS_PER_PAGE"],
                       error_out=False)  # fmt: skip
    return render_template(
        "reuse/market.html", page=page, filters=filters, names=load_place_names(db.session)
    )


@bp.route("/reuse/listings/<int:listing_id>")
@login_required
def listing(listing_id: int):
    """A listing: the item on offer, a request form, and for managers the requests side by
    side with their decisions."""
    listing = listing_or_404(listing_id)
    form = request_form(listing)
    form.deliver_to.choices = storeroom_choices()
    return render_template(
        "reuse/listing.html",
        listing=listing,
        form=form,
        decision=DecisionForm(handover_from=listing.collect_from),
        confirm=ConfirmForm(),
        window=WindowForm(ends_on=listing.tier_ends_at.date() if listing.tier_ends_at else None),
        may_decide=reuse_access.may_decide(current_user, listing),
        may_withdraw=reuse_access.may_withdraw(current_user, listing),
        own=listing.item.department_id == current_user.department_id,
        can_view_item=access.can_view_item(current_user, listing.item),
        interests=outside_interests(listing),
    )


def outside_interests(listing: Listing) -> list | None:
    """The interest outsiders registered, for those who may read their contact details."""
    if not reuse_access.may_see_interests(current_user, listing):
        return None
    return db.session.scalars(interests.listing_interests(listing.id)).all()


@bp.route("/reuse/listings/<int:listing_id>/photos/<int:photo_id>/<any(thumb, full):size>")
@login_required
def photo(listing_id: int, photo_id: int, size: str):
    """A photo of the listed item, for everyone who may see the listing (the item's own
    photo route serves only those who may see the item itself)."""
    listing = listing_or_404(listing_id)
    photo = db.session.get(ItemPhoto, photo_id)
    if photo is None or photo.item_id != listing.item_id:
        abort(404)
    return photo_response(photo, size)


@bp.route("/reuse/listings/<int:listing_id>/withdraw", methods=["POST"])
@login_required
def withdraw(listing_id: int):
    listing = listing_or_404(listing_id)
    if not reuse_access.may_withdraw(current_user, listing):
        abort(403)
    back = url_for(".listing", listing_id=listing.id)
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    try:
        services.withdraw(db.session, listing, by=current_user, now=utcnow())
    except (ReuseError, InventoryError) as error:
        return refused(error, back)
    db.session.commit()
    flash(_("The listing is withdrawn."), "success")
    return redirect(url_for("inventory.item", item_id=listing.item_id))


@bp.route("/reuse/listings/<int:listing_id>/window", methods=["POST"])
@login_required
def window(listing_id: int):
    """A manager shortens or extends how long the listing stays at its level."""
    listing = listing_or_404(listing_id)
    if not reuse_access.may_decide(current_user, listing):
        abort(403)
    back = url_for(".listing", listing_id=listing.id)
    form = WindowForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    if form.ends_on.data > today() + timedelta(days=services.MAX_WINDOW_DAYS):
        flash(_("Choose a day within %(n)d days.", n=services.MAX_WINDOW_DAYS), "error")
        return redirect(back)
    ends_at = end_of_day(form.ends_on.data, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    try:
        services.set_window(db.session, listing, ends_at=ends_at, by=current_user, now=utcnow())
    except (ReuseError, InventoryError) as error:
        return refused(error, back)
    db.session.commit()
    flash(_("The window is changed."), "success")
    return redirect(back)
