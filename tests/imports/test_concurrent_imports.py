"""Two managers importing overlapping tags at the same moment: one wins, nothing doubles."""

import threading

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import jobs, services
from imports.commit import ImportRefused, commit_plan
from imports.models import BatchItem, BatchStatus, ImportBatch, JobKind
from imports.plan import plan_import
from inventory.models import Item


def checked_batch(app, db_session, user, data: bytes, name: str) -> int:
    with app.test_request_context():
        batch, _table = services.start_batch(db_session, data, name, user=user, sheet=None,
                                             now=utcnow(), max_rows=1000)  # fmt: skip
        batch.preview = {"counts": {}}
        db_session.commit()
    return batch.id


@pytest.mark.parametrize("run", range(3))
def test_overlapping_imports_at_the_same_moment_commit_once(app, db_session, make_user, run):
    rows = "".join(f"T-{n};Chair {n};1\n" for n in range(200))
    first = checked_batch(app, db_session, make_user(Role.MANAGER),
                          f"Tag;Name;Quantity\n{rows}".encode(), "a.csv")  # fmt: skip
    second = checked_batch(app, db_session, make_user(Role.MANAGER),
                           f"Tag;Name;Quantity\nT-999;Desk;1\n{rows}".encode(), "b.csv")  # fmt: skip
    threads = []  # two of the worker's threads, each running one of the jobs
    with app.app_context():
        for batch_id in (first, second):
            batch = db_session.get(ImportBatch, batch_id)
            token = jobs.claim(batch_id, JobKind.COMMIT, now=utcnow(), limit=jobs.stall_limit(app))
            job = {"token": token, "user_id": batch.uploaded_by_id, "locale": "en"}
            thread = threading.Thread(target=jobs.run, args=(app, batch_id, "commit"), kwargs=job)
            threads.append(thread)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db_session.expire_all()
    batches = [db_session.get(ImportBatch, batch_id) for batch_id in (first, second)]
    tags = db_session.scalars(select(Item.tag)).all()
    assert len(tags) == len(set(tags))  # the unique constraint held: no item twice
    committed = [b for b in batches if b.status == BatchStatus.COMMITTED]
    if len(committed) == 2:  # one after the other: the second created only what the first lacked
        # (a then b: 200 and T-999; b then a: 201 and none)
        assert sorted(b.counts["new"] for b in batches) in ([1, 200], [0, 201])
        assert sum(b.counts["new"] for b in batches) == len(tags) == 201
    else:
        assert len(committed) == 1
        loser = next(b for b in batches if b is not committed[0])
        assert loser.status == BatchStatus.PREVIEW and loser.job_error  # told, nothing written
        assert len(tags) == committed[0].counts["new"]
    assert all(b.job is None for b in batches)
    assert db_session.scalar(select(func.count()).select_from(Item)) == len(tags)


def test_every_tag_taken_since_the_check_is_named_and_nothing_is_written(
    app, db_session, make_user, make_item
):
    manager = make_user(Role.MANAGER)
    rows = "".join(f"T-{n};Chair {n};1\n" for n in range(1, 16))
    data = f"Tag;Name;Quantity\nNEW-1;Desk;1\n{rows}".encode()  # T-n on row n + 2
    with app.test_request_context():
        batch, table = services.start_batch(db_session, data, "late.csv", user=manager,
                                            sheet=None, now=utcnow(), max_rows=100)  # fmt: skip
        plan = plan_import(db_session, table, batch.mapping, user=manager, create_missing=True)
        assert plan.counts["new"] == 16
        for n in range(1, 13):  # another import, or someone by hand, takes twelve of the tags
            make_item(f"Other {n}", tag=f"t-{n}")
        with pytest.raises(ImportRefused) as refused:
            commit_plan(db_session, batch, plan, user=manager, now=utcnow(), tag_prefix="INV-",
                        tag_digits=6)  # fmt: skip
    named = ", ".join(f"T-{n} (row {n + 2})" for n in range(1, 11))
    assert str(refused.value) == (
        f"12 tags were taken meanwhile: {named} and 2 more. Check the file again."
    )
    db_session.rollback()  # as the job and the command line do
    assert db_session.scalar(select(func.count()).select_from(Item)) == 12
    assert db_session.scalar(select(func.count()).select_from(BatchItem)) == 0
    assert db_session.get(ImportBatch, batch.id).status == BatchStatus.PREVIEW


def test_a_single_tag_taken_since_the_check_is_named_with_its_row(app, db_session, make_user,
                                                                  make_item):  # fmt: skip
    manager = make_user(Role.MANAGER)
    data = b"Tag;Name\nT-1;Chair\nT-2;Desk\n"
    with app.test_request_context():
        batch, table = services.start_batch(db_session, data, "late.csv", user=manager,
                                            sheet=None, now=utcnow(), max_rows=100)  # fmt: skip
        plan = plan_import(db_session, table, batch.mapping, user=manager, create_missing=True)
        make_item("Other", tag="T-2")
        with pytest.raises(ImportRefused, match=r"^The tag T-2 \(row 3\) was taken meanwhile"):
            commit_plan(db_session, batch, plan, user=manager, now=utcnow(), tag_prefix="INV-",
                        tag_digits=6)  # fmt: skip
