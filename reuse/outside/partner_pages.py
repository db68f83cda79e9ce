"""A partner's pages and feeds, reached by its secret link, without an account.

The link's token is the only key: a wrong, replaced or deactivated one is a plain 404, the
same as a page that never existed, so a guess learns nothing. A partner sees the partner
tier and the public one, through the same allowlist as the public market.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, g
from flask_babel import gettext as _

from app.extensions import db
from reuse.listings.models import Tier
from reuse.outside import catalogue, partners
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

bp = Blueprint("partner_pages", __name__, url_prefix="/partners/<token>",
               template_folder="../templates")  # fmt: skip


@bp.url_value_preprocessor
def _token(endpoint: str | None, values: dict | None) -> None:
    """Take the token out of the views' arguments; `_partner` resolves it."""
    g.partner_token = (values or {}).pop("token", "")


@bp.before_request
def _partner() -> None:
    """Runs after the app's own checks (CSRF first), before every partner page."""
    limit_scrapers()
    g.partner = partners.partner_by_token(db.session, g.partner_token)
    if g.partner is None:
        abort(404)
    g.links = Links(token=g.partner_token)


@bp.after_request
def _cache(response: Response) -> Response:
    return revalidate(response, scope="private")


@bp.route("")
def index():
    """What is offered to partners and the public, for this partner."""
    return list_page(Tier.PARTNERS, g.links, g.partner)


@bp.route("/listings/<slug>")
def listing(slug: str):
    return listing_page(slug, Tier.PARTNERS, g.links, g.partner)


@bp.route("/listings/<slug>/interest", methods=["GET", "POST"])
def interest(slug: str):
    found = catalogue.open_listing(db.session, slug, Tier.PARTNERS) or abort(404)
    return interest_page(found, partner=g.partner, links=g.links, min_tier=Tier.PARTNERS)


@bp.route("/listings/<slug>/photos/<int:photo_id>/<any(full, thumb):size>")
def photo(slug: str, photo_id: int, size: str):
    return photo_response(slug, photo_id, size, Tier.PARTNERS)


@bp.route("/feed.<any(csv, json, atom):fmt>")
def feed(fmt: str):
    """The partner's view as CSV, JSON or Atom."""
    return feed_response(fmt, Tier.PARTNERS, g.links, _("Offered to partners"))
