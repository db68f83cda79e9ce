"""Checks, imports and undos are tasks on the queue in the database, run by the worker.

The page queues the job and says it is waiting until a worker takes it; a worker process of its
own, as production runs it, checks and imports the file; a job no worker took in time says so
and can be run again, and the task the first run left on the queue then does nothing.
"""

import io

from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import EventKind, Item, ItemEvent
from tests.background import run_queued, worker_process
from tests.imports.importing import xlsx
from tests.imports.test_import_pages import finished

CHAIR = xlsx([["Name", "Quantity"], ["Chair", 1]])


def upload(client, data: bytes = CHAIR) -> int:
    response = client.post(
        "/imports/new", data={"file": (io.BytesIO(data), "chair.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    return int(response.headers["Location"].rsplit("/", 1)[1])


def count_items(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Item))


def test_a_queued_upload_waits_and_a_worker_process_checks_and_imports_it(
    app, client, login, make_user, db_session, queued, monkeypatch, tmp_path
):
    login(client, make_user(Role.MANAGER))
    monkeypatch.setitem(app.config, "IMPORT_WAIT_SECONDS", 0)
    batch_id = upload(client)
    assert client.get(f"/imports/{batch_id}/progress.json").get_json()["stage"] == "waiting"
    page = client.get(f"/imports/{batch_id}").text
    assert "Waiting for other imports to finish" in page and "stopped" not in page

    log = tmp_path / "worker.log"
    with worker_process(app.config["SQLALCHEMY_DATABASE_URI"], log):
        assert finished(client, batch_id)["status"] == "preview", log.read_text()
        assert "Import 1 new" in client.get(f"/imports/{batch_id}").text
        client.post(f"/imports/{batch_id}/commit")
        assert finished(client, batch_id)["status"] == "committed", log.read_text()
    assert count_items(db_session) == 1


def test_a_job_no_worker_took_can_be_run_again_and_runs_once(
    app, client, login, make_user, db_session, queued, monkeypatch
):
    first, second = make_user(Role.MANAGER), make_user(Role.MANAGER)
    login(client, first)
    monkeypatch.setitem(app.config, "IMPORT_WAIT_SECONDS", 0)
    batch_id = upload(client)
    assert run_queued(app) == 1  # checked
    client.post(f"/imports/{batch_id}/commit")  # ... but no worker runs to import it

    monkeypatch.setitem(app.config, "IMPORT_JOB_STALL_SECONDS", 0)  # the page's patience, spent
    other = app.test_client()
    login(other, second)
    page = other.get(f"/imports/{batch_id}").text
    assert "No background worker has started this yet" in page and "Import 1 new" in page
    other.post(f"/imports/{batch_id}/commit")  # run again: a second task on the queue
    assert run_queued(app) == 2
    assert finished(other, batch_id)["status"] == "committed"
    assert count_items(db_session) == 1
    event = db_session.scalar(select(ItemEvent).where(ItemEvent.kind == EventKind.IMPORTED))
    assert event.user_id == second.id  # the first task found its run replaced and did nothing
