"""Surplus listings that climb a ladder of audiences, and the organisation's reuse settings.

A listing offers (part of) an item. It starts with the owning department, then the whole
organisation, then partner organisations, then the public; each tier has a window, and only
when a window ends with nothing approved does the listing climb. Departments request it
(reuse/requests/models.py).
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import (
    Condition,
    Item,
    Money,
    enum_column,
    state_column,
)  # fmt: skip
from reuse.listings.states import ListingStatus

if TYPE_CHECKING:
    from reuse.requests.models import TransferRequest


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
