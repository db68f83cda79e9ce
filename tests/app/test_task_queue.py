"""The task queue in the app's database (app/task_queue.py, app/background.py).

A queued task is a row: an app started afresh (a restarted web process, the worker) finds it.
The urgent go first, then the oldest; two workers taking at once get each task once; a task
scheduled for later comes off the schedule when due and not before; huey's keys keep one value.
"""

import threading
from datetime import datetime, timedelta

import pytest
from huey.constants import EmptyData

from app import create_app
from app.background import SOON, background, every
from app.extensions import db
from app.task_queue import DatabaseStorage


@pytest.fixture
def storage(app) -> DatabaseStorage:
    return DatabaseStorage("tests", app=app)


def drain(storage: DatabaseStorage) -> list[bytes]:
    taken = []
    while (data := storage.dequeue()) is not None:
        taken.append(data)
    return taken


def test_a_task_queued_before_a_restart_is_found_by_the_app_started_after(app, queued):
    background(app).enqueue("send_mail", [1, 2])  # as a web process does after a commit
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    again = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "BACKGROUND_IMMEDIATE": False}
    )
    task = background(again).huey.dequeue()
    assert (task.name, task.args) == ("send_mail", ([1, 2],))
    assert background(again).huey.dequeue() is None
    with again.app_context():
        db.engine.dispose()


def test_the_urgent_go_first_then_the_oldest(storage):
    storage.enqueue(b"import 1", 0)
    storage.enqueue(b"import 2", None)
    storage.enqueue(b"mail", SOON)
    assert storage.queue_size() == 3
    assert drain(storage) == [b"mail", b"import 1", b"import 2"]
    assert storage.queue_size() == 0


def test_two_workers_taking_at_once_get_each_task_once(storage):
    sent = [f"task {n}".encode() for n in range(200)]
    for data in sent:
        storage.enqueue(data, 0)
    barrier, taken = threading.Barrier(2), [[], []]

    def worker(number: int) -> None:
        barrier.wait()
        taken[number].extend(drain(storage))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(taken[0] + taken[1]) == sorted(sent)


def test_a_scheduled_task_comes_off_the_schedule_when_due_and_once(storage):
    due = datetime(2030, 1, 1, 12, 0)  # huey's times are naive UTC
    storage.add_to_schedule(b"retry", due)
    assert storage.read_schedule(due - timedelta(seconds=1)) == []
    assert storage.scheduled_items() == [b"retry"]
    assert storage.read_schedule(due) == [b"retry"]
    assert storage.read_schedule(due + timedelta(hours=1)) == []


def test_a_key_holds_one_value_and_pops_once(storage):
    assert storage.put_if_empty("lock", b"1") is True
    assert storage.put_if_empty("lock", b"2") is False
    storage.put_data("revoked", b"a")
    storage.put_data("revoked", b"b")
    assert storage.peek_many(["lock", "revoked", "none"]) == {"lock": b"1", "revoked": b"b"}
    assert storage.pop_data("revoked") == b"b"
    assert storage.pop_data("revoked") is EmptyData and storage.peek_data("none") is EmptyData
    assert storage.has_data_for_key("lock") and not storage.has_data_for_key("revoked")


@pytest.mark.parametrize(
    ("minutes", "minute", "due"),
    [(5, 0, True), (5, 5, True), (5, 7, False), (1, 7, True), (15, 45, True), (15, 50, False)],
)
def test_a_periodic_task_is_due_every_so_many_minutes(minutes, minute, due):
    assert every(minutes)(datetime(2030, 1, 1, 12, minute)) is due  # naive UTC, as huey passes
