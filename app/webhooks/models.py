"""A webhook (a URL and the events it wants) and its deliveries, one row per event sent."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import state_column


class WebhookEvent(enum.StrEnum):
    ITEM_MOVED = "item.moved"
    LISTING_OFFERED = "listing.offered"
    LISTING_CLOSED = "listing.closed"
    TRANSFER_HANDED_OVER = "transfer.handed_over"
    IMPORT_COMMITTED = "import.committed"


PING = "ping"  # the test event a manager sends from the page, to that one hook only


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt or for its next one
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed; no more are made


class Webhook(db.Model):
    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)  # WebhookEvent values
    # Kept as it is, unlike an API token's: each delivery is signed with it (an HMAC needs
    # the key itself), so a hash of it would be of no use. It is shown once, when made.
    secret: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()
    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="webhook", cascade="all, delete-orphan", passive_deletes=True
    )

    def wants(self, event: str) -> bool:
        return event in (self.events or [])


class WebhookDelivery(db.Model):
    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = state_column(
        DeliveryStatus, "status_known", default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)  # POSTs started, the one under way too
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None once done
    last_status_code: Mapped[int | None]
    last_answer: Mapped[str] = mapped_column(String(500), default="")  # or the error
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")

    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
    )
