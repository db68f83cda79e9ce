"""Taking an aid through its cycle: one function per step, each checking what the step needs,
moving the state by compare-and-set, writing the step to the aid's journal and a history
event to the item. Nothing here commits; a refusal raises before anything is written, and a
step that loses a race to another raises `Conflict` so the caller rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from app.states import Transition, advance
from inventory import access, item_states
from inventory.item_history import record_event
from inventory.models import Category, CategoryKind, Department, EventKind, Item, Storeroom
from inventory.whereabouts import move_item
from reuse.aids import plans, proposals
from reuse.aids import states as s
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from reuse.aids.vocabulary import STATE
from reuse.errors import Conflict, ReuseError
from reuse.repairs import services as repairs

if TYPE_CHECKING:
    from app.auth.models import User


class AidRefused(ReuseError):
    """The step does not fit the aid now (out of order, an incomplete kit, overdue)."""


@dataclass
class Details:
    """What a step carries besides its name; each step reads the fields it needs."""

    method: str = ""  # cleaned: how
    agent: str = ""  # cleaned: with what
    passed: bool | None = None  # inspected
    notes: str = ""
    checks: list[tuple[str, bool]] = field(default_factory=list)  # inspected: the checklist
    to: Department | None = None  # issued: the department
    unit: str = ""  # issued: a team or a unit in it; never a person
    gap_reason: str = ""  # ready: why an incomplete kit is accepted
    storeroom: Storeroom | None = None  # returned: where it is put (its home by default)
    asked: Category | None = None  # issued: the category asked for (else the aid's own)
    override_reason: str = ""  # issued: why another than the proposed one


@dataclass
class Context:
    session: Session
    item: Item
    aid: Aid
    by: User
    now: datetime
    today: date


def take_step(session: Session, item: Item, step: Step, details: Details, *, by: User,
              now: datetime, today: date) -> Aid:  # fmt: skip
    """Take one step of the cycle, or refuse it saying why."""
    if item.is_disposed:
        raise AidRefused(_l("This item is disposed of: it is no longer in the aid cycle."))
    aid = session.get(Aid, item.id)
    if aid is None:
        if step != Step.RETURNED:
            raise AidRefused(_l("This item is not in the aid cycle yet: record its return "
                                "first."))  # fmt: skip
        aid = enrol(session, item, now=now)
    ctx = Context(session, item, aid, by, now, today)
    STEPS[step](ctx, details)
    return aid


def enrol(session: Session, item: Item, *, now: datetime) -> Aid:
    """Start the cycle of an item that was not in it: it counts as just issued, so its
    first step, a return, is checked like any other."""
    if item.is_lot:
        raise AidRefused(_l("A lot cannot be an aid: an aid is one unit with its own tag."))
    if item.category is None or item.category.kind != CategoryKind.ASSISTIVE_AID:
        raise AidRefused(_l("Only items of an assistive-aid category go round the aid cycle."))
    aid = Aid(item_id=item.id, item=item, status=AidState.ISSUED, since=now,
              home_storeroom_id=item.storeroom_id)  # fmt: skip
    session.add(aid)
    session.flush()
    return aid


def _move(ctx: Context, move: Transition[AidState], step: Step, note: LazyString,
          **values) -> AidStep:  # fmt: skip
    """Compare-and-set the aid's state, then write its journal entry and history event."""
    _expect(ctx, move)
    before = ctx.aid.status
    if move.target != before:
        values["since"] = ctx.now
    journal = values.pop("journal", {})
    if not advance(ctx.session, Aid, move, Aid.item_id == ctx.item.id, **values):
        ctx.session.refresh(ctx.aid)
        raise Conflict(_l("Someone else stepped this aid just now: it is %(state)s.",
                          state=STATE[ctx.aid.status]))  # fmt: skip
    ctx.session.refresh(ctx.aid)
    entry = AidStep(item_id=ctx.item.id, step=step, from_state=before, to_state=move.target,
                    at=ctx.now, by_id=ctx.by.id, by_name=ctx.by.display_name, **journal)  # fmt: skip
    ctx.session.add(entry)
    record_event(ctx.session, ctx.item, EventKind.AID_STEP, by=ctx.by, now=ctx.now, note=note)
    return entry


