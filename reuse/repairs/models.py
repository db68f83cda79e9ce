"""Repair jobs and their parts and labour.

A job belongs to an item (inventory's `Item`); the core knows nothing of repairs. When a job
is returned, the figures the savings report adds up (the replacement value avoided, the cost,
the weight kept out of waste) are written on it, snapshots as the report's other rows are, so
a category revalued next year does not rewrite this year's savings.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import Item, Money, enum_column, state_column
from reuse.outside.models import Partner
from reuse.repairs.states import CLOSED, RepairStatus


class RepairPlace(enum.StrEnum):
    IN_PLACE = "in_place"  # where the item stands
    WORKSHOP = "workshop"  # the organisation's own workshop
    PARTNER = "partner"  # a partner of the directory (a social enterprise, a repair shop)


class RepairOutcome(enum.StrEnum):
    """Where a repaired item goes."""

    TO_STOCK = "to_stock"
    TO_LISTING = "to_listing"  # back to its listing, still offered
    AID_CYCLE = "aid_cycle"  # on in the aid cycle: the aid's inspection moves it on


class LineKind(enum.StrEnum):
    PART = "part"
    LABOUR = "labour"


class RepairJob(db.Model):
    __tablename__ = "repair_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    # The item's department and category when sent: whose savings a repair is.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    quantity: Mapped[int] = mapped_column(default=1)
    fault: Mapped[str] = mapped_column(Text)
    estimated_cost: Mapped[Decimal | None] = mapped_column(Money)
    quoted_cost: Mapped[Decimal | None] = mapped_column(Money)
    quote_note: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[RepairPlace] = enum_column(RepairPlace)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    status: Mapped[RepairStatus] = state_column(
        RepairStatus, "status_known", default=RepairStatus.SENT
    )
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # in this state
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    quoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    repaired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    written_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[RepairOutcome | None] = state_column(RepairOutcome, "outcome_known")
    write_off_reason: Mapped[str] = mapped_column(Text, default="")
    # The partner's secret link: only its sha256 is kept; None when revoked or never made.
    link_hash: Mapped[str | None] = mapped_column(String(64))
    link_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Snapshots written on return, for the savings report.
    value_avoided: Mapped[Decimal | None] = mapped_column(Money)
    repair_cost: Mapped[Decimal | None] = mapped_column(Money)
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[Item] = relationship()
    partner: Mapped[Partner | None] = relationship()
    created_by = relationship("User")
    lines: Mapped[list[RepairLine]] = relationship(
        back_populates="job", order_by="RepairLine.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("place != 'partner' OR partner_id IS NOT NULL", name="partner_named"),
        # One open job per item: sending it twice (a double click) cannot make two.
        Index(
            "uq_repair_jobs_open_item",
            "item_id",
            unique=True,
            sqlite_where=text("status NOT IN ('returned', 'written_off')"),
            postgresql_where=text("status NOT IN ('returned', 'written_off')"),
        ),
        Index("uq_repair_jobs_link_hash", "link_hash", unique=True),
    )

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    @property
    def lines_cost(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal("0.00"))

    @property
    def cost(self) -> Decimal | None:
        """What the repair costs: the parts and labour recorded, else the quote, else the
        estimate."""
        if self.lines:
            return self.lines_cost
        return self.quoted_cost if self.quoted_cost is not None else self.estimated_cost


class RepairLine(db.Model):
    """A part used or labour done, recorded by the organisation or by the partner."""

    __tablename__ = "repair_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("repair_jobs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LineKind] = enum_column(LineKind)
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))  # hours of labour, or parts
    cost: Mapped[Decimal] = mapped_column(Money)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the partner
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[RepairJob] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
    )
