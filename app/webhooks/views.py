"""The managers' webhooks page: add a hook (its secret shown once), switch it off or on,
delete it, send it a test event, and read its last deliveries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.models import AuditAction
from app.audit.web import audit
from app.auth.roles import Role, role_required
from app.extensions import db
from app.timeutil import utcnow
from app.webhooks import services
from app.webhooks.forms import WebhookForm
from app.webhooks.labels import EVENT_LABELS, STATUS_LABELS
from app.webhooks.models import Webhook

bp = Blueprint("webhooks", __name__)
managers = role_required(Role.ADMIN, Role.MANAGER)


def webhooks_page(form: WebhookForm, *, made: Webhook | None = None, status: int = 200):
    hooks = db.session.scalars(services.webhooks_list()).all()
    deliveries = {hook.id: db.session.scalars(services.recent_deliveries(hook.id)).all()
                  for hook in hooks}  # fmt: skip
    page = render_template("webhooks/index.html", form=form, hooks=hooks, deliveries=deliveries,
                           made=made, event_labels=EVENT_LABELS, status_labels=STATUS_LABELS)  # fmt: skip
    return page, status


def hook_or_404(webhook_id: int) -> Webhook:
    hook = db.session.get(Webhook, webhook_id)
    if hook is None:
        abort(404)
    return hook


@bp.route("/webhooks")
@managers
def index():
    """The webhooks, their last deliveries, and a form to add one."""
    return webhooks_page(WebhookForm(formdata=None))


@bp.route("/webhooks", methods=["POST"])
@managers
def add():
    """Add a webhook and show its secret, this once."""
    form = WebhookForm()
    if not form.validate_on_submit():
        return webhooks_page(form, status=400)
    hook = services.make_webhook(db.session, url=form.url.data, events=form.events.data,
                                 by=current_user._get_current_object(), now=utcnow())  # fmt: skip
    audit(AuditAction.WEBHOOK_CREATED, services.webhook_target(hook),
          after={"url": hook.url, "events": ", ".join(hook.events)})  # fmt: skip
    db.session.commit()
    return webhooks_page(WebhookForm(formdata=None), made=hook)


@bp.route("/webhooks/<int:webhook_id>/active", methods=["POST"])
@managers
def switch(webhook_id: int):
    """Switch a webhook off (it gets no more events) or on again."""
    hook = hook_or_404(webhook_id)
    if services.set_active(hook, not hook.is_active):
        action = (
            AuditAction.WEBHOOK_REACTIVATED if hook.is_active else AuditAction.WEBHOOK_DEACTIVATED
        )
        audit(action, services.webhook_target(hook))
        db.session.commit()
        flash(_("The webhook is on.") if hook.is_active else _("The webhook is off."), "success")
    return redirect(url_for("webhooks.index"))


@bp.route("/webhooks/<int:webhook_id>/delete", methods=["POST"])
@managers
def delete(webhook_id: int):
    """Delete a webhook with its deliveries."""
    hook = hook_or_404(webhook_id)
    audit(AuditAction.WEBHOOK_DELETED, services.webhook_target(hook))
    services.delete_webhook(db.session, hook)
    db.session.commit()
    flash(_("The webhook is deleted."), "success")
    return redirect(url_for("webhooks.index"))


@bp.route("/webhooks/<int:webhook_id>/ping", methods=["POST"])
@managers
def ping(webhook_id: int):
    """Send the webhook a test event; its answer shows among the deliveries."""
    services.ping(db.session, hook_or_404(webhook_id), now=utcnow())
    db.session.commit()
    flash(_("A test event is on its way."), "success")
    return redirect(url_for("webhooks.index", _anchor=f"webhook-{webhook_id}"))
