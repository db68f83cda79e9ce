"""An undone import is one row of the audit trail, written in the undo's own transaction."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditAction, AuditObject
from app.auth.roles import Role
from app.timeutil import utcnow
from imports import jobs
from imports.models import BatchStatus, ImportBatch, JobKind
from inventory.models import Item
from tests.app.auditing import audit_rows, only_row
from tests.imports.importing import run_import, xlsx
from tests.imports.test_import_pages import finished

ROWS = [["Tag", "Name", "Quantity"], ["U-1", "Old chair", 4], ["", "New desk", 1]]


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def imported(db_session, manager, make_item) -> ImportBatch:
    """A batch that updated one item (U-1) and created another."""
    make_item("Old chair", tag="U-1", quantity=1)
    batch, _plan = run_import(db_session, manager, xlsx(ROWS), "undo.xlsx")
    return batch


def count_items(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Item))


def test_undoing_an_import_from_its_page_is_one_row_with_what_it_did(
    client, login, db_session, manager, make_item
):
    batch = imported(db_session, manager, make_item)
    login(client, manager)
    client.post(f"/imports/{batch.id}/undo")
    finished(client, batch.id)
    row = only_row(db_session, AuditAction.IMPORT_UNDONE)
    assert (row.actor_id, row.actor_email, row.remote_addr) == (
        manager.id,
        manager.email,
        "127.0.0.1",
    )
    assert (row.object_type, row.object_id, row.object_label) == (
        AuditObject.IMPORT_BATCH,
        batch.id,
        "undo.xlsx",
    )
    assert row.before == {"status": "committed"}
    assert row.after == {"status": "undone", "removed": 1, "restored": 1, "kept": 0}


def test_an_undo_that_cannot_run_records_nothing(app, db_session, manager, make_item):
    batch, _preview = run_import(db_session, manager, xlsx(ROWS), "checked.xlsx", commit=False)
    # an undo job waiting on a batch never imported (its claim would have refused it)
    batch.job, batch.job_stage, batch.job_token = JobKind.UNDO, jobs.WAITING, "t"
    db_session.commit()
    jobs.run(app, batch.id, JobKind.UNDO, token="t", user_id=manager.id, locale="en")
    assert audit_rows(db_session, AuditAction.IMPORT_UNDONE) == []
    db_session.refresh(batch)
    assert batch.job is None and batch.job_error


def test_a_crash_after_the_audit_row_leaves_neither_the_undo_nor_the_row(
    app, db_session, manager, make_item, monkeypatch
):
    """The job owns one transaction: the row is flushed, not committed on its own."""
    batch = imported(db_session, manager, make_item)
    record_event, recorded = jobs.record_event, []

    def record_then_crash(*args, **kwargs):
        recorded.append(record_event(*args, **kwargs))
        raise RuntimeError("the process died here")

    monkeypatch.setattr(jobs, "record_event", record_then_crash)
    with app.app_context():
        token = jobs.claim(batch.id, JobKind.UNDO, now=utcnow(), limit=jobs.stall_limit(app))
    job = {"token": token, "user_id": manager.id, "locale": "en", "remote_addr": "10.0.0.1"}
    jobs.run(app, batch.id, JobKind.UNDO, **job)
    assert len(recorded) == 1  # the row was written, then the job died
    assert audit_rows(db_session, AuditAction.IMPORT_UNDONE) == []
    db_session.refresh(batch)
    assert batch.status == BatchStatus.COMMITTED and count_items(db_session) == 2
