"""Recording an event from a web request: the actor is the logged-in user unless another is
named, the address is the client's as the proxy settings allow (TRUSTED_PROXIES)."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from app.audit.models import AuditAction, AuditEvent, AuditObject
from app.audit.record import State, Target, record_change, record_event, user_target
from app.auth.models import User
from app.auth.services import find_user_by_email, normalise_email
from app.extensions import db
from app.timeutil import utcnow


def _actor(actor: User | None) -> User | None:
    if actor is not None:
        return actor
    return current_user._get_current_object() if current_user.is_authenticated else None


def audit(
    action: AuditAction,
    target: Target,
    *,
    before: State | None = None,
    after: State | None = None,
    actor: User | None = None,
) -> AuditEvent:
    """Record an event of this request in its transaction; `actor` defaults to the user
    logged in (or nobody)."""
    return record_event(
        db.session,
        action,
        target,
        actor=_actor(actor),
        remote_addr=request.remote_addr,
        now=utcnow(),
        before=before,
        after=after,
    )


def audit_change(
    action: AuditAction, target: Target, before: State, after: State
) -> AuditEvent | None:
    """Record the values that differ between two states of this request's change, if any."""
    return record_change(
        db.session,
        action,
        target,
        before,
        after,
        actor=_actor(None),
        remote_addr=request.remote_addr,
        now=utcnow(),
    )


def audit_login(email: str, user: User | None) -> AuditEvent:
    """Record a login attempt: a success as its user, a failure as nobody, about the account
    the address typed names (if there is one)."""
    if user is not None:
        return audit(AuditAction.LOGIN_SUCCEEDED, user_target(user), actor=user)
    named = find_user_by_email(db.session, email)
    target = Target(AuditObject.USER, named.id if named else None, normalise_email(email))
    return audit(AuditAction.LOGIN_FAILED, target)
