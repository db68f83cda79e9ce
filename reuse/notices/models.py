"""Notifications: an inbox row per user and event, and the e-mail it may become.

The row is written in the same transaction as the change it reports, and is what the mailer
sends from after commit (an outbox): a rolled-back approval leaves neither a row nor a mail.
Its text is rendered from `kind` and `params` when shown, in the reader's language.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import enum_column


class MailState(enum.StrEnum):
    NONE = "none"  # not to be mailed (no SMTP configured, or no address)
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(db.Model):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="SET NULL"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("transfer_requests.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_state: Mapped[MailState] = enum_column(MailState, default=MailState.NONE, index=True)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)
