"""Sending an item to repair and taking the job through its states.

Each step checks the job's state, moves it by compare-and-set (of two people stepping one job
at once, one wins and the other is told), and writes a REPAIR event to the item's history.
Nothing here commits; a refusal raises before anything is written. A partner acts through
its link, without an account: `by` is then None and `partner` says who it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.states import Transition, advance
from inventory import item_records
from inventory.item_history import record_event
from inventory.models import CategoryKind, Condition, EventKind, Item
from reuse.errors import Conflict, ReuseError
from reuse.listings.queries import open_listing_id
from reuse.outside.models import Partner
from reuse.repairs import figures
from reuse.repairs import states as s
from reuse.repairs.models import LineKind, RepairJob, RepairLine, RepairOutcome, RepairPlace
from reuse.repairs.states import RepairStatus
from reuse.repairs.vocabulary import LINE_KIND, OUTCOME, PLACE, STATUS
from reuse.savings.outcomes import category_figure

if TYPE_CHECKING:
    from app.auth.models import User

MAX_COST = Decimal("1e9")


class RepairRefused(ReuseError):
    """The step does not fit the job or the item now; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a user of the organisation, or a partner through its link."""

    user: User | None = None
    partner: Partner | None = None

    @property
    def name(self) -> str:
        return self.partner.name if self.partner else self.user.display_name if self.user else ""


def open_job(session: Session, item_id: int) -> RepairJob | None:
    return session.scalar(
        select(RepairJob).where(RepairJob.item_id == item_id, RepairJob.status.in_(s.OPEN))
    )


@dataclass(frozen=True)
class Sending:
    """What the form that sends an item to repair says."""

    fault: str
    place: RepairPlace
    partner: Partner | None = None
    estimated_cost: Decimal | None = None
    quantity: int = 1


def send_to_repair(session: Session, item: Item, sending: Sending, *, by: User,
                   now: datetime) -> RepairJob:  # fmt: skip
    """Open a repair job for the item; refused for a disposed item or one already in repair."""
    if item.is_disposed:
        raise RepairRefused(_l("This item is disposed of: it cannot be sent to repair."))
    fault = sending.fault.strip()
    if not fault:
        raise RepairRefused(_l("Describe the fault."))
    if sending.place == RepairPlace.PARTNER and (sending.partner is None
                                                 or not sending.partner.active):  # fmt: skip
        raise RepairRefused(_l("Choose an active partner from the directory."))
    if not 1 <= sending.quantity <= item.quantity:
        raise RepairRefused(_l("Send between 1 and %(n)d units.", n=item.quantity))
    _check_money(sending.estimated_cost)
    if open_job(session, item.id) is not None:
        raise Conflict(_l("This item is already in repair."))
    partner = sending.partner if sending.place == RepairPlace.PARTNER else None
    job = RepairJob(item=item, department_id=item.department_id, category_id=item.category_id,
                    quantity=sending.quantity, fault=fault, place=sending.place, partner=partner,
                    estimated_cost=sending.estimated_cost, status=RepairStatus.SENT, since=now,
                    sent_at=now, created_by_id=by.id)  # fmt: skip
    session.add(job)
    try:
        session.flush()
    except IntegrityError:  # another request sent it at the same moment
        raise Conflict(_l("This item is already in repair.")) from None
    where = partner.name if partner else PLACE[sending.place]
    record_change(session, job, Actor(by), now, _l("Sent to repair (%(where)s): %(fault)s",
                                             where=where, fault=fault))  # fmt: skip
    return job


def _check_money(amount: Decimal | None) -> None:
    if amount is not None and not Decimal(0) <= amount < MAX_COST:
        raise RepairRefused(_l("Give an amount of 0 or more."))


def record_change(session: Session, job: RepairJob, actor: Actor, now: datetime,
            note: LazyString) -> None:  # fmt: skip
    """The job's change in its item's history; a partner's is signed with its name."""
    if actor.partner is not None:
        note = _l("%(note)s (by %(partner)s)", note=note, partner=actor.partner.name)
    record_event(session, job.item, EventKind.REPAIR, by=actor.user, now=now, note=note)


def move_job(session: Session, job: RepairJob, move: Transition[RepairStatus], *, now: datetime,
          actor: Actor | None = None, **values) -> None:  # fmt: skip
    """Compare-and-set the job's state, or refuse: out of order, or someone else was first. A
    partner acts only while the link it came by is still the job's: one revoked or replaced
    meanwhile makes its change lose, as a race does."""
    if not move.allows(job.status):
        raise RepairRefused(_l("This repair job is %(state)s: that step does not come next.",
                               state=STATUS[job.status]))  # fmt: skip
    if move.target != job.status:
        values["since"] = now
    guard = [RepairJob.link_hash == job.link_hash] if actor and actor.partner else []
    if not advance(session, RepairJob, move, RepairJob.id == job.id, *guard, **values):
        session.refresh(job)
        raise Conflict(_l("Someone else changed this repair job just now: it is %(state)s.",
                          state=STATUS[job.status]))  # fmt: skip
    session.refresh(job)


