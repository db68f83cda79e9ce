"""The web side shared by the partner pages and the public market.

The client's address is `request.remote_addr`, as for the login throttle; behind a reverse
proxy it is the forwarded address only when TRUSTED_PROXIES says how many proxies to trust
(app/__init__.py wraps the app in ProxyFix), so a client cannot forge it with a header.

Caching: an outside page may be stored, but every use is checked with us first (max-age=0,
must-revalidate, with an ETag, so an unchanged page costs a 304); a listing withdrawn or
taken is gone on the very next request, from every cache. A page that carries a form (and so
a session cookie) or a message for one visitor is never stored.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from app.extensions import db
from app.request_values import bounded_int
from app.timeutil import utcnow
from inventory.vocabulary import CONDITION, translated
from reuse.listings.models import Listing
from reuse.outside import catalogue, feeds, interests
from reuse.outside.forms import InterestForm
from reuse.outside.models import Partner
from reuse.outside.throttle import SlidingWindow

log = logging.getLogger("reshelf.security")
STAMP_SALT = "reuse-interest-form"
MAX_PER_PAGE = 100
FEED_MAX = 1000  # newest first; a feed of more is a scrape, not a follow
FEED_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "atom": "application/atom+xml; charset=utf-8",
}


def client_address() -> str:
    return request.remote_addr or ""


def limit_scrapers() -> None:
    """Refuse a client over REUSE_PUBLIC_MAX_PER_MINUTE page views (counted per process)."""
    limit = current_app.config["REUSE_PUBLIC_MAX_PER_MINUTE"]
    if not limit:
        return
    window = current_app.extensions.setdefault("reuse.scrape_window", SlidingWindow())
    if not window.allow(client_address(), now=time.monotonic(), limit=limit, seconds=60):
        abort(429)


def revalidate(response: Response, *, scope: str) -> Response:
    """Cache headers of an outside page; `scope` is "public" or "private". A view that set
    its own (the interest form: never stored) keeps them."""
    if "Cache-Control" in response.headers:
        return response
    if response.status_code != 200 or session.modified or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        return response
    response.headers["Cache-Control"] = f"{scope}, max-age=0, must-revalidate"
    response.vary.add("Accept-Language")
    if not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
    return response


def page_args() -> tuple[int, int]:
    """?page and ?per_page, clamped: page 1 to catalogue.MAX_PAGE, per_page 1 to 100."""
    default = current_app.config["REUSE_PUBLIC_PER_PAGE"]
    page = bounded_int(request.args.get("page"), default=1, low=1, high=catalogue.MAX_PAGE)
    per_page = bounded_int(request.args.get("per_page"), default=default, low=1, high=MAX_PER_PAGE)
    return page, per_page


@dataclass(frozen=True)
class Links:
    """Addresses of a tier's pages: the public market's, or a partner's under its token."""

    token: str | None = None

    def _url(self, endpoint: str, external: bool, **args) -> str:
        if self.token is None:
            path = url_for(f"market.{endpoint}", **args)
        else:
            path = url_for(f"partner_pages.{endpoint}", token=self.token, **args)
        # Feeds carry full addresses: from PUBLIC_BASE_URL, never from the request's Host
        # header, which a client sets and a cache would then keep for everyone.
        return current_app.config["PUBLIC_BASE_URL"] + path if external else path

    def home(self, external: bool = False, **args) -> str:
        return self._url("index", external, **args)

    def page(self, number: int) -> str:
        """This list's address with the same search, at page `number`."""
        args = {k: v for k, v in request.args.items() if k in ("q", "category", "condition",
                                                                "town", "per_page")}  # fmt: skip
        return self.home(**args, page=number)

    def listing(self, slug: str, external: bool = False) -> str:
        return self._url("listing", external, slug=slug)

    def interest(self, slug: str) -> str:
        return self._url("interest", False, slug=slug)

    def photo(self, slug: str, photo_id: int, size: str = "thumb", external: bool = False) -> str:
        return self._url("photo", external, slug=slug, photo_id=photo_id, size=size)

    def feed(self, fmt: str, external: bool = False) -> str:
        return self._url("feed", external, fmt=fmt)


def list_page(min_tier: int, links: Links, partner: Partner | None) -> str:
    """A tier's listings, searched and paged, for the market or a partner's page."""
    filters = catalogue.parse_filters(request.args)
    page, per_page = page_args()
    listings, more = catalogue.page_of(
        db.session, catalogue.listings_query(min_tier, filters), page=page, per_page=per_page
    )
    categories, towns = catalogue.filter_choices(db.session, min_tier)
    return render_template(
        "reuse/outside/list.html", listings=listings, more=more, page=page, filters=filters,
        categories=categories, towns=towns, links=links, partner=partner,
        currency=catalogue.organisation(db.session)[1],
    )  # fmt: skip


def listing_page(slug: str, min_tier: int, links: Links, partner: Partner | None) -> str:
    view = catalogue.find(db.session, slug, min_tier) or abort(404)
    return render_template(
        "reuse/outside/listing.html", listing=view, links=links, partner=partner,
        currency=catalogue.organisation(db.session)[1],
    )  # fmt: skip


