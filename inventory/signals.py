"""Signals the core sends, so that a feature can follow a change without the core importing it."""

from blinker import Namespace

_signals = Namespace()

# Sent by `services.move_item` after its checks and before the item changes, with the keyword
# arguments session, to, position, place, by and now. A receiver returns what it changed along
# with the move as {field: [before, after]} (or nothing), which the move's history event
# records; an exception it raises refuses the move, and the caller rolls back.
item_moving = _signals.signal("item-moving")
