"""Signals the core sends, so that a feature can follow a change without the core importing it."""

from dataclasses import dataclass, field

from blinker import Namespace
from markupsafe import Markup
from sqlalchemy import Select

_signals = Namespace()

# Sent by `services.move_item` after its checks and before the item changes, with the keyword
# arguments session, to, position, place, by and now. A receiver returns what it changed along
# with the move as {field: [before, after]} (or nothing), which the move's history event
# records; an exception it raises refuses the move, and the caller rolls back.
item_moving = _signals.signal("item-moving")

# Sent by `whereabouts.move_item` once the item has moved and its history event is flushed,
# with the keyword arguments session, from_storeroom, from_position, from_place, by and now
# (the item itself says where it is now). A receiver adds to the same transaction, such as a
# webhook's delivery (app/webhooks), which the move's commit or rollback carries or drops.
item_moved = _signals.signal("item-moved")

# Sent by a label's /s/ link when the item its code names is not the user's to see, with the
# keyword argument user. A receiver returns where the user may go instead (the URL of the
# item's public face in its feature, such as another department's offered surplus), or None.
item_not_visible = _signals.signal("item-not-visible")


def elsewhere_for(item, user) -> str | None:
    """The first place a feature offers a user who may not see the item itself."""
    for _receiver, url in item_not_visible.send(item, user=user):
        if url:
            return url
    return None


# Sent by the item page with the keyword argument user. A receiver returns what its feature
# adds to the page as ItemPageParts (or nothing): buttons among the actions, cards below.
item_page = _signals.signal("item-page")


@dataclass
class ItemPageParts:
    actions: list[Markup] = field(default_factory=list)  # buttons, after the core's own
    cards: list[Markup] = field(default_factory=list)  # forms and notes under the actions


def item_page_parts(item, user) -> ItemPageParts:
    """Everything the features add to an item's page, in the order they registered."""
    parts = ItemPageParts()
    for _receiver, added in item_page.send(item, user=user):
        if added is not None:
            parts.actions += added.actions
            parts.cards += added.cards
    return parts


# Sent by a page or command that works on a group of items a feature keeps, with the group's
# kind as the sender and the keyword arguments session, group_id and user (None for a command
# run by the operator, who sees everything). The feature that keeps groups of that kind
# returns the ids of the group's items as a Select, or None when there is no such group or
# the user may not see it, which the asker answers as a group that does not exist.
item_group = _signals.signal("item-group")
IMPORT_BATCH = "import-batch"  # the items an import batch created or updated


def item_ids_of_group(session, kind: str, group_id: int, user) -> Select | None:
    """The ids of a group's items, from the feature that keeps groups of `kind`, or None."""
    for _receiver, ids in item_group.send(kind, session=session, group_id=group_id, user=user):
        if ids is not None:
            return ids
    return None
