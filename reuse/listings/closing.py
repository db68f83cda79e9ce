"""Closing a listing: given away, sold, sent to a partner, recycled or scrapped.

A manager closes what nobody took internally. The listing is claimed by a compare-and-set
(open, and nothing approved waiting for its handover), so of a closing and an approval of
the last unit, or of a double-clicked closing, exactly one wins; the other finds the state
moved on and changes nothing. Approved requests are never dropped silently: they must be
cancelled or handed over first. Pending requests are declined with a notice. What was
offered is disposed of with the matching disposition, through inventory's own disposal, so
its history reads as a disposal by hand does; when the listing offers part of a lot, that
part is split off first and the rest of the lot goes back to stock.

Withdrawing (back to stock) is reuse/listings/services.py's `withdraw`; a transfer inside is
reuse/requests/services.py's `hand_over`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.states import advance
from app.webhooks import events as webhook_events
from inventory import disposals, lots, offers, vocabulary
from inventory.errors import InventoryError
from inventory.item_history import Note
from inventory.models import Disposition, Item, ItemStatus
from reuse.errors import Conflict, ReuseError
from reuse.listings import services as listing_services
from reuse.listings import states as listings
from reuse.listings.models import Closing, ExternalMode, Listing, ReuseSettings
from reuse.notices import notifications
from reuse.outside.models import Partner
from reuse.requests import services as request_services
from reuse.savings.outcomes import record_outcome

if TYPE_CHECKING:
    from app.auth.models import User

DISPOSITIONS = {
    Closing.GIVEN_AWAY: Disposition.GIVEN_AWAY,
    Closing.SOLD: Disposition.SOLD,
    Closing.TO_PARTNER: Disposition.TO_PARTNER,
    Closing.RECYCLED: Disposition.RECYCLED,
    Closing.SCRAPPED: Disposition.SCRAPPED,
}
CLOSING_WORDS = {
    Closing.TRANSFERRED: _l("Transferred internally"),
    Closing.GIVEN_AWAY: _l("Given away"),
    Closing.SOLD: _l("Sold"),
    Closing.TO_PARTNER: _l("Sent to a repair or second-hand partner"),
    Closing.RECYCLED: _l("Recycled"),
    Closing.SCRAPPED: _l("Scrapped"),
    Closing.WITHDRAWN: _l("Withdrawn, back in stock"),
}


def closings_allowed(settings: ReuseSettings) -> list[Closing]:
    """The ways a listing may close under the organisation's rule for the outside."""
    forbidden = {ExternalMode.SELL: Closing.GIVEN_AWAY, ExternalMode.GIVE: Closing.SOLD}
    return [c for c in DISPOSITIONS if c != forbidden.get(settings.external_mode)]


def check_closing(
    settings: ReuseSettings, closing: Closing, *, sale_price: Decimal | None,
    partner: Partner | None, closed_to: str,
) -> None:  # fmt: skip
    """Refuse a closing the organisation does not allow or that lacks what it needs."""
    if closing not in closings_allowed(settings):
        if closing == Closing.GIVEN_AWAY:
            raise ReuseError(_l("Your organisation may only sell its surplus, not give it away."))
        if closing == Closing.SOLD:
            raise ReuseError(_l("Your organisation may only give its surplus away, not sell it."))
        raise ReuseError(_l("Choose how the listing ends."))
    if closing == Closing.SOLD and sale_price is None:
        raise ReuseError(_l("A sale needs its price."))
    if sale_price is not None and sale_price < 0:
        raise ReuseError(_l("A price cannot be negative."))
    if closing != Closing.SOLD and sale_price is not None:
        raise ReuseError(_l("Only a sale has a price: clear the price or choose “Sold”."))
    if partner is not None and not partner.active:
        raise ReuseError(_l("That partner is no longer in the directory."))
    if closing == Closing.TO_PARTNER and partner is None and not closed_to.strip():
        raise ReuseError(_l("Choose a partner from the directory or name one."))


