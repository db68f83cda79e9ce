"""Aids in the API: a step of the cycle (`POST /items/{tag}/steps`) and the ready aids,
oldest purchase first (`GET /aids/ready`).

A step is taken by those who move the item (inventory.access.can_move_item), through the
same service as the item page's buttons, so it leaves the same journal and history. A step
out of order, an incomplete kit, an overdue inspection, or another person's step that came
first is a 409 with the reason, and nothing changes.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from app.api.errors import forbidden, invalid
from app.api.schemas import responses
from app.api.web import bp, spec
from app.extensions import db
from app.timeutil import utcnow
from inventory import access
from inventory.api_web import item_or_404
from inventory.models import Category, Department
from inventory.place_records import find_storeroom_by_code
from reuse.aids import plans, queries
from reuse.aids.api_schemas import AidList, AidOut, ReadyQuery, StepIn
from reuse.aids.cycle import Details, take_step
from reuse.aids.models import Aid
from reuse.api_views import done
from reuse.web import today

AIDS = ("aids",)


def aid_out(aid: Aid) -> AidOut:
    item = aid.item
    dates = plans.due_dates(aid, item, plans.plan_for(db.session, item.category))
    article = (
        f"{aid.article_scheme.value.upper()} {aid.article_number}" if aid.article_number else None
    )
    return AidOut(
        tag=item.tag, name=item.name, state=aid.status, since=aid.since,
        category_id=item.category_id, category=item.category.path if item.category else None,
        purchase_date=item.purchase_date, purchase_price=item.purchase_price,
        serial_number=item.serial_number, iso_class=aid.iso_class, article_number=article,
        storeroom=item.storeroom.code if item.storeroom else None,
        issued_to_department_id=aid.issued_department_id, issued_unit=aid.issued_unit,
        next_inspection=dates.inspection, next_service=dates.service,
        accessories=[accessory.item.tag for accessory in aid.accessories],
        missing_accessories=[part.name for part in plans.missing_parts(db.session, aid)],
    )  # fmt: skip


def details_of(body: StepIn) -> Details:
    """The step's details, each name in the body looked up, or a 422 naming the field."""
    to = db.session.get(Department, body.to) if body.to is not None else None
    if body.to is not None and to is None:
        raise invalid(_("There is no such department."), "to")
    storeroom = find_storeroom_by_code(db.session, body.storeroom) if body.storeroom else None
    if body.storeroom and storeroom is None:
        raise invalid(_("There is no storeroom with that code."), "storeroom")
    return Details(
        method=body.method, agent=body.agent, passed=body.passed, notes=body.notes,
        checks=[(check.check, check.passed) for check in body.checks], to=to, unit=body.unit,
        gap_reason=body.gap_reason, storeroom=storeroom,
        override_reason=body.override_reason,
    )  # fmt: skip


@bp.post("/items/<tag>/steps")
@spec.validate(json=StepIn, resp=responses(HTTP_200=AidOut, errors=(409,)), tags=AIDS)
def take_aid_step(tag: str):
    """Take one step of an assistive aid's cycle: returned, quarantined, cleaned, inspected,
    ready or issued. A return starts the cycle of an aid not yet in it. Out of order, or
    refused for the kit or an overdue inspection: 409 with the reason, nothing changed."""
    item = item_or_404(tag)
    if not access.can_move_item(current_user, item):
        raise forbidden()
    body: StepIn = request.context.json
    details = details_of(body)
    aid = done(lambda: take_step(db.session, item, body.step, details, by=current_user,
                                 now=utcnow(), today=today()), item)  # fmt: skip
    return aid_out(aid)


@bp.get("/aids/ready")
@spec.validate(query=ReadyQuery, resp=responses(HTTP_200=AidList), tags=AIDS)
def list_ready_aids():
    """The ready aids the token's user may see, oldest purchase first: the order they are
    issued in. `category` takes its aids and those of the categories below it."""
    args: ReadyQuery = request.context.query
    ids = None
    if args.category is not None:
        if db.session.get(Category, args.category) is None:
            raise invalid(_("There is no such category."), "category")
        ids = queries.subtree(db.session, args.category)
    scope = access.item_scope(current_user)
    return AidList(items=[aid_out(aid) for aid in queries.ready_aids(db.session, scope,
                                                                     category_ids=ids)])  # fmt: skip
