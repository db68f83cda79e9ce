"""Request pages: ask for a listing, decide on a request, record its handover, cancel it, and
a department's requests. Their routes are on the `reuse` blueprint (reuse/web.py)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.timeutil import utcnow
from inventory.errors import InventoryError
from inventory.models import Storeroom
from inventory.web import storeroom_choices
from reuse import access
from reuse.errors import ReuseError
from reuse.requests import queries, services
from reuse.requests.forms import DecisionForm, request_form, requested_quantity
from reuse.requests.models import RequestStatus, TransferRequest
from reuse.web import (
    ConfirmForm,
    bp,
    flash_errors,
    listing_or_404,
    refused,
    today,
)


@bp.route("/reuse/listings/<int:listing_id>/request", methods=["POST"])
@login_required
def ask(listing_id: int):
    """Ask for (part of) a listing for the user's department."""
    listing = listing_or_404(listing_id)
    form = request_form(listing)
    form.deliver_to.choices = storeroom_choices()
    back = url_for(".listing", listing_id=listing.id)
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    try:
        services.request_transfer(
            db.session, listing, user=current_user, quantity=requested_quantity(form),
            needed_by=form.needed_by.data,
            deliver_to=db.session.get(Storeroom, form.deliver_to.data) if form.deliver_to.data else None,
            deliver_place=form.deliver_place.data or "", message=form.message.data or "",
            now=utcnow(), today=today(),
        )  # fmt: skip
    except (ReuseError, InventoryError) as error:
        return refused(error, back)
    db.session.commit()
    flash(_("Your request is sent."), "success")
    return redirect(url_for(".requests"))


def request_or_404(request_id: int) -> TransferRequest:
    """A request for a listing the user may see; anything else is a 404."""
    transfer = db.session.get(TransferRequest, request_id)
    if transfer is None or not access.may_see(current_user, transfer.listing):
        abort(404)
    return transfer


@bp.route("/reuse/requests/<int:request_id>/<any(approve, decline, hand_over):action>",
          methods=["POST"])  # fmt: skip
@login_required
def decide(request_id: int, action: str):
    """Approve or decline a request, or record its handover."""
    transfer = request_or_404(request_id)
    if action == "hand_over":  # the receiver confirms receipt too
        allowed = access.may_confirm_handover(current_user, transfer)
    else:
        allowed = access.may_decide(current_user, transfer.listing)
    if not allowed:
        abort(403)
    back = url_for(".listing", listing_id=transfer.listing_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    try:
        if action == "hand_over":
            done, back = _hand_over(transfer, back)
        else:
            done = _approve_or_decline(transfer, action, form)
    except (ReuseError, InventoryError) as error:
        return refused(error, back)
    db.session.commit()
    flash(done, "success")
    return redirect(back)


def _approve_or_decline(transfer: TransferRequest, action: str, form: DecisionForm) -> str:
    """Decide; return what to tell the decider."""
    if action == "approve":
        services.approve(db.session, transfer, by=current_user, now=utcnow(),
                         message=form.message.data or "", handover_on=form.handover_on.data,
                         carrier=form.carrier.data or "", mode=form.handover_mode.data or None,
                         handover_from=form.handover_from.data or "")  # fmt: skip
        return _("Approved: the quantity is reserved for %(department)s.",
                 department=transfer.department)  # fmt: skip
    services.decline(db.session, transfer, by=current_user, now=utcnow(),
                     message=form.message.data or "")  # fmt: skip
    return _("Declined.")


def _hand_over(transfer: TransferRequest, back: str) -> tuple[str, str]:
    """Record the handover; return what to say and where to go next: the item's page for a
    new tag (it offers to print the label) or when the handover was confirmed from there."""
    config = current_app.config
    received = services.hand_over(db.session, transfer, by=current_user, now=utcnow(),
                                  tag_prefix=config["TAG_PREFIX"],
                                  tag_digits=config["TAG_DIGITS"])  # fmt: skip
    done = _("Handed over: %(tag)s now belongs to %(department)s.", tag=received.tag,
             department=transfer.department)  # fmt: skip
    if received.split_from_id:
        done += " " + _("It has a new tag: print its label.")
    if received.split_from_id or request.form.get("from") == "item":
        back = url_for("inventory.item", item_id=received.id)
    return done, back


@bp.route("/reuse/requests/<int:request_id>/cancel", methods=["POST"])
@login_required
def cancel(request_id: int):
    """The requesting department takes its request back, before handover."""
    transfer = request_or_404(request_id)
    if not access.may_cancel(current_user, transfer):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".requests"))
    try:
        services.cancel(db.session, transfer, by=current_user, now=utcnow())
    except (ReuseError, InventoryError) as error:
        return refused(error, url_for(".requests"))
    db.session.commit()
    flash(_("Your request is cancelled."), "success")
    return redirect(url_for(".requests"))


@bp.route("/reuse/requests")
@login_required
def requests():
    """What the user's department has asked for, and what became of it."""
    rows = db.session.scalars(queries.department_requests(current_user.department_id)).all()
    return render_template(
        "reuse/requests.html", requests=rows, confirm=ConfirmForm(), RequestStatus=RequestStatus
    )
