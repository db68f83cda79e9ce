"""Demand pages: my wishes, watching a listing, checking before buying, and the checks list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.auth.roles import role_required
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import Category, Site
from inventory.place_names import load_place_names
from reuse import access
from reuse.demand import queries
from reuse.demand import services as demand
from reuse.demand.forms import CheckAnswerForm, CheckSearchForm, WatchForm, WishForm
from reuse.demand.models import BuyCheckOutcome, Wish
from reuse.demand.stock_elsewhere import stock_elsewhere
from reuse.web import ConfirmForm, listing_or_404

bp = Blueprint("demand", __name__, template_folder="../templates")


@bp.app_context_processor
def watch_state():
    """`is_watching(listing)` for the listing page's watch button."""

    def is_watching(listing) -> bool:
        return demand.is_watching(db.session, listing, current_user)

    return {"is_watching": is_watching}


def category_choices() -> list[SelectChoice]:
    """Categories by their path (Furniture > Chairs): choosing one includes those below it."""
    paths = load_place_names(db.session).categories
    return [SelectChoice("", _("Any category"))] + [SelectChoice(*pair) for pair in paths.items()]


def site_choices() -> list[SelectChoice]:
    sites = load_place_names(db.session).sites
    return [SelectChoice("", _("Any site"))] + [SelectChoice(*pair) for pair in sites.items()]


@bp.route("/wishes", methods=["GET", "POST"])
@login_required
def wishes():
    """My wish list: I hear of matching listings before anyone outside sees them."""
    form = WishForm()
    form.category.choices, form.site.choices = category_choices(), site_choices()
    if form.validate_on_submit():
        try:
            demand.add_wish(
                db.session, current_user, words=form.words.data or "", now=utcnow(),
                category=db.session.get(Category, form.category.data) if form.category.data else None,
                site=db.session.get(Site, form.site.data) if form.site.data else None,
            )  # fmt: skip
        except demand.DemandError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your wish is kept. You will hear when something matching is offered."),
                  "success")  # fmt: skip
            return redirect(url_for(".wishes"))
    mine = db.session.scalars(queries.wishes_of(current_user)).all()
    return render_template("reuse/wishes.html", form=form, wishes=mine, remove=ConfirmForm())


@bp.route("/wishes/<int:wish_id>/remove", methods=["POST"])
@login_required
def remove_wish(wish_id: int):
    wish = db.session.get(Wish, wish_id)
    if wish is None or not access.owns_wish(current_user, wish):
        abort(404)  # someone else's wish is not there, as far as this user knows
    if ConfirmForm().validate_on_submit():
        demand.remove_wish(db.session, wish)
        db.session.commit()
        flash(_("The wish is removed."), "success")
    return redirect(url_for(".wishes"))


@bp.route("/reuse/listings/<int:listing_id>/watch", methods=["POST"])
@login_required
def watch(listing_id: int):
    """Watch a listing (its changes reach my inbox), or stop watching it."""
    listing = listing_or_404(listing_id)
    form = WatchForm()
    back = url_for("reuse.listing", listing_id=listing.id)
    if not form.validate_on_submit() or form.on.data not in ("0", "1"):
        return redirect(back)
    on = form.on.data == "1"
    try:
        demand.set_watch(db.session, listing, current_user, on=on, now=utcnow())
    except demand.DemandError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("You are watching this listing.") if on else _("You no longer watch this listing."),
          "success")  # fmt: skip
    return redirect(back)


@bp.route("/reuse/check", methods=["GET", "POST"])
@login_required
def check():
    """Check before buying: what the organisation already has, and the answer recorded."""
    search = CheckSearchForm(request.args)
    search.category.choices = category_choices()
    answer = CheckAnswerForm()
    answer.category.choices = search.category.choices
    if request.method == "POST":
        return record_check(answer)
    searched = bool(request.args) and search.validate()
    found = find(search.category.data, search.words.data or "") if searched else None
    if found is not None:
        answer.listing.choices = listing_choices(found[0])
        answer.process(data={"category": search.category.data, "words": search.words.data,
                             "quantity": search.quantity.data or 1})  # fmt: skip
    return render_template("reuse/check.html", search=search, answer=answer, found=found,
                           may_read_checks=access.may_read_checks(current_user))  # fmt: skip


def find(category_id: int | None, words: str) -> tuple[list, list, list]:
    """Listings the user may see; stored items the user may see, by name and storeroom; and
    the other stored items as counts per category and department, with whom to ask."""
    listings = db.session.scalars(queries.open_listings_matching(
        current_user, category_id=category_id, words=words)).all()  # fmt: skip
    stored = db.session.scalars(queries.stored_items_matching(
        current_user, category_id=category_id, words=words)).all()  # fmt: skip
    elsewhere = stock_elsewhere(db.session, current_user, category_id=category_id, words=words)
    return listings, stored, elsewhere


def listing_choices(listings: list) -> list[SelectChoice]:
    return [SelectChoice("", _("None of these"))] + [
        SelectChoice(listing.id, f"{listing.item.name} · {listing.item.department}")
        for listing in listings
    ]


def record_check(answer: CheckAnswerForm):
    """Record the answer; a listing named must be one this search found for this user."""
    answer.listing.choices = listing_choices(find(answer.category.data, answer.words.data or "")[0])
    back = url_for(".check", category=answer.category.data, words=answer.words.data or None,
                   quantity=answer.quantity.data)  # fmt: skip
    if not answer.validate_on_submit():
        for errors in answer.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    listing = listing_or_404(answer.listing.data) if answer.listing.data else None
    try:
        demand.record_buy_check(
            db.session, current_user, words=answer.words.data or "",
            category=db.session.get(Category, answer.category.data) if answer.category.data else None,
            quantity=answer.quantity.data, outcome=BuyCheckOutcome(answer.outcome.data),
            listing=listing, now=utcnow(),
        )  # fmt: skip
    except demand.DemandError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Thank you: your answer is recorded."), "success")
    return redirect(url_for(".check"))


@bp.route("/reuse/checks")
@role_required(*access.CHECK_READERS)
def checks():
    """Recent checks before buying: what was found, and what was bought new."""
    rows = db.session.execute(queries.recent_checks()).all()
    return render_template("reuse/checks.html", rows=rows)
