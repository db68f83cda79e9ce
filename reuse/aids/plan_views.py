"""The managers' pages of aid plans: each aid category's service and inspection intervals,
checklist, the days each step may take, its equivalence group and kit; and the groups.

A plan changes which aids may be issued and which are listed as overdue or stuck, so each
change goes into the audit trail as a change of its category, values before and after.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from app.audit.models import AuditAction, AuditObject
from app.audit.record import State, Target
from app.audit.web import audit, audit_change
from app.auth.roles import role_required
from app.extensions import db
from inventory import access
from inventory.models import Category, CategoryKind
from inventory.place_names import load_category_paths
from reuse.aids import plans, records
from reuse.aids.forms import GroupForm, PlanForm
from reuse.aids.models import AidPlan, EquivalenceGroup
from reuse.aids.states import AidState
from reuse.aids.views import bp
from reuse.errors import ReuseError
from reuse.web import flash_errors

MANAGERS = tuple(access.MANAGERS)


@bp.route("/plans")
@role_required(*MANAGERS)
def plan_list():
    """Every aid category with its plan (or none yet), and the equivalence groups."""
    paths = load_category_paths(db.session)
    categories = db.session.scalars(
        select(Category).where(Category.kind == CategoryKind.ASSISTIVE_AID)
    ).all()
    rows = sorted(((paths[c.id], c, db.session.get(AidPlan, c.id)) for c in categories),
                  key=lambda row: row[0].lower())  # fmt: skip
    groups = db.session.scalars(select(EquivalenceGroup).order_by(EquivalenceGroup.name_key))
    group_forms = [(g, GroupForm(prefix=f"group{g.id}", obj=g)) for g in groups]
    return render_template("reuse/aids/plans.html", rows=rows, group_forms=group_forms,
                           group_form=GroupForm(prefix="new"))  # fmt: skip


@bp.route("/plans/<int:category_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_plan(category_id: int):
    """A category's plan and kit."""
    category = db.session.get(Category, category_id) or abort(404)
    plan = db.session.get(AidPlan, category.id)
    form = plan_form(category, plan)
    paths = load_category_paths(db.session)
    if form.validate_on_submit():
        before = plan_state(category)
        try:
            records.save_plan(
                db.session, category, service_days=form.service_days.data,
                inspection_days=form.inspection_days.data, checklist=form.checklist.data or "",
                step_days={s.value: form[f"days_{s.value}"].data for s in AidState},
                group=db.session.get(EquivalenceGroup, int(form.group.data))
                if form.group.data else None,
            )  # fmt: skip
            records.set_kit(db.session, category,
                            [db.session.get(Category, int(cid)) for cid in form.kit.data])  # fmt: skip
        except ReuseError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            audit_change(AuditAction.CATEGORY_CHANGED,
                         Target(AuditObject.CATEGORY, category.id, category.name),
                         before, plan_state(category))  # fmt: skip
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("aids.plan_list"))
    return render_template("reuse/aids/plan_form.html", form=form, category=category,
                           path=paths[category.id], AidState=AidState)  # fmt: skip


def plan_form(category: Category, plan: AidPlan | None) -> PlanForm:
    """The plan's form with its choices, filled from the plan unless it was posted."""
    form = PlanForm(obj=plan)
    paths = load_category_paths(db.session)
    groups = db.session.scalars(select(EquivalenceGroup).order_by(EquivalenceGroup.name_key))
    form.group.choices = [SelectChoice("", "—")] + [SelectChoice(str(g.id), g.name) for g in groups]
    form.kit.choices = [SelectChoice(str(cid), path) for cid, path in
                        sorted(paths.items(), key=lambda pair: pair[1].lower())
                        if cid != category.id]  # fmt: skip
    if not form.is_submitted():
        form.group.data = str(plan.group_id) if plan and plan.group_id else ""
        form.kit.data = [str(part.id) for part in plans.kit_parts(db.session, category.id)]
        for state in AidState:
            days = (plan.step_days or {}).get(state.value) if plan else None
            form[f"days_{state.value}"].data = days
    return form


def plan_state(category: Category) -> State:
    """A category's plan as the audit trail shows it: names, not ids."""
    plan = db.session.get(AidPlan, category.id)
    kit = sorted(part.name for part in plans.kit_parts(db.session, category.id))
    if plan is None:
        return {"kit": kit}
    return {
        "service_days": plan.service_days, "inspection_days": plan.inspection_days,
        "checklist": plan.checklist, "step_days": dict(sorted((plan.step_days or {}).items())),
        "group": plan.group.name if plan.group else None, "kit": kit,
    }  # fmt: skip


@bp.route("/groups", methods=["POST"], defaults={"group_id": None})
@bp.route("/groups/<int:group_id>", methods=["POST"])
@role_required(*MANAGERS)
def save_group(group_id: int | None):
    """Make a group, or rename one and say whether it is forced; the audit trail keeps both,
    since a forced group changes which aid may be issued."""
    group = db.session.get(EquivalenceGroup, group_id) if group_id else None
    if group_id and group is None:
        abort(404)
    form = GroupForm(prefix=f"group{group_id}" if group_id else "new")
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("aids.plan_list"))
    before = {"name": group.name, "forced": group.forced} if group else None
    try:
        saved = records.save_group(db.session, form.name.data, forced=form.forced.data,
                                   group=group)  # fmt: skip
    except ReuseError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("aids.plan_list"))
    target = Target(AuditObject.AID_GROUP, saved.id, saved.name)
    after = {"name": saved.name, "forced": saved.forced}
    if before is None:
        audit(AuditAction.AID_GROUP_CREATED, target, after=after)
    else:
        audit_change(AuditAction.AID_GROUP_CHANGED, target, before, after)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("aids.plan_list"))
