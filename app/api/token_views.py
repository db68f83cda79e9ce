"""The account page's API tokens: a user makes, sees and revokes their own."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.api.token_forms import TokenForm
from app.api.tokens import (
    SCOPE_LABELS,
    ApiToken,
    TokenScope,
    make_token,
    revoke_token,
    token_target,
    tokens_of,
)
from app.audit.models import AuditAction
from app.audit.web import audit
from app.extensions import db
from app.timeutil import utcnow

bp = Blueprint("tokens", __name__)


def token_page(form: TokenForm, secret: str | None = None, status: int = 200):
    tokens = db.session.scalars(tokens_of(current_user)).all()
    page = render_template(
        "api/tokens.html", form=form, tokens=tokens, secret=secret, now=utcnow(),
        scope_labels=SCOPE_LABELS,
    )  # fmt: skip
    return page, status


@bp.route("/account/tokens")
@login_required
def tokens():
    """The user's API tokens, and a form to make one."""
    return token_page(TokenForm())


@bp.route("/account/tokens", methods=["POST"])
@login_required
def make():
    """Make a token and show its secret, this once."""
    form = TokenForm()
    if not form.validate_on_submit():
        return token_page(form, status=400)
    now = utcnow()
    days = int(form.lifetime.data) if form.lifetime.data else None
    made = make_token(
        db.session, current_user, name=form.name.data, scope=TokenScope(form.scope.data), now=now,
        expires_at=now + timedelta(days=days) if days else None,
    )  # fmt: skip
    audit(AuditAction.TOKEN_CREATED, token_target(made.token),
          after={"scope": made.token.scope.value, "expires": str(made.token.expires_at or "")})  # fmt: skip
    db.session.commit()
    return token_page(TokenForm(formdata=None), secret=made.secret)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of one's own tokens; a script using it is refused from now on."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if revoke_token(token, now=utcnow()):
        audit(AuditAction.TOKEN_REVOKED, token_target(token))
        db.session.commit()
        flash(_("The token %(name)s is revoked.", name=token.name), "success")
    return redirect(url_for("tokens.tokens"))
