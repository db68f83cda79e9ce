"""Issuing from equivalence groups (Swedish "ersättningskedjor"): when a department asks for
an aid of a category, the tool proposes the ready unit with the oldest purchase in the
category's group, so older stock goes out before newer stock ages on the shelf.

In a forced group another unit than the proposed one goes only with a reason; in an optional
group any ready unit of the group may go, and a reason given is kept. `cycle.issued` holds
every issue to this, from the issue page, the aid card and the API alike, and its journal
entry records the proposed unit and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from inventory.models import Category
from reuse.aids import plans, queries
from reuse.aids.models import Aid, AidPlan, EquivalenceGroup


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
