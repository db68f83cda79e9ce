"""Checking, importing and undoing a batch as a background task, with progress on the batch.

A 100,000-row file takes seconds to check and to write: longer than a page should wait, and a
web worker busy past its timeout is killed. So the page claims the batch and queues a task
(app/background.py) that the worker process runs; its progress lives on the batch row, so a
reload, or a request another web process serves, sees the same.

- A claim is a conditional UPDATE, so a double click or a second user cannot start a second
  job on the batch; committing also claims the batch's status in the same transaction as the
  write (services.commit), so two jobs can never both write one batch.
- A claim gives the batch a new token, which its task carries: a task runs only while its
  batch holds its token and waits, so a task left on the queue by a run started again since
  does nothing.
- Until a worker takes it, a job's progress is "waiting". A worker runs at most IMPORT_MAX_JOBS
  tasks at once (each job may hold a few hundred MB while it reads and checks a large file);
  the others wait on the queue, first come first served.
- A job that died with its worker (a kill, a crash) stops beating; after
  IMPORT_JOB_STALL_SECONDS the page says so and offers to run it again. Its transaction died
  with it, so nothing is half written. A job no worker took in that time is shown the same way.
- Progress is written through a connection of its own, and not while the import's own
  transaction writes: SQLite allows one writer at a time, and the job holds that lock.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timedelta

from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.audit.models import AuditAction, AuditObject
from app.audit.record import Target, record_event
from app.auth.models import User
from app.background import Background, background
from app.extensions import db
from app.timeutil import utcnow
from imports import services
from imports.commit import ImportRefused
from imports.models import BatchStatus, ImportBatch, JobKind
from imports.reading import ImportRejected
from imports.undo import undo

log = logging.getLogger(__name__)

TASK = "import_job"
NEEDS = {  # the batch status each job starts from
    JobKind.CHECK: BatchStatus.PREVIEW,
    JobKind.COMMIT: BatchStatus.PREVIEW,
    JobKind.UNDO: BatchStatus.COMMITTED,
}
WAITING = "waiting"  # the stage of a job no worker has taken yet
BEAT_EVERY = timedelta(seconds=1)  # progress is written at most this often
POLL_SECONDS = 0.1  # how often a page waiting for a job looks at its batch


def register_import_tasks(work: Background) -> None:
    work.task(run, name=TASK)


def stall_limit(app: Flask) -> timedelta:
    return timedelta(seconds=app.config["IMPORT_JOB_STALL_SECONDS"])


def is_stalled(batch: ImportBatch, *, now: datetime, limit: timedelta) -> bool:
    """A job that has not reported for `limit` died with its worker, or no worker took it."""
    return batch.job is not None and (batch.job_beat_at is None or batch.job_beat_at < now - limit)


def claim(batch_id: int, kind: JobKind, *, now: datetime, limit: timedelta) -> str | None:
    """Mark the batch as waiting for a new job and return the job's token, unless a live job
    has it or its status is not the one the job starts from. Committed at once, so other
    requests see it."""
    token = secrets.token_hex(16)
    with db.engine.begin() as connection:
        result = connection.execute(
            update(ImportBatch)
            .where(
                ImportBatch.id == batch_id,
                ImportBatch.status == NEEDS[kind],
                or_(ImportBatch.job.is_(None), ImportBatch.job_beat_at < now - limit),
            )
            .values(
                job=kind.value,
                job_token=token,
                job_stage=WAITING,
                job_done=0,
                job_total=0,
                job_beat_at=now,
                job_error=None,
            )  # fmt: skip
        )
    return token if result.rowcount == 1 else None


def claim_refusal(batch: ImportBatch, kind: JobKind) -> str:
    """Why the batch (reloaded after a failed `claim`) cannot take a job of `kind` now."""
    if batch.job is not None:
        return str(_l("This import is busy: wait until it is done."))
    if batch.status == BatchStatus.COMMITTED and kind != JobKind.UNDO:
        return str(_l("This file was already imported."))
    return str(_l("This import cannot do that now."))


def start(
    app: Flask,
    batch: ImportBatch,
    *,
    user_id: int,
    locale: str,
    remote_addr: str | None = None,
) -> None:
    """Queue the job the batch was claimed for; `remote_addr` is the address of the request
    that started it, for the audit trail."""
    background(app).enqueue(
        TASK,
        batch.id,
        batch.job,
        token=batch.job_token,
        user_id=user_id,
        locale=locale,
        remote_addr=remote_addr,
    )


def wait(batch_id: int, seconds: float) -> None:
    """Give the worker `seconds` to finish the batch's job, so that a small file is done by
    the time its page shows."""
    deadline = time.monotonic() + seconds
    query = select(ImportBatch.job).where(ImportBatch.id == batch_id)
    while time.monotonic() < deadline:
        with db.engine.connect() as connection:
            if connection.scalar(query) is None:
                return
        time.sleep(POLL_SECONDS)


class Progress:
    """The progress callback a job hands to the import: writes stage and counts now and then."""

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.stage: str | None = None
        self.last: datetime | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = utcnow()
        if stage == self.stage == "writing":
            return  # the job's own transaction holds the write lock until it commits
        if stage == self.stage and self.last and now - self.last < BEAT_EVERY and done < total:
            return
        self.stage, self.last = stage, now
        _set(self.batch_id, job_stage=stage, job_done=done, job_total=total, job_beat_at=now)


def run(
    app: Flask,
    batch_id: int,
    kind: str,
    *,
    token: str,
    user_id: int,
    locale: str,
    remote_addr: str | None = None,
) -> None:
    """The job itself, as the worker runs it: its outcome (or the reason it failed) ends up on
    the batch. Nothing happens unless the batch still waits for this task (`token`)."""
    kind = JobKind(kind)
    with app.app_context(), force_locale(locale):
        if not _take(batch_id, token):
            log.info("import job %s on batch %s: started again since, not run", kind, batch_id)
            return
        error = None
        try:
            _work(app, batch_id, kind, user_id, remote_addr)
        except Exception as failure:  # the batch page tells the user
            error = _reason(failure, kind, batch_id)
        finally:
            db.session.rollback()
            db.session.remove()
        if error is not None:
            values = {"job": None, "job_stage": None, "job_error": error}
            if kind == JobKind.CHECK:  # back to the sheet the last good preview shows
                values["sheet"] = _checked_sheet(batch_id)
            _set(batch_id, **values)


def _take(batch_id: int, token: str) -> bool:
    """Start the job the batch waits for, if it is still this task's."""
    with db.engine.begin() as connection:
        taken = connection.execute(
            update(ImportBatch)
            .where(
                ImportBatch.id == batch_id,
                ImportBatch.job_token == token,
                ImportBatch.job_stage == WAITING,
            )
            .values(job_stage=None, job_beat_at=utcnow())
        )
    return taken.rowcount == 1


