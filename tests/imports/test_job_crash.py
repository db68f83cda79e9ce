"""A worker killed in the middle of an import leaves no half import (T-A21).

The page queues the import; a worker process (the consumer `flask --app app worker` runs) takes
it and is killed with SIGKILL once it has written the 500 new items and their history inside its
transaction, before the batch's rows. The database then holds none of them; the batch is still to be imported, its job shown as
stopped once it has been silent for IMPORT_JOB_STALL_SECONDS; running it again (a worker takes the new task) imports all 500.
"""

import os
import signal
import subprocess
import sys

from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services
from imports.models import BatchItem, BatchStatus, ImportBatch, JobKind
from inventory.models import Item, ItemEvent
from tests.background import run_queued
from tests.bombs import ROOT
from tests.imports.importing import run_import
from tests.imports.test_import_pages import finished

# A worker whose import stops for good after writing the items, before the batch's rows: the
# test kills it.
WORKER = """
import sys, time
from sqlalchemy import func, select
from app import create_app
from app.background import background
from app.extensions import db
from imports import new_items
from inventory.models import Item
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "BACKGROUND_IMMEDIATE": False})
def stalled(*args, **kwargs):
    seen = db.session.scalar(select(func.count()).select_from(Item))
    print(f"items written, items seen by the import {seen}", flush=True)
    time.sleep(600)
new_items.insert_rows = stalled
background(app).huey.create_consumer(workers=1, periodic=False).run()
"""


def count(db_session, model, **where) -> int:
    query = select(func.count()).select_from(model).filter_by(**where)
    return db_session.scalar(query)


def test_a_worker_killed_mid_import_leaves_nothing_half_written(
    app, client, login, db_session, make_user, monkeypatch, queued
):
    manager = make_user(Role.MANAGER)
    with app.test_request_context():  # items before: the import's writes are not set aside
        run_import(db_session, manager, b"Name;Quantity\n" + b"Desk;1\n" * 600, "before.csv")
    rows = b"".join(b"Chair %d;1\n" % n for n in range(500))
    with app.test_request_context():
        batch, table = services.start_batch(
            db_session, b"Name;Quantity\n" + rows, "chairs.csv", user=manager, sheet=None,
            now=utcnow(), max_rows=1000,
        )  # fmt: skip
        batch.create_missing = True
        services.check(db_session, batch, table, user=manager)  # as the page did
        db_session.commit()
    login(client, manager)
    monkeypatch.setitem(app.config, "IMPORT_WAIT_SECONDS", 0)
    client.post(f"/imports/{batch.id}/commit")  # queued: no worker runs yet
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with subprocess.Popen(
        [sys.executable, "-c", WORKER, url], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    ) as worker:  # fmt: skip
        try:
            said = worker.stdout.readline()
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(60)
        problems = worker.stderr.read()
    assert said.startswith("items written, items seen by the import 1100"), problems

    db_session.expire_all()
    batch = db_session.get(ImportBatch, batch.id)
    assert count(db_session, Item) == 600  # the 500 died with the worker's transaction
    assert count(db_session, BatchItem, batch_id=batch.id) == 0
    assert count(db_session, ItemEvent) == 600
    assert batch.status == BatchStatus.PREVIEW and batch.job == JobKind.COMMIT

    monkeypatch.setitem(app.config, "IMPORT_JOB_STALL_SECONDS", 0)  # the page's patience, spent
    assert "stopped before it finished" in client.get(f"/imports/{batch.id}").text
    client.post(f"/imports/{batch.id}/commit")  # queued again
    assert run_queued(app) == 1  # the task the killed worker took is gone with it
    assert finished(client, batch.id)["status"] == "committed"
    assert count(db_session, Item) == 1100
    assert count(db_session, BatchItem, batch_id=batch.id) == 500
