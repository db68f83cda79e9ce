"""The outside of the ladder: partner organisations and the interest outsiders register.

A partner reaches its tier through a secret link; only the link's hash is stored, so a copy
of the database does not hand out the links. Outsiders have no account: their interest is a
row with the contact details they typed, and the hash of their address for rate limiting.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import enum_column


class PartnerKind(enum.StrEnum):
    PUBLIC_BODY = "public_body"  # another municipality, region, school...
    SOCIAL_ENTERPRISE = "social_enterprise"
    SECOND_HAND = "second_hand"
    REPAIR = "repair"


class Partner(db.Model):
    """An organisation that sees the partner tier, kept in the partner directory."""

    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = enum_column(PartnerKind, default=PartnerKind.PUBLIC_BODY)
    town: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the link's secret
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __str__(self) -> str:
        return self.name


class Interest(db.Model):
    """An outsider (or a partner) saying they would like a listing; changes nothing else."""

    __tablename__ = "listing_interests"
    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    client_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the address
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing = relationship("Listing")
    partner: Mapped[Partner | None] = relationship()
