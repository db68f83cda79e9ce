"""The aid pages: a step of the cycle, an aid's record and accessories (all posted from the
item page's aid card), the overview of what needs doing, and an aid's inspection journal.

Each POST goes through the services of reuse/aids and commits once; a refusal rolls back and
says why on the item page (409 when someone else stepped the aid first), changing nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.auth.roles import role_required
from app.extensions import db
from app.formats import reader_csv_style, reader_language
from app.request_values import optional_id
from app.sheets import csv_lines
from app.timeutil import utcnow
from inventory import access
from inventory.errors import InventoryError
from inventory.item_tags import find_item_by_tag
from inventory.models import Category, CategoryKind, Department, Item
from inventory.place_names import load_category_paths
from inventory.web import visible_item_or_404
from labels.scan_forms import code_from_form, scan_form_context
from reuse.aids import cycle, plans, proposals, queries, records
from reuse.aids import figures as aid_figures
from reuse.aids.cycle import Details, take_step
from reuse.aids.forms import (
    AccessoryForm,
    AskForm,
    IssueForm,
    RecordForm,
    ScanStepForm,
    ServiceForm,
    StepForm,
)
from reuse.aids.item_card import department_choices
from reuse.aids.models import Aid, AidAccessory, AidStep, ArticleScheme
from reuse.aids.states import AidState, Step
from reuse.aids.vocabulary import STATE, STEP
from reuse.errors import ReuseError
from reuse.web import ConfirmForm, flash_errors, refused, today

bp = Blueprint("aids", __name__, url_prefix="/aids", template_folder="../templates")
MOVERS = tuple(access.MOVERS)


def movable_item_or_404(item_id: int) -> Item:
    """An item the user may see (else 404) and step (else 403)."""
    item = visible_item_or_404(item_id)
    if not access.can_move_item(current_user, item):
        abort(403)
    return item


def movable_aid_or_404(item_id: int) -> tuple[Item, Aid]:
    """An item the user may step that is in the aid cycle (else 404), with its aid."""
    item = movable_item_or_404(item_id)
    return item, db.session.get(Aid, item.id) or abort(404)


def by_id(model: type, value: str | None):
    """The row a form or query value names; None for anything that is no id ("²", 10**30)."""
    try:
        number = optional_id(value)
    except ValueError:
        return None
    return db.session.get(model, number) if number else None


def item_url(item: Item) -> str:
    return url_for("inventory.item", item_id=item.id) + "#aid"


@bp.route("/items/<int:item_id>/step", methods=["POST"])
@role_required(*MOVERS)
def step(item_id: int):
    """Take one step of the cycle from the aid card's button."""
    item = movable_item_or_404(item_id)
    form = posted_step_form()
    if form is None:
        flash(_("Choose a step."), "error")
        return redirect(item_url(item))
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(item_url(item))
    to = by_id(Department, form.to.data)
    details = Details(
        method=form.method.data or "", agent=form.agent.data or "", notes=form.notes.data or "",
        passed={"yes": True, "no": False}.get(form.passed.data or ""),
        checks=_checks(item, set(form.checks.data or [])), to=to, unit=form.unit.data or "",
        gap_reason=form.gap_reason.data or "", override_reason=form.override_reason.data or "",
    )  # fmt: skip
    try:
        aid = take_step(db.session, item, Step(form.step.data), details, by=current_user,
                        now=utcnow(), today=today())  # fmt: skip
    except (ReuseError, InventoryError) as error:
        return refused(error, item_url(item))
    db.session.commit()
    flash(_("Done: the aid is %(state)s.", state=STATE[aid.status]), "success")
    return redirect(item_url(item))


def posted_step_form() -> StepForm | None:
    """The form of the step posted: its fields carry the step's name (item_card.step_form)."""
    for step in Step:
        if request.form.get(f"{step.value}-step") == step.value:
            form = StepForm(prefix=step.value)
            form.to.choices = []
            return form
    return None


def _checks(item: Item, ticked: set[str]) -> list[tuple[str, bool]]:
    """Every check of the item's plan, with whether it was ticked as passed."""
    plan = plans.plan_for(db.session, item.category)
    return [(check, check in ticked) for check in (plan.checks if plan else [])]


