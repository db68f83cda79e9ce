"""An import from upload to commit and undo, as plain functions the web pages and CLI share.

Uploading stores the file as a batch in preview (so the preview survives a page reload and the
file is kept with its sha256); the preview is worked out from the stored file each time;
committing writes it in the caller's transaction; undoing puts back what the batch changed
on items nobody has touched since.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from imports.commit import ImportRefused, commit_plan
from imports.mapping import check_mapping, guess_mapping, signature
from imports.models import BatchAction, BatchItem, BatchStatus, ImportBatch, SavedMapping
from imports.plan import Plan, plan_import
from imports.reading import Table, read_table
from inventory import services
from inventory.models import Category, Department, EventKind, Item, ItemStatus, Storeroom

if TYPE_CHECKING:
    from app.auth.models import User


def start_batch(
    session: Session, data: bytes, filename: str, *, user: User | None, sheet: str | None,
    now: datetime, max_rows: int,
) -> tuple[ImportBatch, Table]:  # fmt: skip
    """Read the file (ImportRejected if it cannot be) and keep it as a batch in preview."""
    table = read_table(data, filename, sheet=sheet, max_rows=max_rows)
    remembered = session.scalar(
        select(SavedMapping.mapping).where(SavedMapping.signature == signature(table.headers))
    )
    mapping = remembered if remembered and len(remembered) == len(table.headers) else None
    batch = ImportBatch(
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        size_bytes=len(data),
        sheet=table.sheet,
        headers=table.headers,
        mapping=mapping or guess_mapping(table.headers),
        uploaded_by_id=user.id if user else None,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    return batch, table


def earlier_import(session: Session, batch: ImportBatch) -> ImportBatch | None:
    """The same file, committed before: "already imported on … by …"."""
    return session.scalar(
        select(ImportBatch)
        .where(
            ImportBatch.sha256 == batch.sha256,
            ImportBatch.status == BatchStatus.COMMITTED,
            ImportBatch.id != batch.id,
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )


def table_of(batch: ImportBatch, *, max_rows: int) -> Table:
    return read_table(batch.data, batch.filename, sheet=batch.sheet, max_rows=max_rows)


def set_mapping(batch: ImportBatch, mapping: list[str]) -> list[str]:
    """Change the batch's mapping; the problems, if any, leave it as it was."""
    problems = check_mapping(batch.headers, mapping)
    if not problems:
        batch.mapping = list(mapping)
    return problems


def preview(session: Session, batch: ImportBatch, table: Table, *, user: User) -> Plan:
    return plan_import(session, table, batch.mapping, user=user,
                       create_missing=batch.create_missing)  # fmt: skip


def commit(
    session: Session, batch: ImportBatch, table: Table, *, user: User, now: datetime,
    tag_prefix: str, tag_digits: int,
) -> Plan:  # fmt: skip
    """Write the batch (ImportRefused: nothing written) and remember its mapping."""
    plan = preview(session, batch, table, user=user)
    commit_plan(session, batch, plan, user=user, now=now, tag_prefix=tag_prefix,
                tag_digits=tag_digits)  # fmt: skip
    key = signature(batch.headers)
    saved = session.scalar(select(SavedMapping).where(SavedMapping.signature == key))
    if saved is None:
        session.add(SavedMapping(signature=key, mapping=batch.mapping, saved_by_id=user.id,
                                 saved_at=now))  # fmt: skip
    else:
        saved.mapping, saved.saved_by_id, saved.saved_at = batch.mapping, user.id, now
    session.flush()
    return plan


def undo(session: Session, batch: ImportBatch, *, user: User, now: datetime) -> dict[str, list]:
    """Take a batch back: created items nobody touched since are removed, updated ones get
    their old values back; items changed since are left and named in the report."""
    if batch.status != BatchStatus.COMMITTED:
        raise ImportRefused(_l("Only an imported batch can be undone."))
    report: dict[str, list] = {"removed": [], "restored": [], "kept": []}
    for entry in session.scalars(
        select(BatchItem).where(BatchItem.batch_id == batch.id).order_by(BatchItem.id.desc())
    ):
        item = entry.item
        if item is None:
            continue
        if item.version != entry.version_after:
            report["kept"].append(item.tag)
        elif entry.action == BatchAction.CREATED:
            report["removed"].append(item.tag)
            session.delete(item)
        else:
            _restore(session, item, entry.before, user=user, now=now)
            report["restored"].append(item.tag)
    batch.status, batch.undone_at, batch.undo_report = BatchStatus.UNDONE, now, report
    session.flush()
    return report


def _restore(session: Session, item: Item, before: dict, *, user: User, now: datetime) -> None:
    changes = {}
    for name, old in before.get("fields", {}).items():
        if name in ("department", "category"):
            continue
        changes[name] = _typed(item, name, old)
    changes["department"] = session.get(Department, before["department_id"])
    changes["category"] = (
        session.get(Category, before["category_id"]) if before.get("category_id") else None
    )
    changes["extra"] = before.get("extra") or {}
    services.update_item(session, item, changes, expected_version=None, by=user, now=now,
                         event_kind=EventKind.EDITED)  # fmt: skip
    if item.storeroom_id != before.get("storeroom_id"):
        room = (
            session.get(Storeroom, before["storeroom_id"]) if before.get("storeroom_id") else None
        )
        services.move_item(session, item, room, place=before.get("place") or "-", by=user, now=now)
        if before.get("status") == ItemStatus.MISSING.value:
            services.mark_missing(session, item, by=user, now=now)


def _typed(item: Item, name: str, old):
    """A value from history JSON back in the column's type (dates, money, enums)."""
    column = Item.__table__.columns[name]
    if old is None:
        return None
    python_type = column.type.python_type
    if python_type is date:
        return date.fromisoformat(old)
    if python_type is Decimal:
        return Decimal(old)
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None:
        return enum_class(old)
    return old