def close_listing(
    session: Session, listing: Listing, closing: Closing, *, by: User, now: datetime,
    tag_prefix: str, tag_digits: int, sale_price: Decimal | None = None,
    partner: Partner | None = None, closed_to: str = "", note: str = "",
) -> Item:  # fmt: skip
    """Close an open listing and dispose of what it offered; return the disposed item (the
    whole item, or the part split off a lot). Callers commit, and roll back on ReuseError."""
    check_closing(listing_services.reuse_settings(session), closing, sale_price=sale_price,
                  partner=partner, closed_to=closed_to)  # fmt: skip
    closed_to = closed_to.strip() or (partner.name if partner else "")
    claimed = advance(
        session, Listing, listings.CLOSE, Listing.id == listing.id, Listing.reserved == 0,
        closing=closing.value, closed_at=now, closed_by_id=by.id, sale_price=sale_price,
        closed_to=closed_to, partner_id=partner.id if partner else None,
    )  # fmt: skip
    session.refresh(listing)  # what the claim saw, not what the page showed
    if not claimed:
        raise why_not_open(listing)
    try:
        return _dispose_offered(session, listing, closing, by=by, now=now, note=note,
                                tag_prefix=tag_prefix, tag_digits=tag_digits)  # fmt: skip
    except InventoryError as error:  # the item changed under us: the caller rolls back
        raise Conflict(str(error)) from None


def why_not_open(listing: Listing) -> Conflict:
    """Say what happened to a listing someone else changed first."""
    if listing.is_open:
        return Conflict(_l("Part of this listing is approved for a request: cancel the request "
                           "or hand it over first."))  # fmt: skip
    how = CLOSING_WORDS.get(Closing(listing.closing)) if listing.closing else None
    if listing.closed_by is not None and how is not None:
        return Conflict(_l("This listing was already closed by %(who)s: %(how)s.",
                           who=listing.closed_by.display_name, how=how))  # fmt: skip
    if how is not None:
        return Conflict(_l("This listing was already closed: %(how)s.", how=how))
    return Conflict(_l("This listing is no longer open."))


def _dispose_offered(
    session: Session, listing: Listing, closing: Closing, *, by: User, now: datetime,
    note: str, tag_prefix: str, tag_digits: int,
) -> Item:  # fmt: skip
    item = listing.item
    session.refresh(item)
    if item.status != ItemStatus.OFFERED:
        raise Conflict(_l("The item is no longer offered (now: %(s)s).",
                          s=vocabulary.STATUS[item.status]))  # fmt: skip
    if item.quantity < listing.quantity:
        raise Conflict(_l("The item's quantity changed meanwhile: %(n)d left, %(offered)d "
                          "offered.", n=item.quantity, offered=listing.quantity))  # fmt: skip
    how = CLOSING_WORDS[closing]
    request_services.decline_pending(session, listing, by=by, now=now,
                                     message=str(_l("The listing was closed: %(how)s.", how=how)))  # fmt: skip
    part = item
    if listing.quantity < item.quantity:  # the rest of the lot goes back to stock
        offers.back_to_stock(session, item, by=by, now=now,
                             note=_l("Listing closed: %(how)s", how=how))  # fmt: skip
        part = lots.split_lot(session, item, listing.quantity, by=by, now=now,
                              tag_prefix=tag_prefix, tag_digits=tag_digits)  # fmt: skip
    record_outcome(session, listing, part, closing, by=by, now=now,
                   revenue=listing.sale_price if closing == Closing.SOLD else None)  # fmt: skip
    disposals.dispose_item(session, part, DISPOSITIONS[closing], by=by, now=now,
                           note=disposal_note(listing, how, note), closing_offer=True)  # fmt: skip
    notifications.listing_closed(session, listing, closing=closing.value, by=by, now=now)
    webhook_events.listing_closed(session, listing, closing=closing.value, item=part,
                                  sale_price=listing.sale_price, now=now)  # fmt: skip
    return part


def disposal_note(listing: Listing, how: Note, note: str) -> Note:
    """The disposal's line in the history: how, to whom, for how much, and the user's note;
    each reader reads the words in their own language (inventory.item_history.kept_note)."""
    parts = [listing.closed_to]
    if listing.sale_price is not None:
        parts.append(_l("price %(price)s", price=f"{listing.sale_price:.2f}"))
    line = how
    for part in (*parts, note.strip()):
        if part:
            line = _l("%(first)s · %(then)s", first=line, then=part)
    return line