def _expect(ctx: Context, move: Transition[AidState]) -> None:
    """Refuse a step out of order, naming the state the aid is in."""
    if not move.allows(ctx.aid.status):
        raise AidRefused(_l("This aid is %(state)s: that step does not come next.",
                            state=STATE[ctx.aid.status]))  # fmt: skip


def returned(ctx: Context, details: Details) -> None:
    """Back from use: put in its storeroom again, its kit checked."""
    _expect(ctx, s.RETURN)
    home = details.storeroom or ctx.aid.home_storeroom
    if home is not None and ctx.item.storeroom_id is None:
        _carry(ctx, home)
    missing = plans.missing_parts(ctx.session, ctx.aid)
    names = ", ".join(category.name for category in missing)
    note = (_l("Returned; the kit lacks: %(parts)s.", parts=names) if missing
            else _l("Returned."))  # fmt: skip
    _move(ctx, s.RETURN, Step.RETURNED, note, returned_at=ctx.now, kit_gap_reason="",
          issued_department_id=None, issued_unit="", journal={"notes": details.notes})  # fmt: skip


def quarantined(ctx: Context, details: Details) -> None:
    _move(ctx, s.QUARANTINE, Step.QUARANTINED, _l("Quarantined: it came back contaminated."),
          journal={"notes": details.notes})  # fmt: skip


def cleaned(ctx: Context, details: Details) -> None:
    method = details.method.strip()
    if not method:
        raise AidRefused(_l("Say how the aid was cleaned."))
    agent = details.agent.strip()
    note = _l("Cleaned: %(method)s.", method=f"{method}, {agent}" if agent else method)
    _move(ctx, s.CLEAN, Step.CLEANED, note,
          journal={"method": method[:200], "agent": agent[:200], "notes": details.notes})  # fmt: skip


def inspected(ctx: Context, details: Details) -> None:
    """Pass or fail against the checklist; a failure sends the aid to repair."""
    if details.passed is None:
        raise AidRefused(_l("Say whether the aid passed its inspection."))
    if not details.passed and not details.notes.strip():
        raise AidRefused(_l("Say what failed in the inspection."))
    journal = {"passed": details.passed, "notes": details.notes.strip(),
               "checks": [[check, ok] for check, ok in details.checks]}  # fmt: skip
    if not details.passed:
        note = _l("Inspection failed: %(notes)s", notes=details.notes.strip())
        _move(ctx, s.FAIL, Step.INSPECTED, note, last_inspected_on=ctx.today, journal=journal)
        return
    if ctx.aid.status == AidState.IN_REPAIR and repairs.open_job(ctx.session, ctx.item.id):
        raise AidRefused(_l("This aid is still in repair: inspect it once the repair is back."))
    move = {AidState.READY: s.PASS_RECHECK, AidState.ISSUED: s.PASS_IN_USE}.get(
        ctx.aid.status, s.PASS
    )
    _move(ctx, move, Step.INSPECTED, _l("Inspection passed."), last_inspected_on=ctx.today,
          journal=journal)  # fmt: skip


def ready(ctx: Context, details: Details) -> None:
    """Ready to issue, once the kit is complete or its gap accepted with a reason."""
    missing = plans.missing_parts(ctx.session, ctx.aid)
    reason = details.gap_reason.strip() or ctx.aid.kit_gap_reason
    if missing and not reason:
        names = ", ".join(category.name for category in missing)
        raise AidRefused(_l("The kit is not complete: %(parts)s missing. Link the "
                            "accessories, or accept the gap with a reason.", parts=names))  # fmt: skip
    note = (_l("Ready, the kit incomplete: %(reason)s", reason=reason) if missing
            else _l("Ready to issue."))  # fmt: skip
    _move(ctx, s.MAKE_READY, Step.READY, note, kit_gap_reason=reason if missing else "",
          journal={"notes": details.notes})  # fmt: skip


