"""Account operations. They flush and never commit: the caller owns the transaction."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth import throttle as throttle_rules
from app.auth.models import PasswordToken, User
from app.auth.roles import Role
from app.auth.throttle import LoginThrottled, Throttle  # noqa: F401 (the login view's)
from app.folding import folded
from inventory.models import Department, Organisation

security_log = logging.getLogger("reshelf.security")

MIN_PASSWORD_LENGTH = 10
# Checked against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


EXPIRED_LINK = _l("This link has expired or was already used. Ask an admin for a new one.")


class AccountError(Exception):
    """A request about accounts that cannot be carried out; the message is for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email_key == folded(normalise_email(email))))


def any_user_exists(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def authenticate(
    session: Session, email: str, password: str, *, ip: str, throttle: Throttle, now: datetime
) -> User | None:
    """Return the user for these credentials, or None; count failures and refuse when throttled.

    Raises LoginThrottled when this account and address must wait or the account is locked
    (before the password is checked), or when the failure just counted starts a wait; the
    caller commits in every case. The rules, and why they cannot lock the real user out, are
    in app.auth.throttle.
    """
    email, network = normalise_email(email), throttle_rules.network_key(ip)
    throttle_rules.refuse_if_throttled(session, email, network, throttle=throttle, now=now)
    user = find_user_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not user.check_password(password) or not user.is_active:
        security_log.warning("login failed", extra={"email": email, "ip": ip})
        throttle_rules.count_failure(session, email, network, user=user, throttle=throttle, now=now)
        return None
    throttle_rules.count_success(session, email, network, throttle=throttle, now=now)
    user.last_login_at = now
    security_log.info("login succeeded", extra={"user_id": user.id, "ip": ip})
    return user


def unlock_account(session: Session, user: User, *, by: User | None) -> bool:
    """Open an account locked by failed logins from many addresses; True if it was locked.
    `by` is the admin, or None from the command line."""
    unlocked = throttle_rules.unlock(session, normalise_email(user.email))
    if unlocked:
        security_log.info(
            "account unlocked", extra={"user_id": user.id, "by": by.id if by else "command line"}
        )
    return unlocked


def create_user(
    session: Session,
    email: str,
    *,
    role: Role,
    department: Department,
    name: str = "",
    password: str | None = None,
    language: str = "",
) -> User:
    """Create an account; without a password it can only be entered through an invite link."""
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError(_l("Enter a valid email address."))
    if find_user_by_email(session, email) is not None:
        raise AccountError(_l("An account for %(email)s already exists.", email=email))
    user = User(email=email, name=name.strip(), role=role, department=department, language=language)
    if password is not None:
        check_password_strength(password)
        user.set_password(password)
    session.add(user)
    session.flush()
    security_log.info("user created", extra={"user_id": user.id, "role": str(role)})
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password and end the user's other sessions."""
    check_password_strength(password)
    user.set_password(password)
    user.end_sessions()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_token(
    session: Session, user: User, *, purpose: str, now: datetime, lifetime: timedelta
) -> str:
    """Create a one-time set-password link token and return it; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordToken(
            user=user,
            token_hash=_hash_token(token),
            purpose=purpose,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    security_log.info("password link issued", extra={"user_id": user.id, "purpose": purpose})
    return token


def find_password_token(session: Session, token: str, *, now: datetime) -> PasswordToken | None:
    """Return the unused, unexpired token record for `token`, or None."""
    record = session.scalar(
        select(PasswordToken).where(PasswordToken.token_hash == _hash_token(token))
    )
    if record is None or record.used_at is not None or record.expires_at <= now:
        return None
    return record


def use_password_token(session: Session, token: str, password: str, *, now: datetime) -> User:
    """Set the password through a one-time link. Two concurrent uses: only one succeeds."""
    check_password_strength(password)
    record = find_password_token(session, token, now=now)
    if record is None:
        raise AccountError(EXPIRED_LINK)
    claimed = session.execute(
        update(PasswordToken)
        .where(PasswordToken.id == record.id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise AccountError(EXPIRED_LINK)
    set_password(record.user, password)
    session.flush()
    security_log.info("password set by link", extra={"user_id": record.user_id})
    return record.user


def set_up_organisation(
    session: Session,
    *,
    organisation_name: str,
    department_name: str,
    email: str,
    name: str,
    password: str,
    currency: str = "SEK",
) -> User:
    """Name the organisation and create its first department and admin, on first run only."""
    if any_user_exists(session):
        raise AccountError(_l("This installation is already set up."))
    session.add(Organisation(name=organisation_name.strip(), currency=currency))
    department = Department(name=department_name.strip())
    session.add(department)
    return create_user(
        session, email, role=Role.ADMIN, department=department, name=name, password=password
    )