@bp.route("/scan", methods=["GET", "POST"])
@role_required(*MOVERS)
def scan():
    """The scanning page's aid mode: the step is chosen once (with the cleaning method for a
    batch out of the washer), then each aid scanned takes it. Inspection and issue need a
    checklist or a department of their own: the scan opens the aid's card."""
    chosen = ScanStepForm(request.args)
    scan_step = Step(chosen.step.data) if chosen.validate() else Step.CLEANED
    here = url_for("aids.scan", step=scan_step.value, method=chosen.method.data or None,
                   agent=chosen.agent.data or None)  # fmt: skip
    if request.method == "GET":
        return render_template("labels/scan.html", **scan_form_context(
            mode="aid", aid_action=here, step_form=chosen, scan_step=scan_step, STEP=STEP))  # fmt: skip
    code = code_from_form()
    item = find_item_by_tag(db.session, code) if code else None
    if code and (item is None or not access.can_move_item(current_user, item)):
        flash(_("%(code)s is not an item you can see.", code=code), "error")
    elif item is not None and scan_step in (Step.INSPECTED, Step.ISSUED):
        return redirect(item_url(item))
    elif item is not None:
        details = Details(method=chosen.method.data or "", agent=chosen.agent.data or "")
        try:
            aid = take_step(db.session, item, scan_step, details, by=current_user, now=utcnow(),
                            today=today())  # fmt: skip
        except (ReuseError, InventoryError) as error:
            db.session.rollback()
            flash(_("%(tag)s: %(why)s", tag=item.tag, why=error), "error")
        else:
            db.session.commit()
            flash(_("%(tag)s is %(state)s.", tag=item.tag, state=STATE[aid.status]), "success")
    return redirect(here)


@bp.route("/items/<int:item_id>/record", methods=["POST"])
@role_required(*MOVERS)
def record(item_id: int):
    """Set an aid's ISO 9999 class and article number."""
    item, aid = movable_aid_or_404(item_id)
    form = RecordForm(prefix="record")
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(item_url(item))
    scheme = ArticleScheme(form.article_scheme.data) if form.article_scheme.data else None
    try:
        records.edit_record(db.session, aid, iso_class=form.iso_class.data or "", scheme=scheme,
                            number=form.article_number.data or "", by=current_user,
                            now=utcnow())  # fmt: skip
    except ReuseError as error:
        return refused(error, item_url(item))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(item_url(item))


@bp.route("/items/<int:item_id>/service", methods=["POST"])
@role_required(*MOVERS)
def service(item_id: int):
    """Record a service done to the aid's plan; the next one is due from today."""
    item, aid = movable_aid_or_404(item_id)
    form = ServiceForm(prefix="service")
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(item_url(item))
    try:
        records.record_service(db.session, aid, notes=form.notes.data or "", by=current_user,
                               now=utcnow(), today=today())  # fmt: skip
    except ReuseError as error:
        return refused(error, item_url(item))
    db.session.commit()
    flash(_("Service recorded."), "success")
    return redirect(item_url(item))


@bp.route("/items/<int:item_id>/accessories", methods=["POST"])
@role_required(*MOVERS)
def link_accessory(item_id: int):
    """Link an accessory by its tag; one the user may not see is refused as unknown."""
    item, aid = movable_aid_or_404(item_id)
    form = AccessoryForm(prefix="accessory")
    accessory = find_item_by_tag(db.session, form.tag.data or "") if form.validate() else None
    if accessory is None or not access.can_move_item(current_user, accessory):
        flash(_("No item of yours has that tag."), "error")
        return redirect(item_url(item))
    try:
        records.link_accessory(db.session, aid, accessory, by=current_user, now=utcnow())
    except ReuseError as error:
        return refused(error, item_url(item))
    db.session.commit()
    return redirect(item_url(item))


@bp.route("/items/<int:item_id>/accessories/<int:accessory_id>/unlink", methods=["POST"])
@role_required(*MOVERS)
def unlink_accessory(item_id: int, accessory_id: int):
    item = movable_item_or_404(item_id)
    link = db.session.get(AidAccessory, accessory_id)
    if link is None or link.aid_item_id != item.id or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        records.unlink_accessory(db.session, link.aid, link, by=current_user, now=utcnow())
    except ReuseError as error:
        return refused(error, item_url(item))
    db.session.commit()
    return redirect(item_url(item))