def issued(ctx: Context, details: Details) -> None:
    """Out to a department (a unit or team in it), never to a person; not when overdue."""
    _expect(ctx, s.ISSUE)
    if details.to is None:
        raise AidRefused(_l("Choose the department the aid is issued to."))
    dates = plans.due_dates(ctx.aid, ctx.item, plans.plan_for(ctx.session, ctx.item.category))
    overdue = dates.overdue(ctx.today)
    if overdue:
        raise AidRefused(_l("This aid cannot be issued: %(why)s.",
                            why="; ".join(str(reason) for reason in overdue)))  # fmt: skip
    if ctx.item.status not in item_states.STOCK:
        raise AidRefused(_l("This aid is held by a reuse listing: withdraw it first."))
    if repairs.open_job(ctx.session, ctx.item.id) is not None:
        raise AidRefused(_l("This aid is in repair: it goes out once the repair is back."))
    proposed = _proposal(ctx, details)
    reason = details.override_reason.strip() if proposed is not None else ""
    unit = details.unit.strip()[:200]
    where = f"{details.to.name} · {unit}" if unit else details.to.name
    _move(ctx, s.ISSUE, Step.ISSUED, _issue_note(where, proposed, reason),
                  issued_department_id=details.to.id, issued_unit=unit,
                  home_storeroom_id=ctx.item.storeroom_id or ctx.aid.home_storeroom_id,
                  journal={"department_id": details.to.id, "unit": unit, "notes": details.notes,
                           "proposed_item_id": proposed.item_id if proposed else None,
                           "override_reason": reason})  # fmt: skip
    _carry(ctx, None, place=where[:200])


def _proposal(ctx: Context, details: Details) -> Aid | None:
    """The older unit of the group this aid goes in place of, if any (proposals.py); passing
    it over in a forced group needs a reason."""
    asked = details.asked or ctx.item.category
    offered = proposals.offer(ctx.session, asked, access.item_scope(ctx.by), today=ctx.today)
    proposed = offered.proposed
    if proposed is None or proposed.item_id == ctx.item.id:
        return None
    if offered.group is not None and offered.group.forced and not details.override_reason.strip():
        raise AidRefused(_l("%(group)s is a forced group: the oldest ready unit, %(tag)s, goes "
                            "first. Say why another goes instead.", group=offered.group.name,
                            tag=proposed.item.tag))  # fmt: skip
    return proposed


def _issue_note(where: str, proposed: Aid | None, reason: str) -> LazyString:
    """Where the aid went, and whether it went in place of the unit the tool proposed."""
    if proposed is None:
        return _l("Issued to %(to)s.", to=where)
    if reason:
        return _l("Issued to %(to)s in place of %(proposed)s, the oldest: %(reason)s", to=where,
                  proposed=proposed.item.tag, reason=reason)  # fmt: skip
    return _l("Issued to %(to)s in place of %(proposed)s, the oldest.", to=where,
              proposed=proposed.item.tag)  # fmt: skip


def issue_for(session: Session, asked: Category, chosen: Item, *, to: Department | None,
              unit: str, reason: str, scope: ColumnElement[bool], by: User, now: datetime,
              today: date) -> Aid:  # fmt: skip
    """Issue the unit chosen on the issue page for a request of `asked`; one that is not among
    the ready units offered there is refused."""
    offered = proposals.offer(session, asked, scope, today=today)
    if chosen.id not in {aid.item_id for aid in offered.aids}:
        raise AidRefused(_l("%(tag)s is not one of the ready aids that may go for this "
                            "request.", tag=chosen.tag))  # fmt: skip
    details = Details(to=to, unit=unit, override_reason=reason, asked=asked)
    return take_step(session, chosen, Step.ISSUED, details, by=by, now=now, today=today)


def _carry(ctx: Context, to: Storeroom | None, place: str = "") -> None:
    """Move the aid, and the accessories that travel with it, in or out of a storeroom."""
    items = [ctx.item] + [accessory.item for accessory in ctx.aid.accessories
                          if accessory.item.status in item_states.STOCK]  # fmt: skip
    for item in items:
        move_item(ctx.session, item, to, place=place, by=ctx.by, now=ctx.now)


STEPS = {
    Step.RETURNED: returned,
    Step.QUARANTINED: quarantined,
    Step.CLEANED: cleaned,
    Step.INSPECTED: inspected,
    Step.READY: ready,
    Step.ISSUED: issued,
}
