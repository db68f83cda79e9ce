"""What an import keeps: the uploaded file as a batch, what each row did, remembered mappings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import Item, enum_column


class BatchStatus(enum.StrEnum):
    PREVIEW = "preview"  # uploaded, checked, nothing written yet
    COMMITTED = "committed"
    UNDONE = "undone"


class BatchAction(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"


class JobKind(enum.StrEnum):
    CHECK = "check"  # read the file and work out the preview
    COMMIT = "commit"
    UNDO = "undo"


class ImportBatch(db.Model):
    """One uploaded spreadsheet: the file itself (and its sha256), mapping, options, counts."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size_bytes: Mapped[int] = mapped_column(default=0)
    sheet: Mapped[str | None] = mapped_column(String(100))
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    mapping: Mapped[list[str]] = mapped_column(JSON, default=list)
    create_missing: Mapped[bool] = mapped_column(default=False)
    all_or_nothing: Mapped[bool] = mapped_column(default=False)
    fill_merged: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What the user chose in the preview for the file's values: kind -> folded value -> an id
    # of ours or "new" (imports/resolve.py); kept as ValueChoice rows when the file is imported.
    value_choices: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    status: Mapped[BatchStatus] = enum_column(BatchStatus, default=BatchStatus.PREVIEW)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    refused: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # rows not written
    undo_report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the last check found (counts, errors, first rows as saved), shown by the batch page.
    preview: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The background job working on the batch (imports/jobs.py): None when there is none.
    job: Mapped[str | None] = mapped_column(String(16))  # a JobKind
    job_token: Mapped[str | None] = mapped_column(String(32))  # the task that may run it
    job_stage: Mapped[str | None] = mapped_column(String(16))
    job_done: Mapped[int] = mapped_column(default=0, server_default="0")
    job_total: Mapped[int] = mapped_column(default=0, server_default="0")
    job_beat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    job_error: Mapped[str | None] = mapped_column(Text)

    uploaded_by = relationship("User")
    items: Mapped[list[BatchItem]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", passive_deletes=True
    )


class BatchItem(db.Model):
    """What a batch did to one item, with the values it replaced, so the batch can be undone."""

    __tablename__ = "import_batch_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[BatchAction] = enum_column(BatchAction)
    row: Mapped[int] = mapped_column(default=0)  # the row in the file
    version_after: Mapped[int] = mapped_column(default=1)  # touched since, if it moved on
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    batch: Mapped[ImportBatch] = relationship(back_populates="items")
    item: Mapped[Item | None] = relationship()


class SavedMapping(db.Model):
    """A mapping confirmed once, offered again for a file with the same headers."""

    __tablename__ = "import_mappings"
    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), unique=True)
    mapping: Mapped[list[str]] = mapped_column(JSON, default=list)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ValueChoice(db.Model):
    """What a value of a file means in ours, as a user chose it in a preview ("Facility" is the
    department Facilities), offered again when a later file uses the same value."""

    __tablename__ = "import_value_choices"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # department, site, storeroom, category...
    key: Mapped[str] = mapped_column(String(450))  # the folded value (a storeroom's: site/name)
    choice: Mapped[str] = mapped_column(String(32))  # an id of ours; a condition's value
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "key"),)
