"""What labels and scanning keep: printer profiles, pre-printed codes, scans and stocktakes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import kept_messages
from app.db_types import UTCDateTime
from app.extensions import db
from app.folding import keeps_key, key_column
from app.timeutil import utcnow
from inventory.models import Item, Storeroom, enum_column


class PrinterProfile(db.Model):
    """A printer's correction for one label format, saved once instead of wasting sheets."""

    __tablename__ = "printer_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = key_column(100)  # app/folding.py
    format: Mapped[str] = mapped_column(String(20))
    offset_x: Mapped[float] = mapped_column(default=0.0)  # mm, positive moves right
    offset_y: Mapped[float] = mapped_column(default=0.0)  # mm, positive moves down
    scale: Mapped[float] = mapped_column(default=1.0)

    __table_args__ = (
        Index("uq_printer_profiles_name_key", "organisation_id", "name_key", unique=True),
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.format})"


keeps_key(PrinterProfile.name, "name_key")


class ReservedTag(db.Model):
    """A tag taken from the sequence and printed before any item has it (pre-printed codes).

    Scanning one offers to register a new item with it or to attach it to an existing item;
    the row goes once the tag belongs to an item.
    """

    __tablename__ = "reserved_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(64))
    tag_key: Mapped[str] = key_column(64)
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reserved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (Index("uq_reserved_tags_tag_key", "tag_key", unique=True),)


keeps_key(ReservedTag.tag, "tag_key")


class ScanMode(enum.StrEnum):
    LOOKUP = "lookup"
    MOVE = "move"
    STOCKTAKE = "stocktake"


class ScanOutcome(enum.StrEnum):
    DONE = "done"  # applied: looked up, moved, counted
    UNCHANGED = "unchanged"  # nothing to do (already there, already counted)
    CONFLICT = "conflict"  # someone changed the item after this (offline) scan; not applied
    NOT_FOUND = "not_found"
    REFUSED = "refused"  # not allowed, or the item cannot be moved (disposed)


class Stocktake(db.Model):
    """A count of one storeroom by scanning; the report is kept when it is finished."""

    __tablename__ = "stocktakes"
    id: Mapped[int] = mapped_column(primary_key=True)
    storeroom_id: Mapped[int] = mapped_column(ForeignKey("storerooms.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # At finish: {"seen": [item ids], "missing": [...], "unexpected": [...]}.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    storeroom: Mapped[Storeroom] = relationship()
    started_by = relationship("User")

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class Scan(db.Model):
    """One scan as it happened, online or queued offline: applied once, in scan order."""

    __tablename__ = "scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))  # the browser's id: a resend is a no-op
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    mode: Mapped[ScanMode] = enum_column(ScanMode)
    storeroom_id: Mapped[int | None] = mapped_column(ForeignKey("storerooms.id"))
    stocktake_id: Mapped[int | None] = mapped_column(ForeignKey("stocktakes.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[ScanOutcome] = enum_column(ScanOutcome)
    # The message's msgid, with its parameters beside it (app/kept_messages.py); rows from
    # before hold the text itself and no parameters.
    message: Mapped[str] = mapped_column(String(300), default="")
    message_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # For a move: where the item was before, so the last move can be undone.
    moved_from: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    item: Mapped[Item | None] = relationship()
    storeroom: Mapped[Storeroom | None] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "client_id", name="uq_scans_user_client"),)

    def say(self, message: object) -> None:
        """Keep `message` (made with `_l`) to be put in words when it is read."""
        self.message, self.message_params = kept_messages.kept(message)

    @property
    def text(self) -> str:
        """The message in the reader's language."""
        return kept_messages.read(self.message, self.message_params)