def quote(session: Session, job: RepairJob, cost: Decimal, note: str, *, actor: Actor,
          now: datetime) -> None:  # fmt: skip
    """Record what the repair will cost, for the organisation to approve."""
    if cost is None:
        raise RepairRefused(_l("Give the quoted cost."))
    _check_money(cost)
    move_job(session, job, s.QUOTE, now=now, actor=actor, quoted_cost=cost, quote_note=note.strip()[:2000],
          quoted_at=now)  # fmt: skip
    record_change(session, job, actor, now, _l("Repair quoted: %(cost)s.", cost=str(cost)))


def approve(session: Session, job: RepairJob, *, by: User, now: datetime) -> None:
    """Go ahead with the repair, at the quote (or the estimate when nobody quoted)."""
    move_job(session, job, s.APPROVE, now=now, approved_at=now)
    record_change(session, job, Actor(by), now, _l("Repair approved."))


def mark_repaired(session: Session, job: RepairJob, *, actor: Actor, now: datetime) -> None:
    move_job(session, job, s.MARK_REPAIRED, now=now, actor=actor, repaired_at=now)
    record_change(session, job, actor, now, _l("Repaired."))


def write_off(session: Session, job: RepairJob, reason: str, *, by: User, now: datetime) -> None:
    """Give up on the repair; the item stays as it is, to be disposed of from its page."""
    reason = reason.strip()
    if not reason:
        raise RepairRefused(_l("Say why the item is written off."))
    move_job(session, job, s.WRITE_OFF, now=now, written_off_at=now, write_off_reason=reason[:2000],
          link_hash=None, link_expires_at=None)  # fmt: skip
    record_change(session, job, Actor(by), now, _l("Repair written off: %(reason)s", reason=reason))


def outcomes_for(session: Session, job: RepairJob) -> list[RepairOutcome]:
    """Where a repaired item may go: to stock always, to its listing when it has an open one,
    on in the aid cycle when it is an assistive aid."""
    found = [RepairOutcome.TO_STOCK]
    if open_listing_id(session, job.item_id) is not None:
        found.append(RepairOutcome.TO_LISTING)
    category = job.item.category
    if category is not None and category.kind == CategoryKind.ASSISTIVE_AID:
        found.append(RepairOutcome.AID_CYCLE)
    return found


def return_item(session: Session, job: RepairJob, outcome: RepairOutcome, *, by: User,
                now: datetime) -> None:  # fmt: skip
    """The repaired item is back: write the savings snapshot, close the partner's link, and
    mark a broken item good again (to stock, to its listing; an aid's inspection moves it on)."""
    if job.item.is_disposed:
        raise RepairRefused(_l("This item was disposed of while in repair: write the job off "
                               "instead."))  # fmt: skip
    if outcome == RepairOutcome.TO_LISTING and outcome not in outcomes_for(session, job):
        raise RepairRefused(_l("This item has no open listing to go back to: send it to stock."))
    if outcome == RepairOutcome.AID_CYCLE and outcome not in outcomes_for(session, job):
        raise RepairRefused(_l("This item is no assistive aid: it has no aid cycle to go on in."))
    value, cost = figures.replacement_value(job), job.cost
    weight = category_figure(job.item.category, "weight_kg")
    move_job(session, job, s.RETURN, now=now, returned_at=now, outcome=outcome, value_avoided=value,
          repair_cost=cost, weight_kg=weight * job.quantity if weight is not None else None,
          link_hash=None, link_expires_at=None)  # fmt: skip
    record_change(session, job, Actor(by), now, _l("Back from repair: %(outcome)s.",
                                             outcome=OUTCOME[outcome]))  # fmt: skip
    whole = job.quantity == job.item.quantity  # a part of a lot mended leaves the rest as is
    if whole and job.item.condition in (Condition.NEEDS_REPAIR, Condition.BROKEN):
        item_records.update_item(session, job.item, {"condition": Condition.GOOD},
                                 expected_version=None, by=by, now=now,
                                 event_kind=EventKind.REPAIR)  # fmt: skip


@dataclass(frozen=True)
class Line:
    kind: LineKind
    description: str
    amount: Decimal
    cost: Decimal


def add_line(session: Session, job: RepairJob, line: Line, *, actor: Actor,
             now: datetime) -> RepairLine:  # fmt: skip
    """Record a part used or labour done, while the job is open."""
    description = line.description.strip()
    if not description:
        raise RepairRefused(_l("Describe the part or the work."))
    if line.amount is None or not Decimal(0) < line.amount < Decimal(100_000):
        raise RepairRefused(_l("Give a number of hours or parts above 0."))
    if line.cost is None:
        raise RepairRefused(_l("Give the cost."))
    _check_money(line.cost)
    if not job.is_open:
        raise RepairRefused(_l("This repair job is %(state)s: nothing more can be added.",
                               state=STATUS[job.status]))  # fmt: skip
    move_job(session, job, s.WITHIN[job.status], now=now, actor=actor)
    added = RepairLine(job=job, kind=line.kind, description=description[:200],
                       amount=line.amount, cost=line.cost,
                       by_id=actor.user.id if actor.user else None, at=now)  # fmt: skip
    session.add(added)
    session.flush()
    record_change(session, job, actor, now, _l("%(kind)s recorded: %(what)s, %(cost)s.",
                                         kind=LINE_KIND[line.kind], what=description,
                                         cost=str(line.cost)))  # fmt: skip
    return added
