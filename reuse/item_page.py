"""What reuse adds to an item's page: "Offer as surplus", "See its listing", and a card to
confirm each approved handover the user may confirm; and, for a label scanned by someone who
may not see the item, its listing when it is offered to them. Asked for by the core's signals."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from markupsafe import Markup

from app.extensions import db
from inventory import access, item_states
from inventory.models import Item
from inventory.signals import ItemPageParts, item_not_visible, item_page
from reuse import access as reuse_access
from reuse.listings.models import Listing
from reuse.listings.queries import open_listing_id
from reuse.requests.queries import awaiting_handover


def item_page_parts(item: Item, *, user: Any, **_: Any) -> ItemPageParts:
    may_offer = access.can_edit_item(user, item) and item.status in item_states.STOCK
    actions = render_template("reuse/_item_actions.html", item=item, may_offer=may_offer,
                              listing_id=open_listing_id(db.session, item.id))  # fmt: skip
    cards = [
        Markup(render_template("reuse/_item_handover.html", r=request))
        for request in awaiting_handover(db.session, item.id)
        if reuse_access.may_confirm_handover(user, request)
    ]
    return ItemPageParts(actions=[Markup(actions)] if actions.strip() else [], cards=cards)


def offered_to(item: Item, *, user: Any, **_: Any) -> str | None:
    """The listing of another department's surplus, if the user may see it (its audience)."""
    listing_id = open_listing_id(db.session, item.id)
    listing = db.session.get(Listing, listing_id) if listing_id else None
    if listing is None or not reuse_access.may_see(user, listing):
        return None
    return url_for("reuse.listing", listing_id=listing.id)


def listen() -> None:
    item_page.connect(item_page_parts)
    item_not_visible.connect(offered_to)
