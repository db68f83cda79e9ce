"""A repair job's states and every move between them.

A job is sent (the fault reported, the item handed to whoever repairs it), quoted, approved,
repaired and returned; or written off when it is not worth repairing. Quoting is skipped when
nobody needs to price the work (a repair in place, a small one at the workshop): a sent job
may be approved at once. Adding parts or labour, or a new partner link, changes a job within
its state; it is still compared and set, so it cannot land on a job that has just closed.
"""

from __future__ import annotations

import enum

from app.states import Transition, transition


class RepairStatus(enum.StrEnum):
    SENT = "sent"
    QUOTED = "quoted"
    APPROVED = "approved"
    REPAIRED = "repaired"
    RETURNED = "returned"
    WRITTEN_OFF = "written_off"


SENT, QUOTED, APPROVED = RepairStatus.SENT, RepairStatus.QUOTED, RepairStatus.APPROVED
REPAIRED, RETURNED, WRITTEN_OFF = (
    RepairStatus.REPAIRED, RepairStatus.RETURNED, RepairStatus.WRITTEN_OFF,
)  # fmt: skip
OPEN = frozenset({SENT, QUOTED, APPROVED, REPAIRED})
CLOSED = frozenset({RETURNED, WRITTEN_OFF})

QUOTE = transition("quote", {SENT}, QUOTED)
APPROVE = transition("approve", {SENT, QUOTED}, APPROVED)
MARK_REPAIRED = transition("mark repaired", {APPROVED}, REPAIRED)
RETURN = transition("return", {REPAIRED}, RETURNED)
WRITE_OFF = transition("write off", {SENT, QUOTED, APPROVED}, WRITTEN_OFF)
# Changes within a state (a part or an hour of labour, a new link): one per open state.
WITHIN = {state: transition("change within", {state}, state) for state in OPEN}

TRANSITIONS: tuple[Transition[RepairStatus], ...] = (
    QUOTE, APPROVE, MARK_REPAIRED, RETURN, WRITE_OFF, *WITHIN.values(),
)  # fmt: skip
