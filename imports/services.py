"""An import from upload to commit, as plain functions the web pages and CLI share.

Uploading stores the file as a batch in preview (so the preview survives a page reload and the
file is kept with its sha256); checking reads it and keeps a summary of the preview on the
batch; committing works the preview out again from the stored file and writes it in the
caller's transaction. Undoing is imports/undo.py.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from imports.commit import ImportRefused, commit_plan
from imports.mapping import check_mapping, guess_mapping, signature
from imports.models import BatchStatus, ImportBatch, SavedMapping
from imports.plan import Plan, plan_import
from imports.preview import summary
from imports.progress import Progress
from imports.reading import Table, read_table
from imports.value_choices import remember_choices

if TYPE_CHECKING:
    from app.auth.models import User

FILE_PIECE = 4 * 1024 * 1024  # bytes of a stored file read at a time


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


def discard_unreadable(session: Session, batch: ImportBatch) -> None:
    """Forget an upload whose file could not be read, so that a refused file leaves nothing
    behind (the API answers so; the page keeps it, to say why)."""
    if batch.headers or batch.status != BatchStatus.PREVIEW:
        raise ImportRefused(_l("This import cannot do that now."))
    session.delete(batch)
    session.flush()


def open_table(session: Session, batch: ImportBatch, *, max_rows: int) -> Table:
    """Read the batch's file (ImportRejected if it cannot be). A file read for the first time,
    or another of its sheets, gets the mapping remembered for its headers, or a guessed one."""
    table = table_of(session, batch, max_rows=max_rows)
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


def table_of(session: Session, batch: ImportBatch, *, max_rows: int) -> Table:
    """The batch's file read with its options (ImportRejected if it cannot be)."""
    return read_table(stored_file(session, batch), batch.filename, sheet=batch.sheet,
                      max_rows=max_rows, fill_merged=batch.fill_merged)  # fmt: skip


def stored_file(session: Session, batch: ImportBatch) -> bytes:
    """The batch's file, read from the database a few megabytes at a time, until a piece comes
    back short. PostgreSQL sends a bytea read whole as hexadecimal text, and fetching a 19 MB
    file so took 110 MB; in pieces it takes twice the file and one piece."""
    query = select(func.substr(ImportBatch.data, bindparam("start"), FILE_PIECE)).where(
        ImportBatch.id == batch.id
    )
    pieces = [session.scalar(query, {"start": 1}) or b""]
    while len(pieces[-1]) == FILE_PIECE:
        pieces.append(session.scalar(query, {"start": len(pieces) * FILE_PIECE + 1}) or b"")
    return b"".join(pieces)


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
