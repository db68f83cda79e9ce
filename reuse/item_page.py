"""What reuse adds to an item's page: "Offer as surplus", "See its listing", and a card to
confirm each approved handover the user may confirm. Sent for by the core's item page."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from app.extensions import db
from inventory import access, item_states
from inventory.models import Item
from inventory.signals import ItemPageParts, item_page
from reuse.queries import awaiting_handover, open_listing_id


def item_page_parts(item: Item, *, user: Any, **_: Any) -> ItemPageParts:
    may_offer = access.can_edit_item(user, item) and item.status in item_states.STOCK
    actions = render_template("reuse/_item_actions.html", item=item, may_offer=may_offer,
                              listing_id=open_listing_id(db.session, item.id))  # fmt: skip
    cards = [
        Markup(render_template("reuse/_item_handover.html", r=request))
        for request in awaiting_handover(db.session, item.id)
        if request.department_id == user.department_id or user.role in access.MANAGERS
    ]
    return ItemPageParts(actions=[Markup(actions)] if actions.strip() else [], cards=cards)


def listen() -> None:
    item_page.connect(item_page_parts)
