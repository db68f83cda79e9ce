"""The demand side: wishes, watches, and the answers of "check before buying".

A wish (a category or words, perhaps a site) is matched against new listings while they are
still inside the organisation, so its owner hears of them before anyone outside. A buy check
records what someone found before buying new, so avoided purchases show in the report.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import Money, enum_column


class Wish(db.Model):
    __tablename__ = "wishes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    words: Mapped[str] = mapped_column(String(200), default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
    category = relationship("Category")
    site = relationship("Site")


class Watch(db.Model):
    """A user following one listing: its changes reach their inbox."""

    __tablename__ = "listing_watches"
    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("listing_id", "user_id"),)


class BuyCheckOutcome(enum.StrEnum):
    FOUND_REQUESTED = "found_requested"  # found something and asked for it
    NOTHING_SUITABLE = "nothing_suitable"  # buying new is justified


class BuyCheck(db.Model):
    __tablename__ = "buy_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    words: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[int] = mapped_column(default=1)
    outcome: Mapped[BuyCheckOutcome] = enum_column(BuyCheckOutcome)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="SET NULL"))
    value_avoided: Mapped[Decimal | None] = mapped_column(Money)  # when found and requested
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    category = relationship("Category")