@bp.route("/issue", methods=["GET", "POST"])
@role_required(*MOVERS)
def issue():
    """Meet a department's request for an aid: the ready unit with the oldest purchase in the
    category's equivalence group is proposed, with its accessories; another may be chosen,
    with a reason where the group is forced."""
    ask = AskForm(request.args)
    ask.category.choices = aid_category_choices()
    form = IssueForm()
    category = by_id(Category, request.form.get("category") or ask.category.data or "")
    if category is None:
        return render_template("reuse/aids/issue.html", ask=ask, form=form, offer=None)
    scope = access.item_scope(current_user)
    if request.method == "POST" and form.validate_on_submit():
        chosen = by_id(Item, form.chosen.data) or abort(404)
        to = by_id(Department, form.to.data)
        try:
            aid = cycle.issue_for(
                db.session, category, chosen, to=to, unit=form.unit.data or "",
                reason=form.reason.data or "", scope=scope, by=current_user, now=utcnow(),
                today=today(),
            )  # fmt: skip
        except (ReuseError, InventoryError) as error:
            return refused(error, url_for("aids.issue", category=category.id))
        db.session.commit()
        flash(_("%(tag)s is issued to %(to)s.", tag=aid.item.tag, to=to.name), "success")
        return redirect(url_for("inventory.item", item_id=aid.item_id))
    flash_errors(form)
    offer = proposals.offer(db.session, category, scope, today=today())
    form.category.data = str(category.id)
    form.to.choices = department_choices()
    form.chosen.choices = [SelectChoice(str(aid.item_id), aid.item.tag) for aid in offer.aids]
    if offer.proposed and not form.chosen.data:
        form.chosen.data = str(offer.proposed.item_id)
    return render_template("reuse/aids/issue.html", ask=ask, form=form, offer=offer,
                           category=category)  # fmt: skip


def aid_category_choices() -> list[SelectChoice]:
    """Categories of assistive aids, by their path."""
    paths = load_category_paths(db.session)
    kinds = dict(db.session.execute(select(Category.id, Category.kind)).all())
    return [SelectChoice("", "—")] + [
        SelectChoice(str(cid), path) for cid, path in paths.items()
        if kinds.get(cid) == CategoryKind.ASSISTIVE_AID
    ]  # fmt: skip


@bp.route("")
@role_required(*MOVERS)
def overview():
    """What needs doing: aids in each state, those stuck in a step, and maintenance due or
    overdue in the next 30 days, by storeroom."""
    scope, now = access.item_scope(current_user), utcnow()
    aids = queries.visible_aids(db.session, scope)
    counts = {state: 0 for state in AidState}
    for aid in aids:
        counts[aid.status] += 1
    by_storeroom = defaultdict(list)
    for due in queries.maintenance_due(db.session, scope, today=today()):
        room = due.aid.item.storeroom or due.aid.home_storeroom
        by_storeroom[room.code if room else ""].append(due)
    return render_template("reuse/aids/overview.html", counts=counts, STATE=STATE,
                           stuck=queries.stuck(db.session, scope, now=now),
                           due=dict(sorted(by_storeroom.items())), today=today())  # fmt: skip


@bp.route("/figures")
@role_required(*MOVERS)
def figures():
    """How the cycle goes, per category and per equivalence group, of the aids one sees."""
    language = reader_language()
    found = aid_figures.aid_figures(
        db.session, access.item_scope(current_user), now=utcnow(),
        category_label=lambda item: item.category.path_in(language) if item.category else "—",
    )  # fmt: skip
    return render_template("reuse/aids/figures.html", figures=found, AidState=AidState,
                           STATE=STATE)  # fmt: skip


@bp.route("/items/<int:item_id>/journal")
@role_required(*MOVERS)
def journal(item_id: int):
    """Every inspection of an aid (a lift's journal), its result and who signed it; printable,
    and as CSV with ?format=csv."""
    item = visible_item_or_404(item_id)
    entries = queries.inspections(db.session, item.id)
    if request.args.get("format") == "csv":
        return _journal_csv(item, entries)
    return render_template("reuse/aids/journal.html", item=item, entries=entries,
                           aid=db.session.get(Aid, item.id))  # fmt: skip


def _journal_csv(item: Item, entries: list[AidStep]) -> Response:
    header = [_("Date"), _("Tag"), _("Result"), _("Checks"), _("Notes"), _("Signed by")]
    rows = [[_when(e.at), item.tag, _("Passed") if e.passed else _("Failed"),
             "; ".join(f"{c}: {_('ok') if ok else _('failed')}" for c, ok in e.checks),
             e.notes, e.by_name] for e in entries]  # fmt: skip
    body = "".join(csv_lines([header, *rows], reader_csv_style(request.args.get("sep"))))
    name = f"journal-{item.tag}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
