"""Repair pages: send an item to repair, the list of open jobs with the overdue ones marked,
and a job's page with its cost against the replacement value and the steps the user may take.

Each POST goes through one service; a step the job has moved past, or one that lost a race,
is refused with nothing changed (reuse.web.refused says why).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from app.pagination import page_number
from app.templating import public_url
from app.timeutil import utcnow
from inventory import item_photos
from inventory.errors import InventoryError
from inventory.web import photo_quota, visible_item_or_404
from reuse import access
from reuse.errors import ReuseError
from reuse.listings.queries import open_listing_id
from reuse.outside.models import Partner
from reuse.repairs import figures, links, queries, services, vocabulary
from reuse.repairs.forms import LineForm, QuoteForm, ReturnForm, WriteOffForm, send_form
from reuse.repairs.models import RepairJob, RepairOutcome, RepairPlace
from reuse.repairs.services import Actor
from reuse.web import ConfirmForm, flash_errors, refused, uploaded_photos

bp = Blueprint("repairs", __name__, template_folder="../templates")


@bp.context_processor
def _words() -> dict:
    return {"words": vocabulary, "figures": figures}


def job_or_404(job_id: int) -> RepairJob:
    """A job the user may see; anything else is a 404, so nothing leaks."""
    job = db.session.get(RepairJob, job_id)
    if job is None or not access.may_see_repair(current_user, job):
        abort(404)
    return job


def limits() -> dict[str, int]:
    return current_app.config["REPAIR_LIMIT_DAYS"]


@bp.route("/repairs")
@login_required
def jobs():
    """Open repair jobs, the longest waiting first, the overdue ones marked; then the last
    ones closed."""
    page = db.paginate(queries.open_jobs(current_user), page=page_number(),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)  # fmt: skip
    now = utcnow()
    closed = db.session.scalars(queries.closed_jobs(current_user).limit(20)).all()
    return render_template("reuse/repairs/jobs.html", page=page, closed=closed, limits=limits(),
                           overdue={j.id for j in page.items
                                    if figures.is_overdue(limits(), j, now)})  # fmt: skip


@bp.route("/items/<int:item_id>/repair", methods=["GET", "POST"])
@login_required
def new_job(item_id: int):
    """Send an item to repair: in place, to the workshop, or to a partner."""
    item = visible_item_or_404(item_id)
    if not access.may_send_to_repair(current_user, item):
        abort(403)
    partners = db.session.scalars(select(Partner).where(Partner.active.is_(True))
                                  .order_by(Partner.name)).all()  # fmt: skip
    form = send_form(item, partners)
    if form.validate_on_submit():
        try:
            photos = uploaded_photos(form.photos.data)
            job = services.send_to_repair(db.session, item, sending_of(form), by=current_user,
                                          now=utcnow())  # fmt: skip
            for photo in photos:
                item_photos.add_photo(db.session, item, photo, by=current_user, now=utcnow(),
                                      quota=photo_quota(current_app.config))  # fmt: skip
            token = _first_link(job)
        except InventoryError as error:  # a photo refused: say so beside the form
            db.session.rollback()
            flash(str(error), "error")
        except ReuseError as error:
            return refused(error, url_for(".new_job", item_id=item.id))
        else:
            db.session.commit()
            flash(_("The item is sent to repair."), "success")
            return show_link(job, token) if token else redirect(url_for(".job", job_id=job.id))
    return render_template("reuse/repairs/send.html", form=form, item=item,
                           open_job=services.open_job(db.session, item.id))  # fmt: skip


def sending_of(form) -> services.Sending:
    partner_id = form.partner_id.data
    return services.Sending(
        fault=form.fault.data or "", place=RepairPlace(form.place.data),
        partner=db.session.get(Partner, partner_id) if partner_id else None,
        estimated_cost=form.estimated_cost.data,
        quantity=form.quantity.data if "quantity" in form else 1,
    )  # fmt: skip


def _first_link(job: RepairJob) -> str | None:
    """A job at a partner gets its link at once; whoever sends it passes the link on."""
    if job.place != RepairPlace.PARTNER:
        return None
    return links.make_link(db.session, job, days=current_app.config["REPAIR_LINK_DAYS"],
                           actor=Actor(current_user), now=utcnow())  # fmt: skip


def show_link(job: RepairJob, token: str):
    """The page that shows a partner's link to a job, once; only its hash is kept."""
    return render_template("reuse/repairs/link.html", job=job,
                           link=public_url("repair_partner.job", token=token))  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """A job: its fault, cost against the replacement value, parts and labour, next steps."""
    job = job_or_404(job_id)
    value = figures.replacement_value(job)
    return render_template(
        "reuse/repairs/job.html", job=job, value=value, hint=figures.repair_or_scrap(job.cost, value),
        due=figures.due_at(limits(), job), overdue=figures.is_overdue(limits(), job, utcnow()),
        may_work=access.may_work_on_repair(current_user, job),
        may_decide=access.may_decide_repair(current_user, job), confirm=ConfirmForm(),
        listing_id=open_listing_id(db.session, job.item_id),
        quote_form=QuoteForm(), line_form=LineForm(), return_form=return_form(job),
        write_off_form=WriteOffForm(),
    )  # fmt: skip


