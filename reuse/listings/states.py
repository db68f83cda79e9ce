"""A listing's states and every move between them.

A listing is open while it is offered; it ends withdrawn (back to stock) or closed (handed
over, given away, sold, recycled...: its `closing` says how). While open, each change that
others may race (reserving, climbing the ladder, a handover of part of it, following a move of
its item) is a transition from open to open, compared and set like the ones that end it.
"""

from __future__ import annotations

import enum

from app.states import Transition, transition


class ListingStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # transferred, given away, sold, recycled...: see `closing`
    WITHDRAWN = "withdrawn"


OPEN, CLOSED, WITHDRAWN = ListingStatus.OPEN, ListingStatus.CLOSED, ListingStatus.WITHDRAWN

RESERVE = transition("reserve", {OPEN}, OPEN)  # a request approved: part of it is held
RELEASE = transition("release", {OPEN}, OPEN)  # an approved request cancelled
CLIMB = transition("climb", {OPEN}, OPEN)  # its window ended: the next audience sees it
SET_WINDOW = transition("set window", {OPEN}, OPEN)  # a manager shortens or extends it
FOLLOW_MOVE = transition("follow move", {OPEN}, OPEN)  # its item was carried elsewhere
HAND_OVER_PART = transition("hand over part", {OPEN}, OPEN)  # some of it handed over
HAND_OVER_LAST = transition("hand over last", {OPEN}, CLOSED)  # the rest handed over
CLOSE = transition("close", {OPEN}, CLOSED)  # given away, sold, sent to a partner, scrapped
WITHDRAW = transition("withdraw", {OPEN}, WITHDRAWN)  # back to stock
# Held while its owners are warned it will leave the organisation (one warning per tier).
WARN = transition("warn", {OPEN}, OPEN)

TRANSITIONS: tuple[Transition[ListingStatus], ...] = (
    RESERVE, RELEASE, CLIMB, SET_WINDOW, FOLLOW_MOVE, HAND_OVER_PART, HAND_OVER_LAST, CLOSE,
    WITHDRAW, WARN,
)  # fmt: skip
