"""What became of a listing, as the savings report counts it: one row per handover and closing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import Money


class ReuseOutcome(db.Model):
    """What became of (part of) a listing: a snapshot taken when it happened, so the savings
    report adds up the same everywhere and does not change when a category's figures do."""

    __tablename__ = "reuse_outcomes"
    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("listings.id", ondelete="SET NULL"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32), index=True)  # a Closing value but WITHDRAWN
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)  # giver
    receiving_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    quantity: Mapped[int] = mapped_column()
    value_avoided: Mapped[Decimal | None] = mapped_column(Money)  # replacement value x quantity
    co2e_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # category figure x quantity
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # kept out of waste, likewise
    revenue: Mapped[Decimal | None] = mapped_column(Money)  # sale price
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)
