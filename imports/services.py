"""An import from upload to commit and undo, as plain functions the web pages and CLI share.

Uploading stores the file as a batch in preview (so the preview survives a page reload and the
file is kept with its sha256); checking reads it and keeps a summary of the preview on the
batch; committing works the preview out again from the stored file;
committing writes it in the caller's transaction; undoing puts back what the batch changed
on items nobody has touched since.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from imports.commit import ImportRefused, commit_plan
from imports.mapping import check_mapping, guess_mapping, signature
from imports.models import BatchAction, BatchItem, BatchStatus, ImportBatch, SavedMapping
from imports.plan import Plan, plan_import
from imports.preview import summary
from imports.progress import Progress
from imports.reading import Table, read_table
from imports.value_choices import remember_choices
from inventory import item_records, whereabouts
from inventory.models import Category, Department, EventKind, Item, ItemStatus, Storeroom

if TYPE_CHECKING:
    from app.auth.models import User


def store_upload(
    session: Session, data: bytes, filename: str, *, user: User | None, now: datetime
) -> ImportBatch:
    """Keep an uploaded file as a batch in preview; it is read by `check`."""
    batch = ImportBatch(
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        size_bytes=len(data),
        headers=[],
        mapping=[],
        uploaded_by_id=user.id if user else None,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    return batch


def open_table(session: Session, batch: ImportBatch, *, max_rows: int) -> Table:
    """Read the batch's file (ImportRejected if it cannot be). A file read for the first time,
    or another of its sheets, gets the mapping remembered for its headers, or a guessed one."""
    table = table_of(batch, max_rows=max_rows)
    if table.headers != batch.headers or len(batch.mapping) != len(table.headers):
        remembered = session.scalar(
            select(SavedMapping.mapping).where(SavedMapping.signature == signature(table.headers))
        )
        usable = remembered and len(remembered) == len(table.headers)
        batch.headers = table.headers
        batch.mapping = remembered if usable else guess_mapping(table.headers)
    batch.sheet = table.sheet
    return table


def start_batch(
    session: Session, data: bytes, filename: str, *, user: User | None, sheet: str | None,
    now: datetime, max_rows: int, fill_merged: bool = False,
) -> tuple[ImportBatch, Table]:  # fmt: skip
    """Store and read a file in one go, as the command line does."""
    batch = store_upload(session, data, filename, user=user, now=now)
    batch.sheet, batch.fill_merged = sheet, fill_merged
    return batch, open_table(session, batch, max_rows=max_rows)


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
    """The batch's file read with its options (ImportRejected if it cannot be)."""
    return read_table(batch.data, batch.filename, sheet=batch.sheet, max_rows=max_rows,
                      fill_merged=batch.fill_merged)  # fmt: skip


def set_mapping(batch: ImportBatch, mapping: list[str]) -> list[str]:
    """Change the batch's mapping; the problems, if any, leave it as it was."""
    problems = check_mapping(batch.headers, mapping)
    if not problems:
        batch.mapping = list(mapping)
    return problems


def preview(
    session: Session, batch: ImportBatch, table: Table, *, user: User,
    progress: Progress | None = None,
) -> Plan:  # fmt: skip
    return plan_import(session, table, batch.mapping, user=user,
                       create_missing=batch.create_missing, choices=batch.value_choices,
                       progress=progress)  # fmt: skip


def check(
    session: Session, batch: ImportBatch, table: Table, *, user: User,
    progress: Progress | None = None,
) -> Plan:  # fmt: skip
    """Work out the preview of a table read by `open_table`, kept on the batch for its page."""
    if progress:
        progress("checking", 0, len(table.rows))
    plan = preview(session, batch, table, user=user, progress=progress)
    batch.preview = summary(table, plan, batch.mapping)
    return plan


