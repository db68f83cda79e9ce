"""Transfer requests: a department asking for (part of) a listing, and how it travels.

Approving reserves the quantity with a compare-and-set on the listing, so two approvals can
never both take the last unit; handover moves the item (or a split part) to the requester.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import Department, Item, Storeroom, state_column
from reuse.listings.models import Listing
from reuse.requests.states import RequestStatus


class HandoverMode(enum.StrEnum):
    """How an approved request travels: the requester fetches it, or the owner brings it."""

    COLLECT = "collect"
    DELIVER = "deliver"


class TransferRequest(db.Model):
    """A department asking for (part of) a listing; decided by the owner's manager."""

    __tablename__ = "transfer_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quantity: Mapped[int] = mapped_column()
    needed_by: Mapped[date | None] = mapped_column(Date)
    deliver_to_id: Mapped[int | None] = mapped_column(ForeignKey("storerooms.id"))
    deliver_place: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = state_column(
        RequestStatus, "status_known", default=RequestStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_message: Mapped[str] = mapped_column(Text, default="")
    # The handover, set on approval: when, who carries it, from where.
    handover_on: Mapped[date | None] = mapped_column(Date)
    carrier: Mapped[str] = mapped_column(String(200), default="")
    handover_mode: Mapped[HandoverMode | None] = state_column(HandoverMode, "handover_mode_known")
    handover_from: Mapped[str] = mapped_column(String(300), default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)

    listing: Mapped[Listing] = relationship(back_populates="requests")
    department: Mapped[Department] = relationship()
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    deliver_to: Mapped[Storeroom | None] = relationship()
    received_item: Mapped[Item | None] = relationship(foreign_keys=[received_item_id])

    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        # One live request per department and listing: a double click requests once.
        Index(
            "uq_transfer_requests_live",
            "listing_id",
            "department_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'approved')"),
            postgresql_where=text("status IN ('pending', 'approved')"),
        ),  # fmt: skip
    )
