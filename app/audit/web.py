"""Recording an event from a web request: the actor is the logged-in user unless another is
named, the address is the client's as the proxy settings allow (TRUSTED_PROXIES)."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_login import current_user

from app.audit.models import AuditAction, AuditEvent, AuditObject
from app.audit.record import (
    LOCKED,
    UNLOCKED,
    State,
    Target,
    record_change,
    record_event,
    user_target,
)
from app.auth.models import User
from app.auth.services import find_user_by_email, normalise_email
from app.auth.throttle import LoginThrottled
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


def typed_account(email: str) -> Target:
    """The account an address typed at login names, if there is one; the address as typed
    (normalised) either way, so attempts at unknown accounts can be found too."""
    named = find_user_by_email(db.session, email)
    return Target(AuditObject.USER, named.id if named else None, normalise_email(email))


def audit_login(email: str, user: User | None) -> AuditEvent:
    """Record a login attempt: a success as its user, a failure as nobody, about the account
    the address typed names (if there is one)."""
    if user is not None:
        return audit(AuditAction.LOGIN_SUCCEEDED, user_target(user), actor=user)
    return audit(AuditAction.LOGIN_FAILED, typed_account(email))


def audit_throttled(email: str, throttled: LoginThrottled, *, now: datetime) -> None:
    """Record a login the throttle answered, as nobody. An attempt refused before its password
    was checked is a failure marked as refused, one row per attempt like any failure; a checked
    failure is a plain failure, and the account lock it set, if it set one, a row of its own.
    `now` is the moment the throttle judged by, from which the lock runs."""
    target = typed_account(email)
    if not throttled.counted:
        refused = "account locked" if throttled.account_locked else "throttled"
        audit(AuditAction.LOGIN_FAILED, target, after={"refused": refused})
        return
    audit(AuditAction.LOGIN_FAILED, target)
    if throttled.account_locked:
        until = (now + throttled.retry_after).isoformat(timespec="seconds")
        audit(AuditAction.ACCOUNT_LOCKED, target, before=UNLOCKED, after={**LOCKED, "until": until})
