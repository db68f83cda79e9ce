"""Reuse: surplus listings that climb a ladder of audiences, and transfer requests for them.

A listing offers (part of) an item. It starts with the owning department, then the whole
organisation, then partner organisations, then the public; each tier has a window, and only
when a window ends with nothing approved does the listing climb. Departments request it;
approving reserves the quantity with a compare-and-set on the listing, so two approvals can
never both take the last unit; handover moves the item (or a split part) to the requester.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import (
    Condition,
    Department,
    Item,
    Money,
    Storeroom,
    enum_column,
    state_column,
)  # fmt: skip
from reuse.listing_states import ListingStatus
from reuse.request_states import RequestStatus


class Tier(enum.IntEnum):
    """Who may see a listing, narrowest first; a listing only ever climbs."""

    DEPARTMENT = 1  # the owning department (and the cross-department roles)
    ORGANISATION = 2  # everyone in the organisation
    PARTNERS = 3  # partner organisations, through their link or feeds
    PUBLIC = 4  # the public market


class Closing(enum.StrEnum):
    """How a listing ended. All but WITHDRAWN count as an outcome in the savings report."""

    TRANSFERRED = "transferred"  # handed over to another department
    GIVEN_AWAY = "given_away"
    SOLD = "sold"
    TO_PARTNER = "to_partner"  # sent to a repair or second-hand partner
    RECYCLED = "recycled"
    SCRAPPED = "scrapped"
    WITHDRAWN = "withdrawn"  # back to stock


def new_public_slug() -> str:
    """An opaque, unguessable name for a listing's public page: ids are never shown outside."""
    return secrets.token_urlsafe(12)


class ExternalMode(enum.StrEnum):
    """What the outside tiers may do with an organisation's surplus."""

    GIVE = "give"
    SELL = "sell"
    BOTH = "both"


class ReuseSettings(db.Model):
    """The ladder's windows and the rule for outside tiers; one row, made on first use."""

    __tablename__ = "reuse_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    department_days: Mapped[int] = mapped_column(default=0)
    organisation_days: Mapped[int] = mapped_column(default=14)
    partner_days: Mapped[int] = mapped_column(default=14)
    external_mode: Mapped[ExternalMode] = enum_column(ExternalMode, default=ExternalMode.BOTH)


class Listing(db.Model):
    __tablename__ = "listings"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column()  # offered; part of a lot is allowed
    reserved: Mapped[int] = mapped_column(default=0)  # taken by approved requests
    reason: Mapped[str] = mapped_column(Text, default="")
    condition: Mapped[Condition] = enum_column(Condition)
    collect_from: Mapped[str] = mapped_column(String(300), default="")
    asking_price: Mapped[Decimal | None] = mapped_column(Money)
    tier: Mapped[int] = mapped_column(default=Tier.DEPARTMENT, index=True)
    tier_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tier_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    status: Mapped[ListingStatus] = state_column(
        ListingStatus, "status_known", default=ListingStatus.OPEN
    )
    closing: Mapped[Closing | None] = state_column(Closing, "closing_known")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sale_price: Mapped[Decimal | None] = mapped_column(Money)  # when closed as sold
    closed_to: Mapped[str] = mapped_column(String(200), default="")  # who received it outside
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    public_slug: Mapped[str] = mapped_column(String(24), default=new_public_slug)

    item: Mapped[Item] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    partner = relationship("Partner")
    requests: Mapped[list[TransferRequest]] = relationship(
        back_populates="listing", order_by="TransferRequest.id"
    )

    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("reserved >= 0 AND reserved <= quantity", name="reserved_within"),
        # One open listing per item: flagging twice (a double click) cannot make two.
        Index(
            "uq_listings_open_item",
            "item_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),  # fmt: skip
        Index("uq_listings_public_slug", "public_slug", unique=True),
    )

    @property
    def available(self) -> int:
        return self.quantity - self.reserved

    @property
    def is_open(self) -> bool:
        return self.status == ListingStatus.OPEN


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
