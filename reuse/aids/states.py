"""An assistive aid's place in its reconditioning cycle, and every step between them.

An aid comes back (returned), is quarantined when it came back contaminated, is cleaned,
inspected against its category's checklist, repaired when the inspection fails, made ready,
and issued again. A periodic inspection may also be made of a ready or issued aid: a pass
keeps it where it is, a failure sends it to repair. Steps change the state only through
`app.states.advance`, so of two people stepping one aid at once, one wins.
"""

from __future__ import annotations

import enum

from app.states import Transition, transition


class AidState(enum.StrEnum):
    RETURNED = "returned"
    QUARANTINED = "quarantined"  # came back contaminated: kept apart until cleaned
    CLEANED = "cleaned"
    INSPECTED = "inspected"  # passed its inspection
    IN_REPAIR = "in_repair"  # failed its inspection
    READY = "ready"
    ISSUED = "issued"


class Step(enum.StrEnum):
    """What a person does to an aid: a button, a scan action, an API call."""

    RETURNED = "returned"
    QUARANTINED = "quarantined"
    CLEANED = "cleaned"
    INSPECTED = "inspected"
    READY = "ready"
    ISSUED = "issued"


RETURNED, QUARANTINED, CLEANED = AidState.RETURNED, AidState.QUARANTINED, AidState.CLEANED
INSPECTED, IN_REPAIR, READY, ISSUED = (
    AidState.INSPECTED, AidState.IN_REPAIR, AidState.READY, AidState.ISSUED,
)  # fmt: skip

RETURN = transition("return", {ISSUED}, RETURNED)
QUARANTINE = transition("quarantine", {RETURNED}, QUARANTINED)
CLEAN = transition("clean", {RETURNED, QUARANTINED}, CLEANED)
PASS = transition("pass", {CLEANED, IN_REPAIR}, INSPECTED)  # after cleaning or a repair
PASS_RECHECK = transition("pass recheck", {READY}, READY)  # a periodic inspection in stock
PASS_IN_USE = transition("pass in use", {ISSUED}, ISSUED)  # a periodic inspection where used
FAIL = transition("fail", {CLEANED, IN_REPAIR, INSPECTED, READY, ISSUED}, IN_REPAIR)
MAKE_READY = transition("make ready", {INSPECTED}, READY)
ISSUE = transition("issue", {READY}, ISSUED)

TRANSITIONS: tuple[Transition[AidState], ...] = (
    RETURN, QUARANTINE, CLEAN, PASS, PASS_RECHECK, PASS_IN_USE, FAIL, MAKE_READY, ISSUE,
)  # fmt: skip

# The order the steps are offered in on the item page, and what each needs.
OFFERED: dict[AidState, tuple[Step, ...]] = {
    RETURNED: (Step.CLEANED, Step.QUARANTINED),
    QUARANTINED: (Step.CLEANED,),
    CLEANED: (Step.INSPECTED,),
    INSPECTED: (Step.READY,),
    IN_REPAIR: (Step.INSPECTED,),
    READY: (Step.ISSUED, Step.INSPECTED),
    ISSUED: (Step.RETURNED, Step.INSPECTED),
}