def return_form(job: RepairJob) -> ReturnForm:
    """The places the repaired item may go, the aid cycle first for an aid."""
    form = ReturnForm()
    outcomes = services.outcomes_for(db.session, job)
    form.outcome.choices = [SelectChoice(o.value, vocabulary.OUTCOME[o]) for o in outcomes]
    if RepairOutcome.AID_CYCLE in outcomes:
        form.outcome.data = RepairOutcome.AID_CYCLE.value
    return form


def act(job_id: int, may: Callable, form, do: Callable, done: str):
    """Check who may, the form and its CSRF token; run one service; commit once, or roll
    back and say why."""
    job = job_or_404(job_id)
    if not may(current_user, job):
        abort(403)
    back = url_for(".job", job_id=job.id)
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    try:
        result = do(job, form)
    except (ReuseError, InventoryError) as error:
        return refused(error, back)
    db.session.commit()
    if isinstance(result, str):  # a new link, shown once
        return show_link(job, result)
    flash(done, "success")
    return redirect(back)


@bp.route("/repairs/jobs/<int:job_id>/quote", methods=["POST"])
@login_required
def quote(job_id: int):
    """Record the repairer's quote."""
    return act(job_id, access.may_work_on_repair, QuoteForm(),
               lambda job, form: services.quote(db.session, job, form.cost.data,
                                                form.note.data or "", actor=Actor(current_user),
                                                now=utcnow()),
               _("The quote is recorded."))  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>/approve", methods=["POST"])
@login_required
def approve(job_id: int):
    """Go ahead with the repair."""
    return act(job_id, access.may_decide_repair, ConfirmForm(),
               lambda job, _form: services.approve(db.session, job, by=current_user, now=utcnow()),
               _("The repair is approved."))  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>/repaired", methods=["POST"])
@login_required
def repaired(job_id: int):
    return act(job_id, access.may_work_on_repair, ConfirmForm(),
               lambda job, _form: services.mark_repaired(db.session, job,
                                                         actor=Actor(current_user), now=utcnow()),
               _("The job is marked repaired."))  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>/lines", methods=["POST"])
@login_required
def add_line(job_id: int):
    """Record a part used or labour done."""
    return act(job_id, access.may_work_on_repair, LineForm(),
               lambda job, form: services.add_line(db.session, job, form.line(),
                                                   actor=Actor(current_user), now=utcnow()),
               _("Recorded."))  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>/return", methods=["POST"])
@login_required
def return_item(job_id: int):
    """The repaired item is back: to stock, to its listing, or on in the aid cycle."""
    return act(job_id, access.may_work_on_repair, ReturnForm(),
               lambda job, form: services.return_item(db.session, job,
                                                      RepairOutcome(form.outcome.data),
                                                      by=current_user, now=utcnow()),
               _("The item is back from repair."))  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>/write-off", methods=["POST"])
@login_required
def write_off(job_id: int):
    """Give up on the repair."""
    return act(job_id, access.may_decide_repair, WriteOffForm(),
               lambda job, form: services.write_off(db.session, job, form.reason.data or "",
                                                    by=current_user, now=utcnow()),
               _("The repair is written off."))  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>/link", methods=["POST"])
@login_required
def new_link(job_id: int):
    """Give the partner a new link to the job; the old one stops working."""
    return act(job_id, access.may_decide_repair, ConfirmForm(),
               lambda job, _form: links.make_link(db.session, job,
                                                  days=current_app.config["REPAIR_LINK_DAYS"],
                                                  actor=Actor(current_user), now=utcnow()),
               "")  # fmt: skip


@bp.route("/repairs/jobs/<int:job_id>/link/revoke", methods=["POST"])
@login_required
def revoke_link(job_id: int):
    """Shut the partner's link at once."""
    return act(job_id, access.may_decide_repair, ConfirmForm(),
               lambda job, _form: links.revoke_link(db.session, job, actor=Actor(current_user),
                                                    now=utcnow()),
               _("The partner's link is shut."))  # fmt: skip
