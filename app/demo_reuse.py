"""Demo reuse: surplus offered, asked for, handed over, sold and passed to a partner, so the
market, the public pages and the savings report have something to show."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.auth.models import User
from inventory import item_states
from inventory.models import Item
from reuse.listings import closing
from reuse.listings import services as listing_services
from reuse.listings.models import Closing, Listing
from reuse.outside import partners
from reuse.outside.models import PartnerKind
from reuse.requests import services as request_services

REASONS = ["Verksamheten har flyttat", "Ersatt av nya möbler", "Överblivet efter renovering"]


def load_reuse_demo(
    session: Session, items: list[Item], *, manager: User, requester: User, now: datetime,
    tag_prefix: str, tag_digits: int,
) -> None:  # fmt: skip
    """Offer eight of another department's items than the requester's and take them down
    the paths a listing can go, each step at a believable time in the last month."""
    partner, _link = partners.add_partner(
        session,
        partners.PartnerDetails(
            name="Återbruket Sundby",
            kind=PartnerKind.SECOND_HAND,
            town="Sundby",
            contact_name="Kim Berg",
        ),  # fmt: skip
    )
    candidates = [
        item for item in items
        if item.status in item_states.STOCK and item.department_id != requester.department_id
    ][:8]  # fmt: skip
    listings = []
    for number, item in enumerate(candidates):
        offered_at = now - timedelta(days=30 - number)
        listings.append(listing_services.flag_surplus(
            session, item, quantity=min(item.quantity, 2), reason=REASONS[number % 3],
            condition=item.condition, collect_from="Lastkajen", by=manager, now=offered_at,
            asking_price=Decimal(300 + 100 * number),
        ))  # fmt: skip
    handed, approved, asked, sold, to_partner, public = listings[:6]

    def ask(listing: Listing, day: int):
        return request_services.request_transfer(
            session, listing, user=requester, quantity=listing.quantity, needed_by=None,
            deliver_to=None, deliver_place="Rum 112", message="Till nya klassrummet",
            now=listing.created_at + timedelta(days=day), today=now.date(),
        )  # fmt: skip

    request = ask(handed, 1)
    request_services.approve(session, request, by=manager, now=handed.created_at + timedelta(days=2),
                             carrier="Vaktmästeriet")  # fmt: skip
    request_services.hand_over(session, request, by=manager, now=handed.created_at + timedelta(days=3),
                               tag_prefix=tag_prefix, tag_digits=tag_digits)  # fmt: skip
    request_services.approve(session, ask(approved, 1), by=manager,
                             now=approved.created_at + timedelta(days=2))  # fmt: skip
    ask(asked, 2)
    closing.close_listing(session, sold, Closing.SOLD, by=manager, sale_price=Decimal(450),
                          now=sold.created_at + timedelta(days=9), closed_to="Privatperson",
                          tag_prefix=tag_prefix, tag_digits=tag_digits)  # fmt: skip
    closing.close_listing(session, to_partner, Closing.TO_PARTNER, by=manager, partner=partner,
                          now=to_partner.created_at + timedelta(days=10),
                          tag_prefix=tag_prefix, tag_digits=tag_digits)  # fmt: skip
    public.tier_ends_at = now - timedelta(days=2)  # nobody inside wanted it: climb twice
    listing_services.tick(session, now=now - timedelta(days=2))
    public.tier_ends_at = now - timedelta(days=1)
    listing_services.tick(session, now=now - timedelta(days=1))
    session.flush()
