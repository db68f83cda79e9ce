"""The public market: what reached the public tier, for anyone, without an account.

Listings are addressed by their opaque public slug, never by id; only open listings in the
public tier with something left resolve, anything else is a 404 at once. The pages read
and never write, except the interest form, which only adds an Interest row.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _

from app.extensions import db
from reuse.listings.models import Tier
from reuse.outside import catalogue
from reuse.outside.web import (
    Links,
    feed_response,
    interest_page,
    limit_scrapers,
    list_page,
    listing_page,
    photo_response,
    revalidate,
)

bp = Blueprint("market", __name__, template_folder="../templates")
PUBLIC = Links()


@bp.before_request
def _limit() -> None:
    limit_scrapers()


@bp.after_request
def _cache(response: Response) -> Response:
    return revalidate(response, scope="public")


@bp.errorhandler(404)
def _gone(error):
    return render_template("reuse/outside/gone.html", links=PUBLIC), 404


@bp.route("/market")
def index():
    """Search what is offered to the public."""
    return list_page(Tier.PUBLIC, PUBLIC, None)


@bp.route("/market/<slug>")
def listing(slug: str):
    return listing_page(slug, Tier.PUBLIC, PUBLIC, None)


@bp.route("/market/<slug>/interest", methods=["GET", "POST"])
def interest(slug: str):
    """Tell the owner you would like it: name, organisation, e-mail, phone, message."""
    found = catalogue.open_listing(db.session, slug, Tier.PUBLIC) or abort(404)
    return interest_page(found, partner=None, links=PUBLIC, min_tier=Tier.PUBLIC)


@bp.route("/market/<slug>/photos/<int:photo_id>/<any(full, thumb):size>")
def photo(slug: str, photo_id: int, size: str):
    """A photo of a public listing's item, only while the listing is public."""
    return photo_response(slug, photo_id, size, Tier.PUBLIC)


@bp.route("/market.<any(csv, json, atom):fmt>")
def feed(fmt: str):
    """The public market as CSV, JSON or Atom."""
    return feed_response(fmt, Tier.PUBLIC, PUBLIC, _("Offered to the public"))
