"""A delivery's states and every move between them.

A delivery waits (pending) until an attempt claims it; the attempt ends delivered, pending
again for a later attempt, or failed once the back-off is used up. Delivered and failed are
final.
"""

from __future__ import annotations

from app.states import Transition, transition
from app.webhooks.models import DeliveryStatus

PENDING, DELIVERED, FAILED = DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED

CLAIM = transition("claim", {PENDING}, PENDING)  # an attempt starts: counted, leased
DELIVER = transition("deliver", {PENDING}, DELIVERED)
RETRY = transition("retry", {PENDING}, PENDING)  # an attempt failed; another is due later
GIVE_UP = transition("give up", {PENDING}, FAILED)

TRANSITIONS: tuple[Transition[DeliveryStatus], ...] = (CLAIM, DELIVER, RETRY, GIVE_UP)
FINAL = frozenset({DELIVERED, FAILED})
