"""What the reuse pages share: the `reuse` blueprint, which the listing pages
(reuse/listings/views.py) and the request pages (reuse/requests/views.py) add their routes to,
the confirm button's form, and the helpers every reuse page uses.

Every POST goes through a service that refuses a state that moved on (reuse.errors.Conflict);
the page then says why, with status 409, and nothing changed.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template
from flask_login import current_user
from flask_wtf import FlaskForm

from app.extensions import db
from app.timeutil import utcnow
from inventory.errors import InventoryError
from inventory.photos import ProcessedPhoto, process_photo, shared_budget
from reuse import access
from reuse.errors import Conflict, ReuseError
from reuse.listings.models import Listing

bp = Blueprint("reuse", __name__, template_folder="templates")


class ConfirmForm(FlaskForm):
    """A button that changes something; carries the CSRF token."""


def today() -> date:
    """Today where the users are: a needed-by date typed at 00:30 is not yet "past"."""
    return utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def listing_or_404(listing_id: int) -> Listing:
    """A listing the user's tier may see; anything else is a 404, so nothing leaks."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or not access.may_see(current_user, listing):
        abort(404)
    return listing


def flash_errors(form) -> None:
    """Say what was wrong with a form posted from a page that shows it again on redirect."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def refused(error: ReuseError | InventoryError, back: str):
    """Nothing changed: a conflict (the state moved on: the listing or request, or the item
    itself, whose version guard raises InventoryError) is a 409 page saying what happened;
    any other refusal goes back to the page with the reason."""
    db.session.rollback()
    if isinstance(error, Conflict | InventoryError):
        return render_template("reuse/conflict.html", message=str(error), back=back), 409
    flash(str(error), "error")
    return redirect(back)


def uploaded_photos(files) -> list[ProcessedPhoto]:
    """Check and downscale every photo before anything is saved: one bad file refuses the
    whole form (an offer, a repair job), so nothing is left missing half its photos."""
    config = current_app.config
    return [
        process_photo(
            file.read(config["MAX_CONTENT_LENGTH"] + 1),
            max_pixels=config["PHOTOS_MAX_PIXELS"],
            full_size=config["PHOTOS_FULL_SIZE"],
            thumb_size=config["PHOTOS_THUMB_SIZE"],
            budget=shared_budget(current_app.extensions, config["PHOTOS_DECODE_BUDGET"]),
        )  # fmt: skip
        for file in files or []
        if file and file.filename
    ]
