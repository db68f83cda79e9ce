"""What repairs add to an item's page: "Send to repair", or a link to its open repair job.
Asked for by the core's item_page signal, so inventory knows nothing of repairs."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from app.extensions import db
from inventory.models import Item
from inventory.signals import ItemPageParts, item_page
from reuse import access
from reuse.repairs.services import open_job


def item_page_parts(item: Item, *, user: Any, **_: Any) -> ItemPageParts:
    job = open_job(db.session, item.id)
    may_send = job is None and not item.is_disposed and access.may_send_to_repair(user, item)
    actions = render_template("reuse/repairs/_item_actions.html", item=item, job=job,
                              may_send=may_send)  # fmt: skip
    return ItemPageParts(actions=[Markup(actions)] if actions.strip() else [])


def listen() -> None:
    item_page.connect(item_page_parts)
