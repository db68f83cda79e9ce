"""What the API's calls about items share, in the core and the features alike: the item a
tag names (if the token's user may see it), and a refusal of the core's services in the API's
terms. Calls import these; nothing here is a call."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from app.api.errors import ApiError, conflict, invalid, not_found
from app.extensions import db
from inventory import access
from inventory.errors import InvalidTag, InventoryError, StaleItem
from inventory.item_tags import find_item_by_tag
from inventory.models import Item


def item_or_404(tag: str) -> Item:
    """The item with this tag in any case, if the token's user may see it; otherwise a 404,
    as for a tag nobody uses."""
    item = find_item_by_tag(db.session, tag)
    if item is None or not access.can_view_item(current_user, item):
        raise not_found()
    return item


def refused(error: InventoryError, item: Item | None = None, *, field: str = "tag") -> ApiError:
    """A refusal of the core as the API answers it, after rolling back (a refused flush leaves
    the session unusable, and the message reads the user): a malformed tag or code is the
    body's fault (422, naming `field`); a stale version is a 409 with the version now; any
    other refusal a 409 as the user may read it."""
    db.session.rollback()
    if isinstance(error, InvalidTag):
        return invalid(str(error), field)
    if isinstance(error, StaleItem) and item is not None:
        version = db.session.scalar(select(Item.version).where(Item.id == item.id))
        return conflict(str(error), "stale_version", current_version=version)
    return conflict(access.refusal_shown(current_user, error))
