"""Closing a listing from its page: given away, sold, to a partner, recycled or scrapped."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from app.timeutil import utcnow
from reuse import access
from reuse.errors import Conflict, ReuseError
from reuse.listings import closing, services
from reuse.listings.forms import CloseForm
from reuse.listings.models import Closing, Listing
from reuse.outside.models import Partner
from reuse.web import listing_or_404, refused

bp = Blueprint("reuse_closing", __name__, template_folder="../templates")


@bp.app_template_global()
def closing_word(listing: Listing) -> str:
    """How a closed listing ended, in the reader's words, for the listing's page."""
    return str(closing.CLOSING_WORDS[Closing(listing.closing)])


def partner_choices() -> list[tuple]:
    partners = db.session.scalars(
        select(Partner).where(Partner.active.is_(True)).order_by(Partner.name)
    ).all()
    return [SelectChoice("", "—")] + [SelectChoice(p.id, p.name) for p in partners]


@bp.route("/reuse/listings/<int:listing_id>/close", methods=["GET", "POST"])
@login_required
def close(listing_id: int):
    """A manager records how a listing ended; the item leaves the inventory with it."""
    listing = listing_or_404(listing_id)
    if not access.may_close(current_user, listing):
        abort(403)
    back = url_for("reuse.listing", listing_id=listing.id)
    allowed = closing.closings_allowed(services.reuse_settings(db.session))
    form = CloseForm()
    form.closing.choices = [SelectChoice(c.value, closing.CLOSING_WORDS[c]) for c in allowed]
    form.partner.choices = partner_choices()
    if form.validate_on_submit():
        partner = db.session.get(Partner, form.partner.data) if form.partner.data else None
        try:
            part = closing.close_listing(
                db.session, listing, Closing(form.closing.data), by=current_user, now=utcnow(),
                tag_prefix=current_app.config["TAG_PREFIX"],
                tag_digits=current_app.config["TAG_DIGITS"], sale_price=form.sale_price.data,
                partner=partner, closed_to=form.closed_to.data or "", note=form.note.data or "",
            )  # fmt: skip
        except ReuseError as error:
            if isinstance(error, Conflict):
                return refused(error, back)
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The listing is closed: %(how)s. %(tag)s has left the inventory.",
                    how=closing.CLOSING_WORDS[Closing(form.closing.data)], tag=part.tag),
                  "success")  # fmt: skip
            return redirect(back)
    elif not listing.is_open:  # an old link: say how it ended
        flash(str(closing.why_not_open(listing)), "info")
        return redirect(back)
    return render_template("reuse/close.html", form=form, listing=listing, back=back)
