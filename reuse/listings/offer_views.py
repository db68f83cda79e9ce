"""Offering surplus in bulk: the items ticked in the item list, or scanned one by one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.request_values import MAX_ID, db_id
from app.timeutil import utcnow
from inventory import access, item_tags
from inventory.models import Condition, Item
from labels.scan_forms import code_from_form, scan_form_context
from reuse.errors import ReuseError
from reuse.listings import services
from reuse.listings.forms import OfferManyForm

bp = Blueprint("reuse_offers", __name__, template_folder="../templates")

MAX_SELECTION = 500


def ticked_items(ids: list[int]) -> list[Item]:
    """The ticked items the user may see; an id of anything else is silently dropped, as
    if it had never been ticked, so the page leaks nothing about other departments."""
    ids = [i for i in ids[:MAX_SELECTION] if 0 < i < MAX_ID]  # larger would overflow SQL
    found = db.session.scalars(
        select(Item).where(Item.id.in_(ids), access.item_scope(current_user)).order_by(Item.tag)
    ).all()
    return list(found)


@bp.route("/reuse/offer", methods=["GET", "POST"])
@login_required
def offer_many():
    """Offer the items ticked in the item list, each whole, with one reason and place."""
    form = OfferManyForm()
    ids = form.item.data if request.method == "POST" else request.args.getlist("item", type=db_id)
    items = ticked_items(ids or [])
    if not items:
        flash(_("Tick the items to offer first."), "error")
        return redirect(url_for("inventory.items"))
    if form.validate_on_submit():
        try:
            made, skipped = services.flag_many(
                db.session, items, may_edit=lambda i: access.can_edit_item(current_user, i),
                reason=form.reason.data or "",
                condition=Condition(form.condition.data) if form.condition.data else None,
                collect_from=form.collect_from.data or "", asking_price=form.asking_price.data,
                by=current_user, now=utcnow(),
            )  # fmt: skip
        except ReuseError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d item offered.", "%(num)d items offered.", len(made)),
                  "success" if made else "error")  # fmt: skip
            for item, why in skipped:
                flash(_("%(tag)s not offered: %(why)s", tag=item.tag, why=why), "error")
            return redirect(url_for("reuse.market"))
    return render_template("reuse/offer_many.html", form=form, items=items)


@bp.route("/scan/offer", methods=["GET", "POST"])
@login_required
def scan_offer():
    """Scan items one after another; each scan opens its offer form, which comes back here."""
    if request.method == "POST":
        code = code_from_form()
        if code:
            item = item_tags.find_item_by_tag(db.session, code)
            if item is None or not access.can_view_item(current_user, item):
                flash(_("%(code)s is not an item you can see.", code=code), "error")
            elif not access.can_edit_item(current_user, item):
                flash(_("%(tag)s is not yours to offer.", tag=item.tag), "error")
            else:
                return redirect(url_for("reuse.offer", item_id=item.id, then="scan"))
        return redirect(url_for(".scan_offer"))
    return render_template("labels/scan.html", **scan_form_context(mode="offer"))
