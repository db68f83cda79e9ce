"""Personal access tokens for the API: made and revoked by their user, stored hashed.

A token is a random secret shown once. Only its SHA-256 is kept: the secret has 256 bits of
randomness, so a fast hash is enough (a slow one, as for passwords, protects guessable
secrets) and lets a request find its token by an indexed lookup. A token acts as its user,
with their role and department; its scope narrows that to reading or allows writing too.

Each use counts against the token's window of requests (see `take_request`), in the database
so that every app server behind a load balancer shares one count.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, case, literal, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.audit.models import AuditObject
from app.audit.record import Target
from app.auth.models import User
from app.db_types import UTCDateTime
from app.extensions import db
from inventory.models import enum_column

PREFIX = "rs_"  # lets secret scanners (and people) recognise a Reshelf token
SHOWN_CHARACTERS = 8  # of the secret after the prefix, kept to tell one's tokens apart


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


SCOPE_LABELS = {
    TokenScope.READ: _l("Read only"),
    TokenScope.WRITE: _l("Read and write"),
}


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[TokenScope] = enum_column(TokenScope)
    secret_hash: Mapped[str] = mapped_column(String(64))
    shown: Mapped[str] = mapped_column(String(16))  # the secret's first characters
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The current window of the rate limit: when it started and how many requests it holds.
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_requests: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()

    __table_args__ = (Index("uq_api_tokens_secret_hash", "secret_hash", unique=True),)

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE


def hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made, with its secret: the only moment the secret is known."""

    token: ApiToken
    secret: str


def make_token(
    session: Session,
    user: User,
    *,
    name: str,
    scope: TokenScope,
    now: datetime,
    expires_at: datetime | None = None,
) -> NewToken:
    """Make a token for `user`; its secret is returned once and never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip()[:100] or str(_l("API token")),
        scope=scope,
        secret_hash=hashed(secret),
        shown=secret[: len(PREFIX) + SHOWN_CHARACTERS],
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return NewToken(token, secret)


def revoke_token(token: ApiToken, *, now: datetime) -> bool:
    """Revoke a token for good; False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    return True


def token_target(token: ApiToken) -> Target:
    """The token as the audit trail names it: its name and first characters, never more."""
    return Target(AuditObject.API_TOKEN, token.id, f"{token.name} ({token.shown}…)")


def find_token(session: Session, secret: str, *, now: datetime) -> ApiToken | None:
    """The usable token with this secret, whose user may still log in; otherwise None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == hashed(secret)))
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    return token


def tokens_of(user: User) -> select:
    """A user's tokens, newest first, revoked ones included (their history)."""
    return (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )


def take_request(
    session: Session, token: ApiToken, *, now: datetime, limit: int, window: timedelta
) -> int | None:
    """Count a request against the token's window and note its use; return the seconds to
    wait when the window is full, else None.

    One UPDATE decides, so two servers counting at once cannot both take the last request.
    A fixed window: it starts at the first request after the last one ended."""
    new_window = ApiToken.window_started_at.is_(None) | (ApiToken.window_started_at <= now - window)
    started, count = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(
            window_started_at=case(
                (new_window, literal(now, UTCDateTime())), else_=ApiToken.window_started_at
            ),
            window_requests=case((new_window, 1), else_=ApiToken.window_requests + 1),
            last_used_at=now,
        )
        .returning(ApiToken.window_started_at, ApiToken.window_requests)
        .execution_options(synchronize_session=False)
    ).one()
    if count <= limit:
        return None
    return max(1, int((started + window - now).total_seconds() + 0.999))
