"""Admin pages: invite, edit, deactivate users and issue password-reset links."""

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from app.audit.models import AuditAction
from app.audit.record import LOCKED, UNLOCKED, user_state, user_target
from app.audit.web import audit, audit_change
from app.auth import services, throttle
from app.auth.forms import UserForm
from app.auth.models import User
from app.auth.roles import ROLE_LABELS, Role, role_required
from app.extensions import db
from app.templating import public_url
from app.timeutil import utcnow
from inventory.models import Department
from inventory.queries import departments

bp = Blueprint("admin", __name__, url_prefix="/admin")
security_log = logging.getLogger("reshelf.security")
ACTIVE, INACTIVE = {"active": True}, {"active": False}


def user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def user_form(obj: User | None = None) -> UserForm:
    form = UserForm(obj=obj)
    form.department_id.choices = [
        SelectChoice(d.id, d.name) for d in db.session.scalars(departments())
    ]
    form.role.choices = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    return form


def is_last_admin(user: User) -> bool:
    admins = select(func.count()).where(User.role == Role.ADMIN, User.is_active_account.is_(True))
    return user.role == Role.ADMIN and db.session.scalar(admins) <= 1


def password_link(user: User, purpose: str) -> str:
    token = services.issue_password_token(
        db.session,
        user,
        purpose=purpose,
        now=utcnow(),
        lifetime=current_app.config["PASSWORD_TOKEN_LIFETIME"],
    )
    return public_url("auth.set_password", token=token)


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    """List every account."""
    rows = db.session.scalars(select(User).order_by(User.email_key)).all()
    locked = throttle.locked_accounts(
        db.session, throttle=throttle.Throttle.from_config(current_app.config), now=utcnow()
    )
    return render_template("admin/users.html", users=rows, locked=locked)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite_user():
    """Create an account and show the one-time link with which its owner sets a password."""
    form = user_form()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                db.session,
                form.email.data,
                role=Role(form.role.data),
                name=form.name.data,
                department=db.session.get(Department, form.department_id.data),
                language=form.language.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            link = password_link(user, "invite")
            state = {**user_state(db.session, user), "invited": True}
            audit(AuditAction.USER_CREATED, user_target(user), after=state)
            db.session.commit()
            return render_template("admin/password_link.html", user=user, link=link, invited=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    """Change a user's email, name, role, department or language."""
    user = user_or_404(user_id)
    form = user_form(user)
    if form.validate_on_submit():
        new_role = Role(form.role.data)
        email = services.normalise_email(form.email.data)
        other = services.find_user_by_email(db.session, email)
        if other is not None and other.id != user.id:
            form.email.errors.append(_("Another account uses this email."))
        elif new_role != Role.ADMIN and is_last_admin(user):
            form.role.errors.append(_("This is the last admin; make someone else admin first."))
        else:
            before = user_state(db.session, user)
            if new_role != user.role or form.department_id.data != user.department_id:
                user.end_sessions()  # a changed role takes effect at once, on every device
            user.email, user.name, user.role = email, (form.name.data or "").strip(), new_role
            user.department_id, user.language = form.department_id.data, form.language.data
            security_log.info("user edited", extra={"user_id": user.id, "by": current_user.id})
            after = user_state(db.session, user)
            audit_change(AuditAction.USER_CHANGED, user_target(user), before, after)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def deactivate_user(user_id: int):
    """Stop a user from logging in and end their sessions; their history stays."""
    user = user_or_404(user_id)
    if user.id == current_user.id or is_last_admin(user):
        flash(_("You cannot deactivate yourself or the last admin."), "error")
        return redirect(url_for("admin.users"))
    if user.is_active_account:
        user.is_active_account = False
        audit(AuditAction.USER_DEACTIVATED, user_target(user), before=ACTIVE, after=INACTIVE)
    user.end_sessions()
    security_log.info("user deactivated", extra={"user_id": user.id, "by": current_user.id})
    db.session.commit()
    flash(_("%(email)s can no longer log in.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@role_required(Role.ADMIN)
def activate_user(user_id: int):
    """Let a deactivated user log in again."""
    user = user_or_404(user_id)
    if not user.is_active_account:
        user.is_active_account = True
        audit(AuditAction.USER_REACTIVATED, user_target(user), before=INACTIVE, after=ACTIVE)
    security_log.info("user activated", extra={"user_id": user.id, "by": current_user.id})
    db.session.commit()
    flash(_("%(email)s can log in again.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@role_required(Role.ADMIN)
def unlock_user(user_id: int):
    """Open an account that failed logins from many addresses have locked."""
    user = user_or_404(user_id)
    if services.unlock_account(db.session, user, by=current_user):
        audit(AuditAction.ACCOUNT_UNLOCKED, user_target(user), before=LOCKED, after=UNLOCKED)
    db.session.commit()
    flash(_("%(email)s can log in again.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    """Issue a one-time link with which the user sets a new password."""
    user = user_or_404(user_id)
    link = password_link(user, "reset")
    audit(AuditAction.PASSWORD_RESET_REQUESTED, user_target(user))
    db.session.commit()
    return render_template("admin/password_link.html", user=user, link=link, invited=False)
