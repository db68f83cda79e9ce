"""Checking, importing and undoing a batch in a background thread, with progress on the batch.

A 100,000-row file takes seconds to check and to write: longer than a page should wait, and a
web worker busy past its timeout is killed. So the page starts a job and shows its progress,
which lives on the batch row: a reload, or a request another worker serves, sees the same.

- A job claims its batch with a conditional UPDATE, so a double click or a second user cannot
  start a second job on it; committing also claims the batch's status in the same transaction
  as the write (services.commit), so two jobs can never both write one batch.
- A job that died with its process (a restart, a kill) stops beating; after
  IMPORT_JOB_STALL_SECONDS the page says so and offers to run it again. Its transaction died
  with it, so nothing is half written.
- Progress is written through a connection of its own, and not while the import's own
  transaction writes: SQLite allows one writer at a time, and the job holds that lock.
- At most IMPORT_MAX_JOBS jobs run at once in a process (each may hold a few hundred MB
  while it reads and checks a large file); the others wait their turn, first come first
  served, with "waiting" as their progress, beating while they wait.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.audit.models import AuditAction, AuditObject
from app.audit.record import Target, record_event
from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow
from imports import services
from imports.commit import ImportRefused
from imports.models import BatchStatus, ImportBatch, JobKind
from imports.reading import ImportRejected

log = logging.getLogger(__name__)

NEEDS = {  # the batch status each job starts from
    JobKind.CHECK: BatchStatus.PREVIEW,
    JobKind.COMMIT: BatchStatus.PREVIEW,
    JobKind.UNDO: BatchStatus.COMMITTED,
}
BEAT_EVERY = timedelta(seconds=1)  # progress is written at most this often
WAIT_BEAT_SECONDS = 5.0  # a job waiting its turn says it is alive this often
_slots_lock = threading.Lock()


def stall_limit(app: Flask) -> timedelta:
    return timedelta(seconds=app.config["IMPORT_JOB_STALL_SECONDS"])


def is_stalled(batch: ImportBatch, *, now: datetime, limit: timedelta) -> bool:
    """A job that has not reported for `limit` died with its process."""
    return batch.job is not None and (batch.job_beat_at is None or batch.job_beat_at < now - limit)


def claim(batch_id: int, kind: JobKind, *, now: datetime, limit: timedelta) -> bool:
    """Mark the batch as worked on by a new job, unless a live job has it or its status is not
    the one the job starts from. Committed at once, so other requests see it."""
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
                job_stage=None,
                job_done=0,
                job_total=0,
                job_beat_at=now,
                job_error=None,
            )  # fmt: skip
        )
    return result.rowcount == 1


def launch(
    app: Flask,
    batch_id: int,
    kind: JobKind,
    *,
    user_id: int,
    locale: str,
    remote_addr: str | None = None,
) -> threading.Thread:
    """Run a job its caller has claimed, in a thread of its own; `remote_addr` is the address
    of the request that started it, for the audit trail."""
    thread = threading.Thread(
        target=run,
        args=(app, batch_id, kind, user_id, locale, remote_addr),
        name=f"import-{batch_id}-{kind}",
    )  # not a daemon: a graceful restart lets it finish
    thread.start()
    return thread


class JobSlots:
    """At most `size` jobs of a process run at once; the others wait their turn, in the order
    they came."""

    def __init__(self, size: int) -> None:
        self.size, self.running = max(size, 1), 0
        self.queue: deque[object] = deque()
        self.changed = threading.Condition()

    @contextmanager
    def taken(self, *, waiting: Callable[[], None]) -> Iterator[None]:
        """Run the block in a slot of its own; `waiting` is called when the job has to wait,
        and every WAIT_BEAT_SECONDS while it does (outside the lock)."""
        ticket = object()
        with self.changed:
            self.queue.append(ticket)
        try:
            while not self._take(ticket):
                waiting()
                with self.changed:
                    self.changed.wait_for(lambda: self._free(ticket), WAIT_BEAT_SECONDS)
        except BaseException:
            with self.changed:
                self.queue.remove(ticket)
                self.changed.notify_all()
            raise
        try:
            yield
        finally:
            with self.changed:
                self.running -= 1
                self.changed.notify_all()

    def _free(self, ticket: object) -> bool:
        return self.running < self.size and self.queue[0] is ticket

    def _take(self, ticket: object) -> bool:
        """Take a slot if one is free and it is this ticket's turn."""
        with self.changed:
            if not self._free(ticket):
                return False
            self.queue.popleft()
            self.running += 1
            return True


def job_slots(app: Flask) -> JobSlots:
    """The app's slots for jobs, made on first use from IMPORT_MAX_JOBS."""
    with _slots_lock:
        if "import_job_slots" not in app.extensions:
            app.extensions["import_job_slots"] = JobSlots(app.config["IMPORT_MAX_JOBS"])
        return app.extensions["import_job_slots"]


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
    kind: JobKind,
    user_id: int,
    locale: str,
    remote_addr: str | None = None,
) -> None:
    """The job itself: its outcome (or the reason it failed) ends up on the batch."""
    with app.app_context(), force_locale(locale):
        error = None
        try:
            with job_slots(app).taken(waiting=lambda: _waiting(batch_id)):
                _work(app, batch_id, kind, user_id, remote_addr)
        except (ImportRejected, ImportRefused) as refused:
            error = str(refused)
        except IntegrityError:
            error = str(_l("Someone else changed the same items at the same time, so nothing "
                           "was imported. Check the file again and import it."))  # fmt: skip
        except OperationalError:
            log.exception("import job %s on batch %s failed", kind, batch_id)
            error = str(_l("The database was too busy, so nothing was changed. Try again."))
        except Exception:
            log.exception("import job %s on batch %s failed", kind, batch_id)
            error = str(_l("Something went wrong, so nothing was changed. Try again, or tell "
                           "your administrator."))  # fmt: skip
        finally:
            db.session.rollback()
            db.session.remove()
        if error is not None:
            values = {"job": None, "job_stage": None, "job_error": error}
            if kind == JobKind.CHECK:  # back to the sheet the last good preview shows
                values["sheet"] = _checked_sheet(batch_id)
            _set(batch_id, **values)


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
        table = services.table_of(batch, max_rows=config["IMPORT_MAX_ROWS"])
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
    report = services.undo(session, batch, user=user, now=now)
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


def _waiting(batch_id: int) -> None:
    """Show that the job waits for a slot, and that it is alive. Skipped while another job's
    write holds SQLite's lock: the next beat will do (a job is stalled after minutes)."""
    try:
        _set(batch_id, job_stage="waiting", job_beat_at=utcnow())
    except OperationalError:
        log.warning("import job on batch %s: could not say it is waiting", batch_id)


def _set(batch_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(**values))