def photo_response(slug: str, photo_id: int, size: str, min_tier: int) -> Response:
    found = catalogue.photo(db.session, slug, photo_id, min_tier, thumbnail=size == "thumb")
    if found is None:
        abort(404)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = f'inline; filename="photo-{photo_id}.jpg"'
    return response


def feed_response(fmt: str, min_tier: int, links: Links, title: str) -> Response:
    """The tier's listings (newest FEED_MAX) as CSV, JSON or Atom."""
    query = catalogue.listings_query(min_tier)
    listings, _more = catalogue.page_of(db.session, query, page=1, per_page=FEED_MAX)
    author, currency = catalogue.organisation(db.session)
    context = feeds.FeedContext(
        title=title, author=author,
        page_url=links.home(external=True), feed_url=links.feed(fmt, external=True),
        currency=currency,
        listing_url=lambda slug: links.listing(slug, external=True),
        photo_url=lambda slug, photo: links.photo(slug, photo, "full", external=True),
        conditions=translated(CONDITION), free_word=_("Free"), ask_word=_("Price on request"),
        now=utcnow(),
    )  # fmt: skip
    if fmt == "csv":
        body = "".join(feeds.csv_feed(listings, context))
    elif fmt == "json":
        body = feeds.json_feed(listings, context)
    else:
        body = feeds.atom_feed(listings, context)
    response = Response(body, content_type=FEED_TYPES[fmt])
    if fmt == "csv":
        response.headers["Content-Disposition"] = 'attachment; filename="offers.csv"'
    return response


# --- interest --------------------------------------------------------------------------------


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def stamp_problem(stamp: str | None, slug: str) -> str | None:
    """Why a form's signed start time is refused (sent too fast, too old, forged), or None."""
    config = current_app.config
    try:
        value, signed_at = _signer().unsign(
            stamp or "", max_age=config["REUSE_INTEREST_MAX_AGE"], return_timestamp=True
        )
    except SignatureExpired:
        return _("This form was open for a long time. Please check it and send it again.")
    except BadSignature:
        return _("Please send the form again.")
    if value.decode() != slug:
        return _("Please send the form again.")
    if time.time() - signed_at.timestamp() < config["REUSE_INTEREST_MIN_SECONDS"]:
        return _("That was very quick. Please check your message and send it again.")
    return None


def interest_page(listing: Listing, *, partner: Partner | None, links: Links, min_tier: int):
    """Show the interest form for an outside listing, or register what was sent."""
    form = InterestForm()
    view = catalogue.find(db.session, listing.public_slug, min_tier) or abort(404)
    if request.method == "GET" and partner is not None:  # the partner's own details
        form.organisation.data, form.name.data = partner.name, partner.contact_name
        form.email.data, form.phone.data = partner.email, partner.phone
    status, problem = 200, None
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            outcome = _submit(listing, form, partner, links)
            if not isinstance(outcome, str):
                return outcome
            problem = outcome
    form.started.data = _signer().sign(listing.public_slug).decode()
    page = render_template(
        "reuse/outside/interest.html", form=form, listing=view, links=links, problem=problem,
        partner=partner, currency=catalogue.organisation(db.session)[1],
    )  # fmt: skip
    return page, status, {"Cache-Control": "no-store"}


def _submit(listing: Listing, form: InterestForm, partner: Partner | None, links: Links):
    """Register a valid form: a response when done or over a limit, or why it was refused."""
    thanks = _("Thank you. The owner will contact you.")
    if form.website.data:  # the trap field: a bot; tell it nothing, store nothing
        log.warning("interest trap filled", extra={"path": request.path})
        flash(thanks, "success")
        return redirect(links.listing(listing.public_slug))
    problem = stamp_problem(form.started.data, listing.public_slug)
    if problem is not None:
        return problem
    try:
        _register(listing, form, partner)
    except interests.TooManyInterests as error:
        db.session.rollback()
        return render_template("reuse/outside/refused.html", message=str(error), links=links), 429
    except interests.InterestRefused as error:
        db.session.rollback()
        return str(error)
    db.session.commit()
    flash(thanks, "success")
    return redirect(links.listing(listing.public_slug))


def _register(listing: Listing, form: InterestForm, partner: Partner | None) -> None:
    config = current_app.config
    interests.register_interest(
        db.session, listing, name=form.name.data or "", organisation=form.organisation.data or "",
        email=form.email.data or "", phone=form.phone.data or "",
        message=form.message.data or "",
        client_hash=interests.client_hash(client_address(), config["SECRET_KEY"]),
        partner=partner, now=utcnow(),
        limits=interests.InterestLimits(
            per_sender_per_hour=config["REUSE_INTEREST_MAX_PER_HOUR"],
            per_listing_per_day=config["REUSE_INTEREST_MAX_PER_LISTING_PER_DAY"],
        ),
    )  # fmt: skip
