"""A transfer request's states and every move between them.

A department asks (pending); the owner approves (reserving what it asked for) or declines;
the requester may cancel until the handover, which completes it. Declined, cancelled and
completed are final.
"""

from __future__ import annotations

import enum

from app.states import Transition, transition


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # quantity reserved, handover to arrange
    DECLINED = "declined"
    CANCELLED = "cancelled"  # by the requester, before handover
    COMPLETED = "completed"  # handed over: the item (or its part) is theirs


PENDING, APPROVED = RequestStatus.PENDING, RequestStatus.APPROVED
DECLINED, CANCELLED, COMPLETED = (
    RequestStatus.DECLINED, RequestStatus.CANCELLED, RequestStatus.COMPLETED,
)  # fmt: skip

APPROVE = transition("approve", {PENDING}, APPROVED)
DECLINE = transition("decline", {PENDING}, DECLINED)  # by the owner, or as the listing ends
CANCEL_PENDING = transition("cancel pending", {PENDING}, CANCELLED)
CANCEL_APPROVED = transition("cancel approved", {APPROVED}, CANCELLED)  # releases its part
MOVE_HANDOVER = transition("move handover", {APPROVED}, APPROVED)  # the item was carried
HAND_OVER = transition("hand over", {APPROVED}, COMPLETED)
REMIND = transition("remind", {APPROVED}, APPROVED)  # held while both sides are reminded

TRANSITIONS: tuple[Transition[RequestStatus], ...] = (
    APPROVE, DECLINE, CANCEL_PENDING, CANCEL_APPROVED, MOVE_HANDOVER, HAND_OVER, REMIND,
)  # fmt: skip
FINAL = frozenset({DECLINED, CANCELLED, COMPLETED})
