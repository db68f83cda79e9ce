"""What the aid cycle adds to an item's page (and so to a scanned label): the aid's state,
its due dates and kit, and a button for each step that may come next. Asked for by the core's
`item_page` signal; shown for items of an assistive-aid category and for aids in the cycle."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from inventory import access
from inventory.models import CategoryKind, Department, Item
from inventory.signals import ItemPageParts, item_page
from reuse.aids import plans
from reuse.aids.forms import AccessoryForm, RecordForm, ServiceForm, StepForm
from reuse.aids.models import Aid, AidPlan
from reuse.aids.states import OFFERED, Step
from reuse.aids.vocabulary import STATE, STEP
from reuse.web import today


def is_aid(item: Item, aid: Aid | None) -> bool:
    return aid is not None or (
        item.category is not None and item.category.kind == CategoryKind.ASSISTIVE_AID
    )


# The fields each step's form shows; a step without any is one button.
FIELDS = {
    Step.RETURNED: ("notes",),
    Step.QUARANTINED: ("notes",),
    Step.CLEANED: ("method", "agent", "notes"),
    Step.INSPECTED: ("passed", "checks", "notes"),
    Step.READY: ("gap_reason",),
    Step.ISSUED: ("to", "unit", "override_reason", "notes"),
}


def department_choices() -> list[SelectChoice]:
    departments = db.session.scalars(select(Department).order_by(Department.name_key))
    return [SelectChoice("", "—")] + [SelectChoice(str(d.id), d.name) for d in departments]


def step_form(step: Step, plan: AidPlan | None) -> StepForm:
    """The form of one step, its fields named after the step (`cleaned-method`), so the
    forms of several steps on one page keep their fields apart."""
    form = StepForm(prefix=step.value, step=step.value)
    if step == Step.ISSUED:
        form.to.choices = department_choices()
    form.checks.choices = [SelectChoice(check, check) for check in plan.checks] if plan else []
    return form


def item_card(item: Item, *, user: Any, **_: Any) -> ItemPageParts | None:
    aid = db.session.get(Aid, item.id)
    if item.is_lot or not is_aid(item, aid):
        return None
    may_step = access.can_move_item(user, item) and not item.is_disposed
    plan = plans.plan_for(db.session, item.category)
    steps = OFFERED[aid.status] if aid else (Step.RETURNED,)
    forms = {step: step_form(step, plan) for step in steps} if may_step else {}
    card = render_template(
        "reuse/aids/_item_card.html", item=item, aid=aid, plan=plan, steps=steps,
        may_step=may_step, forms=forms, FIELDS=FIELDS, STATE=STATE, STEP=STEP, today=today(),
        dates=plans.due_dates(aid, item, plan) if aid else None,
        missing=plans.missing_parts(db.session, aid) if aid else [],
        record_form=RecordForm(obj=aid, prefix="record") if aid else None,
        accessory_form=AccessoryForm(prefix="accessory"),
        service_form=ServiceForm(prefix="service"),
    )  # fmt: skip
    return ItemPageParts(cards=[Markup(card)])


def listen() -> None:
    item_page.connect(item_card)
