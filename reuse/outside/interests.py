"""Interest from outside: an outsider or a partner says they would like a listing.

Registering interest only adds an Interest row: it never touches the listing or its item, so
nobody outside can change anything but their own message. Limits per sender (by a keyed hash
of their address, never the address itself) and per listing keep a flood out of the owners'
inbox; they are counted from the rows already stored, so they hold across app servers.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from reuse.listings.models import Listing, ListingStatus, Tier
from reuse.notices import notifications
from reuse.outside.models import Interest, Partner

if TYPE_CHECKING:
    pass


class InterestRefused(Exception):
    """Not registered; the message says why in the sender's terms. Nothing was stored."""


class TooManyInterests(InterestRefused):
    """Over a rate limit (HTTP 429)."""


@dataclass(frozen=True)
class InterestLimits:
    per_sender_per_hour: int
    per_listing_per_day: int


def client_hash(address: str, secret: str) -> str:
    """A keyed hash of a client's address: enough to count its messages, useless to find who
    it was (a plain sha256 of an IPv4 address is reversed by trying all four billion)."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def _count(session: Session, *conditions) -> int:
    return session.scalar(select(func.count()).select_from(Interest).where(*conditions)) or 0


def check_limits(
    session: Session, listing: Listing, *, client: str, limits: InterestLimits, now: datetime
) -> None:
    """Refuse a sender over their hourly limit, or a listing over its daily one."""
    if _count(session, Interest.client_hash == client,
              Interest.created_at > now - timedelta(hours=1)) >= limits.per_sender_per_hour:  # fmt: skip
        raise TooManyInterests(
            _l("You have sent several messages in the last hour. Please try again later.")
        )
    if _count(session, Interest.listing_id == listing.id,
              Interest.created_at > now - timedelta(days=1)) >= limits.per_listing_per_day:  # fmt: skip
        raise TooManyInterests(
            _l("This offer has had many messages today. Please try again tomorrow.")
        )


def register_interest(
    session: Session, listing: Listing, *, name: str, organisation: str, email: str, phone: str,
    message: str, client_hash: str, partner: Partner | None, limits: InterestLimits,
    now: datetime,
) -> Interest:  # fmt: skip
    """Record an outsider's (or, with `partner`, a partner's) interest in an outside listing."""
    needed = Tier.PARTNERS if partner is not None else Tier.PUBLIC
    if listing.status != ListingStatus.OPEN or listing.tier < needed or not listing.available:
        raise InterestRefused(_l("This offer is no longer available."))
    if partner is not None and not partner.active:
        raise InterestRefused(_l("This offer is no longer available."))
    if not name.strip() or not email.strip():
        raise InterestRefused(_l("Give your name and e-mail address."))
    check_limits(session, listing, client=client_hash, limits=limits, now=now)
    interest = Interest(
        listing_id=listing.id, partner_id=partner.id if partner else None, name=name.strip(),
        organisation=organisation.strip(), email=email.strip(), phone=phone.strip(),
        message=message.strip(), client_hash=client_hash, created_at=now,
    )  # fmt: skip
    session.add(interest)
    session.flush()
    notifications.interest_registered(session, listing, who=interest.organisation or interest.name,
                                      now=now)  # fmt: skip
    return interest


def mark_handled(session: Session, interest: Interest, *, now: datetime) -> bool:
    """Mark an interest as dealt with; False when it already was (a second click)."""
    result = session.execute(
        update(Interest)
        .where(Interest.id == interest.id, Interest.handled_at.is_(None))
        .values(handled_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def listing_interests(listing_id: int) -> Select:
    """A listing's interests, unhandled first, newest first."""
    return (
        select(Interest)
        .where(Interest.listing_id == listing_id)
        .order_by(Interest.handled_at.is_not(None), Interest.created_at.desc(), Interest.id.desc())
    )
