"""Login, logout, first-run setup and the user's own account."""

import math

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.audit.models import AuditAction
from app.audit.record import user_state, user_target
from app.audit.web import audit, audit_change, audit_login, audit_throttled
from app.auth import services
from app.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    PreferencesForm,
    SetPasswordForm,
    SetupForm,
)
from app.extensions import db
from app.formats import LOCAL_CURRENCY, known_currency, organisation_currency
from app.i18n import language_not_spoken
from app.security import is_safe_next
from app.timeutil import utcnow

bp = Blueprint("auth", __name__)


def throttle_from_config() -> services.Throttle:
    return services.Throttle.from_config(current_app.config)


def throttled_message(throttled: services.LoginThrottled) -> str:
    if throttled.account_locked:
        return _("This account is locked after too many failed logins. Ask an admin to unlock it.")
    minutes = max(1, math.ceil(throttled.retry_after.total_seconds() / 60))
    return ngettext(
        "Too many attempts from here; try again in %(num)d minute.",
        "Too many attempts from here; try again in %(num)d minutes.",
        minutes,
    )


def start_session(user, *, remember: bool) -> None:
    """Log in with a fresh session, so nothing planted before login is carried over."""
    session.clear()
    login_user(user, remember=remember)
    session.permanent = True


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Name the organisation and create the first admin; only while no user exists."""
    if services.any_user_exists(db.session):
        return redirect(url_for("inventory.home"))
    form = SetupForm()
    if not form.is_submitted():
        form.currency.data = LOCAL_CURRENCY.get(str(get_locale()), "SEK")
    if form.validate_on_submit():
        try:
            user = services.set_up_organisation(
                db.session,
                organisation_name=form.organisation.data,
                department_name=form.department.data,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                currency=form.currency.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            state = user_state(db.session, user)
            audit(AuditAction.USER_CREATED, user_target(user), after=state, actor=user)
            db.session.commit()
            start_session(user, remember=False)
            flash(_("Welcome to Reshelf. Start by adding sites and storerooms."), "success")
            return redirect(url_for("places.sites"))
    return render_template("auth/setup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password; failed attempts are throttled."""
    next_url = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("inventory.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = services.authenticate(
                db.session,
                form.email.data,
                form.password.data,
                ip=request.remote_addr or "",
                throttle=throttle_from_config(),
                now=now,
            )
        except services.LoginThrottled as throttled:
            audit_throttled(form.email.data, throttled, now=now)
            db.session.commit()  # a failure counted before the refusal is kept
            form.password.errors.append(throttled_message(throttled))
            status = 429
        else:
            audit_login(form.email.data, user)
            db.session.commit()
            if user is not None:
                start_session(user, remember=form.remember.data)
                return redirect(next_url if is_safe_next(next_url) else url_for("inventory.home"))
            form.password.errors.append(_("Wrong email or password."))
    return render_template("auth/login.html", form=form, next=next_url), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out here and everywhere else, so a copied session cookie is worthless."""
    audit(AuditAction.LOGGED_OUT, user_target(current_user))
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Change one's own name, language and password."""
    preferences = PreferencesForm(prefix="pref", obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if "pref-language" in request.form and preferences.validate_on_submit():
        before = user_state(db.session, current_user)
        current_user.name = (preferences.name.data or "").strip()
        current_user.language = preferences.language.data
        after = user_state(db.session, current_user)
        audit_change(AuditAction.USER_CHANGED, user_target(current_user), before, after)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    if "pw-password" in request.form and password_form.validate_on_submit():
        if not current_user.check_password(password_form.current.data):
            password_form.current.errors.append(_("That is not your current password."))
        else:
            services.set_password(current_user, password_form.password.data)
            audit(AuditAction.PASSWORD_CHANGED, user_target(current_user))
            db.session.commit()
            start_session(current_user._get_current_object(), remember=False)
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("auth.account"))
    currency = organisation_currency()
    return render_template(
        "auth/account.html",
        preferences=preferences,
        password_form=password_form,
        language_not_spoken=language_not_spoken(),
        unknown_currency=None if not currency or known_currency(currency) else currency,
    )


@bp.route("/account/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Set a password through a one-time invitation or reset link."""
    record = services.find_password_token(db.session, token, now=utcnow())
    if record is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.use_password_token(db.session, token, form.password.data, now=utcnow())
        except services.AccountError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            done = AuditAction.PASSWORD_RESET_DONE
            if record.purpose == "invite":
                done = AuditAction.INVITATION_ACCEPTED
            audit(done, user_target(user), actor=user)
            db.session.commit()
            start_session(user, remember=False)
            flash(_("Your password is set."), "success")
            return redirect(url_for("inventory.home"))
    return render_template("auth/set_password.html", form=form, user=record.user)