def _reason(failure: Exception, kind: JobKind, batch_id: int) -> str:
    """What the batch page says of a failed job; the unexpected failures are logged."""
    if isinstance(failure, ImportRejected | ImportRefused):
        return str(failure)
    if isinstance(failure, IntegrityError):
        return str(_l("Someone else changed the same items at the same time, so nothing "
                      "was imported. Check the file again and import it."))  # fmt: skip
    log.exception("import job %s on batch %s failed", kind, batch_id)
    if isinstance(failure, OperationalError):
        return str(_l("The database was too busy, so nothing was changed. Try again."))
    return str(_l("Something went wrong, so nothing was changed. Try again, or tell "
                  "your administrator."))  # fmt: skip


def _checked_sheet(batch_id: int) -> str | None:
    batch = db.session.get(ImportBatch, batch_id)
    sheet = (batch.preview or {}).get("sheet") if batch else None
    db.session.remove()
    return sheet


def _work(app: Flask, batch_id: int, kind: JobKind, user_id: int, remote_addr: str | None) -> None:
    session, config = db.session, app.config
    batch = session.get(ImportBatch, batch_id)
    user = session.get(User, user_id)
    if batch is None or user is None:
        return
    progress = Progress(batch_id)
    now = utcnow()
    if kind == JobKind.CHECK:
        progress("reading", 0, 0)
        table = services.open_table(session, batch, max_rows=config["IMPORT_MAX_ROWS"])
        session.commit()  # the headers and mapping, so that no write waits while checking
        services.check(session, batch, table, user=user, progress=progress)
    elif kind == JobKind.COMMIT:
        progress("reading", 0, 0)
        table = services.table_of(session, batch, max_rows=config["IMPORT_MAX_ROWS"])
        services.commit(session, batch, table, user=user, now=now, progress=progress,
                        tag_prefix=config["TAG_PREFIX"], tag_digits=config["TAG_DIGITS"])  # fmt: skip
    else:
        progress("undoing", 0, 0)
        _undo(session, batch, user=user, remote_addr=remote_addr, now=now)
    batch.job = batch.job_stage = batch.job_error = None
    batch.job_beat_at = utcnow()
    session.commit()


def _undo(
    session: Session, batch: ImportBatch, *, user: User, remote_addr: str | None, now: datetime
) -> None:
    """Undo the batch and record who did, in the same transaction."""
    report = undo(session, batch, user=user, now=now)
    counts = {outcome: len(tags) for outcome, tags in report.items()}
    record_event(
        session,
        AuditAction.IMPORT_UNDONE,
        Target(AuditObject.IMPORT_BATCH, batch.id, batch.filename),
        actor=user,
        remote_addr=remote_addr,
        now=now,
        before={"status": BatchStatus.COMMITTED.value},
        after={"status": batch.status.value, **counts},
    )


def _set(batch_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(**values))
