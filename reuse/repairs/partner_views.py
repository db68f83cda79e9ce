"""A partner's page for one repair job, reached by its secret link, without an account.

The link's token is the only key: a wrong, expired or revoked one, or one of a job that has
closed, is a plain 404, the same as a page that never existed. Through it the partner quotes,
records parts and labour, and marks the item repaired; it sees the item's name and the fault,
nothing of the organisation's own records.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.timeutil import utcnow
from inventory.errors import InventoryError
from reuse.errors import ReuseError
from reuse.outside.web import limit_scrapers, revalidate
from reuse.repairs import links, services, vocabulary
from reuse.repairs.forms import LineForm, QuoteForm
from reuse.repairs.services import Actor
from reuse.web import ConfirmForm, flash_errors, refused

bp = Blueprint("repair_partner", __name__, url_prefix="/repairs/<token>",
               template_folder="../templates")  # fmt: skip


@bp.context_processor
def _words() -> dict:
    return {"words": vocabulary}


@bp.url_value_preprocessor
def _token(endpoint: str | None, values: dict | None) -> None:
    g.repair_token = (values or {}).pop("token", "")


@bp.before_request
def _job() -> None:
    """Runs after the app's own checks (CSRF first), before every page of the link."""
    limit_scrapers()
    g.job = links.job_by_token(db.session, g.repair_token, now=utcnow())
    if g.job is None:
        abort(404)
    g.actor = Actor(partner=g.job.partner)


@bp.after_request
def _cache(response: Response) -> Response:
    return revalidate(response, scope="private")


def here() -> str:
    return url_for(".job", token=g.repair_token)


@bp.route("")
def job():
    """The job as the partner sees it, with the steps it may take."""
    return render_template("reuse/repairs/partner.html", job=g.job, here=here(),
                           token=g.repair_token, confirm=ConfirmForm(), quote_form=QuoteForm(),
                           line_form=LineForm())  # fmt: skip


def act(form, do: Callable, done: str):
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(here())
    try:
        do(g.job, form)
    except (ReuseError, InventoryError) as error:
        return refused(error, here())
    db.session.commit()
    flash(done, "success")
    return redirect(here())


@bp.route("/quote", methods=["POST"])
def quote():
    return act(QuoteForm(),
               lambda job, form: services.quote(db.session, job, form.cost.data,
                                                form.note.data or "", actor=g.actor, now=utcnow()),
               _("Thank you: your quote is recorded."))  # fmt: skip


@bp.route("/lines", methods=["POST"])
def add_line():
    return act(LineForm(),
               lambda job, form: services.add_line(db.session, job, form.line(), actor=g.actor,
                                                   now=utcnow()),
               _("Recorded."))  # fmt: skip


@bp.route("/repaired", methods=["POST"])
def repaired():
    return act(ConfirmForm(),
               lambda job, _form: services.mark_repaired(db.session, job, actor=g.actor,
                                                         now=utcnow()),
               _("Thank you: the item is marked repaired."))  # fmt: skip
