"""The organisation's reuse settings: the ladder's windows and what outside tiers may do."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.audit.models import AuditAction, AuditObject
from app.audit.record import Target
from app.audit.web import audit_change
from app.auth.roles import role_required
from app.extensions import db
from reuse import access
from reuse.errors import ReuseError
from reuse.listings import services
from reuse.listings.forms import SettingsForm
from reuse.listings.models import ReuseSettings

bp = Blueprint("reuse_settings", __name__, template_folder="../templates")


def settings_state(settings: ReuseSettings) -> dict:
    """The settings as JSON values, for the audit trail."""
    return {
        "department_days": settings.department_days,
        "organisation_days": settings.organisation_days,
        "partner_days": settings.partner_days,
        "external_mode": str(settings.external_mode),
    }


@bp.route("/reuse/settings", methods=["GET", "POST"])
@role_required(*access.SETTINGS_KEEPERS)
def edit():
    settings = services.reuse_settings(db.session)
    form = SettingsForm(obj=settings)
    if form.validate_on_submit():
        before = settings_state(settings)
        try:
            services.save_settings(
                settings, department_days=form.department_days.data,
                organisation_days=form.organisation_days.data,
                partner_days=form.partner_days.data, external_mode=form.external_mode.data,
            )  # fmt: skip
        except ReuseError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            target = Target(AuditObject.SETTINGS, settings.id, "reuse")
            audit_change(AuditAction.SETTINGS_CHANGED, target, before, settings_state(settings))
            db.session.commit()
            flash(_("Reuse settings saved."), "success")
            return redirect(url_for(".edit"))
    db.session.commit()  # the settings row, made on first use
    return render_template("reuse/settings.html", form=form)