def commit(
    session: Session, batch: ImportBatch, table: Table, *, user: User, now: datetime,
    tag_prefix: str, tag_digits: int, progress: Progress | None = None,
) -> Plan:  # fmt: skip
    """Write the batch (ImportRefused: nothing written) and remember its mapping.

    The batch's status is claimed first, with a conditional UPDATE in the same transaction as
    the write: of two commits of one batch (a double click, a job run again), the second waits
    for the first and then finds the batch imported."""
    if progress:
        progress("checking", 0, len(table.rows))
    plan = preview(session, batch, table, user=user, progress=progress)
    if progress:  # the last report until the write commits: SQLite has one writer
        progress("writing", 0, len(table.rows))
    claimed = session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == BatchStatus.PREVIEW)
        .values(status=BatchStatus.COMMITTED)
        .execution_options(synchronize_session=False)  # commit_plan sets it on the object
    )
    if claimed.rowcount != 1:
        raise ImportRefused(_l("This file was already imported."))
    commit_plan(session, batch, plan, user=user, now=now, tag_prefix=tag_prefix,
                tag_digits=tag_digits)  # fmt: skip
    key = signature(batch.headers)
    saved = session.scalar(select(SavedMapping).where(SavedMapping.signature == key))
    if saved is None:
        session.add(SavedMapping(signature=key, mapping=batch.mapping, saved_by_id=user.id,
                                 saved_at=now))  # fmt: skip
    else:
        saved.mapping, saved.saved_by_id, saved.saved_at = batch.mapping, user.id, now
    remember_choices(session, batch.value_choices or {}, user=user, now=now)
    session.flush()
    return plan


def undo(session: Session, batch: ImportBatch, *, user: User, now: datetime) -> dict[str, list]:
    """Take a batch back: created items nobody touched since are removed, updated ones get
    their old values back; items changed since are left and named in the report."""
    if batch.status != BatchStatus.COMMITTED:
        raise ImportRefused(_l("Only an imported batch can be undone."))
    report: dict[str, list] = {"removed": [], "restored": [], "kept": []}
    entries = session.execute(
        select(BatchItem.action, BatchItem.version_after, BatchItem.before, BatchItem.item_id,
               Item.tag, Item.version)
        .join(Item, Item.id == BatchItem.item_id)
        .where(BatchItem.batch_id == batch.id)
        .order_by(BatchItem.id.desc())
    ).all()  # fmt: skip
    created = [entry for entry in entries if entry.action == BatchAction.CREATED]
    pointed_at = _pointed_at(session, [entry.item_id for entry in created])
    removed: list[int] = []
    for entry in entries:
        if entry.version != entry.version_after or entry.item_id in pointed_at:
            report["kept"].append(entry.tag)
        elif entry.action == BatchAction.CREATED:
            report["removed"].append(entry.tag)
            removed.append(entry.item_id)
        else:
            _restore(session, session.get(Item, entry.item_id), entry.before, user=user, now=now)
            report["restored"].append(entry.tag)
    session.flush()
    _remove_items(session, removed)
    batch.status, batch.undone_at, batch.undo_report = BatchStatus.UNDONE, now, report
    session.flush()
    return report


REMOVE_CHUNK = 1_000  # items deleted by one statement


def _pointed_at(session: Session, ids: list[int]) -> set[int]:
    """Which of these items a part split off them points at: the database would refuse to
    delete them. Splitting a lot shrinks it, so an untouched item should have none; should one
    all the same, it is kept and named rather than failing the whole undo."""
    found: set[int] = set()
    for start in range(0, len(ids), REMOVE_CHUNK):
        chunk = ids[start : start + REMOVE_CHUNK]
        found.update(session.scalars(select(Item.split_from_id).where(
            Item.split_from_id.in_(chunk))))  # fmt: skip
    return found


def _remove_items(session: Session, ids: list[int]) -> None:
    """Delete items a thousand at a time; the database removes their history, photos and
    listings with them and lets go of scans, outcomes and batch rows pointing at them (the
    foreign keys' ON DELETE). Deleting 100,000 items one ORM object at a time took more than
    ten minutes."""
    for start in range(0, len(ids), REMOVE_CHUNK):
        chunk = ids[start : start + REMOVE_CHUNK]
        session.execute(
            delete(Item).where(Item.id.in_(chunk)).execution_options(synchronize_session=False)
        )
    gone = set(ids)
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Item) and instance.id in gone:
            session.expunge(instance)


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
    item_records.update_item(session, item, changes, expected_version=None, by=user, now=now,
                             event_kind=EventKind.EDITED)  # fmt: skip
    if item.storeroom_id != before.get("storeroom_id"):
        room = (
            session.get(Storeroom, before["storeroom_id"]) if before.get("storeroom_id") else None
        )
        whereabouts.move_item(session, item, room, position=before.get("position") or "",
                              place=before.get("place") or "-", by=user, now=now)  # fmt: skip
        if before.get("status") == ItemStatus.MISSING.value:
            whereabouts.mark_missing(session, item, by=user, now=now)


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
