"""The inside of the outside tiers: the partner directory, and the owners' handling of the
interest outsiders register.

Facility managers and admins keep the directory. A partner's link is shown once, on the page
that made it; after that only "new link" (which shuts the old one) can show a link again.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.audit.models import AuditAction, AuditObject
from app.audit.record import Target
from app.audit.web import audit, audit_change
from app.auth.roles import role_required
from app.extensions import db
from app.folding import folded_sql
from app.templating import public_url
from app.timeutil import utcnow
from reuse import access
from reuse.outside import interests, partners
from reuse.outside.forms import PARTNER_KIND, PartnerForm
from reuse.outside.models import Interest, Partner, PartnerKind
from reuse.web import ConfirmForm

bp = Blueprint("partners", __name__, template_folder="../templates")
PARTNER_FIELDS = ("name", "kind", "town", "contact_name", "email", "phone", "notes")


def partner_or_404(partner_id: int) -> Partner:
    return db.session.get(Partner, partner_id) or abort(404)


def partner_target(partner: Partner) -> Target:
    return Target(AuditObject.PARTNER, partner.id, partner.name)


def partner_state(partner: Partner) -> dict:
    """What the directory keeps about a partner, as text, for the audit trail."""
    return {field: str(getattr(partner, field)) for field in PARTNER_FIELDS}


def details(form: PartnerForm) -> partners.PartnerDetails:
    return partners.PartnerDetails(
        name=form.name.data or "", kind=PartnerKind(form.kind.data), town=form.town.data or "",
        contact_name=form.contact_name.data or "", email=form.email.data or "",
        phone=form.phone.data or "", notes=form.notes.data or "",
    )  # fmt: skip


def show_link(partner: Partner, token: str):
    """The page that shows a partner's link, once; it is not stored anywhere to show again."""
    page = public_url("partner_pages.index", token=token)
    feeds = {fmt: public_url("partner_pages.feed", token=token, fmt=fmt)
             for fmt in ("csv", "json", "atom")}  # fmt: skip
    return render_template("reuse/partners/link.html", partner=partner, page=page, feeds=feeds)


@bp.route("/reuse/partners")
@role_required(*access.PARTNER_KEEPERS)
def directory():
    """Partner organisations: active first, by name."""
    rows = db.session.scalars(
        select(Partner).order_by(Partner.active.desc(), folded_sql(Partner.name))
    ).all()
    return render_template("reuse/partners/directory.html", partners=rows, kinds=PARTNER_KIND)


@bp.route("/reuse/partners/new", methods=["GET", "POST"])
@role_required(*access.PARTNER_KEEPERS)
def add():
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner, token = partners.add_partner(db.session, details(form))
        except partners.PartnerError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            state = {"name": partner.name, "kind": str(partner.kind), "active": partner.active}
            audit(AuditAction.PARTNER_LINK_MADE, partner_target(partner), after=state)
            db.session.commit()
            return show_link(partner, token)
    return render_template("reuse/partners/form.html", form=form, partner=None)


@bp.route("/reuse/partners/<int:partner_id>", methods=["GET", "POST"])
@role_required(*access.PARTNER_KEEPERS)
def edit(partner_id: int):
    partner = partner_or_404(partner_id)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        before = partner_state(partner)
        try:
            partners.edit_partner(db.session, partner, details(form))
        except partners.PartnerError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            after = partner_state(partner)
            audit_change(AuditAction.PARTNER_CHANGED, partner_target(partner), before, after)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".directory"))
    return render_template("reuse/partners/form.html", form=form, partner=partner,
                           confirm=ConfirmForm())  # fmt: skip


@bp.route("/reuse/partners/<int:partner_id>/new-link", methods=["POST"])
@role_required(*access.PARTNER_KEEPERS)
def new_link(partner_id: int):
    """Give the partner a new link; the old one stops working at once."""
    partner = partner_or_404(partner_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".edit", partner_id=partner.id))
    token = partners.new_link(db.session, partner)
    audit(AuditAction.PARTNER_LINK_REPLACED, partner_target(partner))
    db.session.commit()
    return show_link(partner, token)


@bp.route("/reuse/partners/<int:partner_id>/deactivate", methods=["POST"])
@role_required(*access.PARTNER_KEEPERS)
def deactivate(partner_id: int):
    """Shut the partner's link and feeds; the partner stays in the directory."""
    return _set_active(partner_id, False, _("The partner's link is shut."))


@bp.route("/reuse/partners/<int:partner_id>/activate", methods=["POST"])
@role_required(*access.PARTNER_KEEPERS)
def activate(partner_id: int):
    return _set_active(partner_id, True, _("The partner's link works again."))


def _set_active(partner_id: int, active: bool, done: str):
    partner = partner_or_404(partner_id)
    if ConfirmForm().validate_on_submit():
        was = partner.active
        partners.set_active(db.session, partner, active)
        if was != active:
            action = AuditAction.PARTNER_LINK_REOPENED if active else AuditAction.PARTNER_LINK_SHUT
            audit(action, partner_target(partner), before={"active": was}, after={"active": active})
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".directory"))


@bp.route("/reuse/interests/<int:interest_id>/handled", methods=["POST"])
@login_required
def interest_handled(interest_id: int):
    """The listing's owners mark an outsider's interest as dealt with."""
    interest = db.session.get(Interest, interest_id)
    if interest is None or not access.may_see(current_user, interest.listing):
        abort(404)
    if not access.may_see_interests(current_user, interest.listing):
        abort(403)
    back = url_for("reuse.listing", listing_id=interest.listing_id)
    if ConfirmForm().validate_on_submit():
        interests.mark_handled(db.session, interest, now=utcnow())
        db.session.commit()
    return redirect(back + "#interests")
