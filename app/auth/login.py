"""Flask-Login wiring and the first-run gate."""

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import User
from app.auth.services import any_user_exists
from app.extensions import db, login_manager

# Reachable before the first admin exists.
OPEN_BEFORE_SETUP = {"auth.setup", "static", "vendor.vendor_file"}


def load_user(cookie_id: str) -> User | None:
    """Load the user from 'id:session_token'; a changed token means the session has ended."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def register_login(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = _l("Please log in again to continue.")
    login_manager.session_protection = "basic"

    @app.before_request
    def require_setup():
        """Send every page to the setup page until the first admin exists (the API answers
        for itself: without an account there is no token, so a 401)."""
        if request.endpoint in OPEN_BEFORE_SETUP or request.blueprint == "api":
            return None
        if current_user.is_authenticated:
            return None
        if not any_user_exists(db.session):
            return redirect(url_for("auth.setup"))
        return None
