"""Issuing from equivalence groups (Swedish "ersättningskedjor"): when a department asks for
an aid of a category, the tool proposes the ready unit with the oldest purchase in the
category's group, so older stock goes out before newer stock ages on the shelf.

In a forced group another unit than the proposed one goes only with a reason; in an optional
group any ready unit of the group may go, and a reason given is kept. The journal entry of the
issue records both the proposed unit and the reason, and the chosen unit takes its linked
accessories with it as every issue does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from inventory.models import Category, Department, Item
from reuse.aids import plans, queries
from reuse.aids.cycle import AidRefused, Details, take_step
from reuse.aids.models import Aid, AidPlan, EquivalenceGroup
from reuse.aids.states import Step

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass(frozen=True)
class Offer:
    """What the tool offers for a category: the group it issues from, and the ready units
    that may go now (not overdue), the proposed one first."""

    group: EquivalenceGroup | None
    aids: list[Aid]

    @property
    def proposed(self) -> Aid | None:
        return self.aids[0] if self.aids else None


def group_category_ids(session: Session, category: Category) -> list[int]:
    """The categories a request for `category` may be met from: every category (and those
    below it) whose plan is in the same group, or only `category` and those below it."""
    plan = plans.plan_for(session, category)
    if plan is None or plan.group_id is None:
        return queries.subtree(session, category.id)
    members = session.scalars(select(AidPlan.category_id).where(AidPlan.group_id == plan.group_id))
    return sorted({cid for member in members for cid in queries.subtree(session, member)})


def offer(session: Session, category: Category, scope: ColumnElement[bool], *,
          today: date) -> Offer:  # fmt: skip
    """The ready units of the category's group the user may issue, oldest purchase first;
    those overdue for a service or inspection are left out, since they may not go."""
    plan = plans.plan_for(session, category)
    group = session.get(EquivalenceGroup, plan.group_id) if plan and plan.group_id else None
    ready = queries.ready_aids(session, scope,
                               category_ids=group_category_ids(session, category))  # fmt: skip
    may_go = [
        aid for aid in ready
        if not plans.due_dates(aid, aid.item, plans.plan_for(session, aid.item.category))
        .overdue(today)
    ]  # fmt: skip
    return Offer(group, may_go)


def issue_chosen(session: Session, category: Category, chosen: Item, *, to: Department | None,
                 unit: str, reason: str, scope: ColumnElement[bool], by: User, now: datetime,
                 today: date) -> Aid:  # fmt: skip
    """Issue the chosen unit for a request of `category`, recording what was proposed and why
    another went instead; refused when the chosen one is not on offer, or when a forced
    group's oldest unit is passed over without a reason."""
    offered = offer(session, category, scope, today=today)
    if chosen.id not in {aid.item_id for aid in offered.aids}:
        raise AidRefused(_l("%(tag)s is not one of the ready aids that may go for this "
                            "request.", tag=chosen.tag))  # fmt: skip
    proposed = offered.proposed
    reason = reason.strip()
    passed_over = proposed is not None and proposed.item_id != chosen.id
    if passed_over and offered.group is not None and offered.group.forced and not reason:
        raise AidRefused(_l("%(group)s is a forced group: the oldest ready unit, %(tag)s, goes "
                            "first. Say why another goes instead.", group=offered.group.name,
                            tag=proposed.item.tag))  # fmt: skip
    details = Details(to=to, unit=unit, proposed=proposed.item if proposed else None,
                      override_reason=reason if passed_over else "")  # fmt: skip
    return take_step(session, chosen, Step.ISSUED, details, by=by, now=now, today=today)
