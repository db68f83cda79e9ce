"""Accounts: users, one-time password links, and the counters of failed logins."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.roles import CROSS_DEPARTMENT, Role
from app.db_types import UTCDateTime
from app.extensions import db
from app.folding import keeps_key, key_column
from app.timeutil import utcnow
from inventory.models import Department, enum_column


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = key_column(254)  # app/folding.py
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[Role] = enum_column(Role, default=Role.REQUESTER)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(8), default="")
    # Part of the login cookie: changing it logs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship()

    __table_args__ = (Index("uq_users_email_key", "email_key", unique=True),)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt by default

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this user."""
        self.session_token = new_session_token()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def works_across_departments(self) -> bool:
        return self.role in CROSS_DEPARTMENT

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __str__(self) -> str:
        return self.display_name


keeps_key(User.email, "email_key")


class PasswordToken(db.Model):
    """A one-time link to set a password (an invitation or a reset). Only its hash is kept."""

    __tablename__ = "password_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "invite" or "reset"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class CounterScope(enum.StrEnum):
    PAIR = "pair"  # one e-mail address from one network address
    ADDRESS = "address"  # one network address, across e-mail addresses
    ACCOUNT = "account"  # one e-mail address, from anywhere


class LoginCounter(db.Model):
    """Failed logins counted for a pair, an address or an account (app.auth.throttle).

    Kept in the database, so the throttle holds across workers and app servers; one row per
    key, so an attack grows no table. Unused fields of a key are '' (never NULL, which a
    unique constraint would let repeat).
    """

    __tablename__ = "login_counters"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[CounterScope] = enum_column(CounterScope)
    email: Mapped[str] = mapped_column(String(254), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # accounts only

    __table_args__ = (UniqueConstraint("scope", "email", "ip"),)
