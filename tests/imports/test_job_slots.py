"""At most IMPORT_MAX_JOBS checks, imports or undos run at once in a process; the others wait
their turn, in the order they came, and their page says they are waiting."""

import io
import threading
import time

import pytest

from app.auth.roles import Role
from imports import jobs
from imports.jobs import JobSlots
from tests.imports.importing import xlsx
from tests.imports.test_import_pages import finished

DEADLINE = 30  # seconds a thread is given to get where a test waits for it


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never {what}")
        time.sleep(0.01)


def test_no_more_jobs_than_slots_run_at_once_and_the_rest_wait_in_turn(monkeypatch):
    monkeypatch.setattr(jobs, "WAIT_BEAT_SECONDS", 0.05)
    slots = JobSlots(2)
    lock = threading.Lock()
    entered, waited, inside, most = [], set(), [0], [0]
    release = [threading.Event() for _ in range(5)]

    def job(number: int) -> None:
        with slots.taken(waiting=lambda: waited.add(number)):
            with lock:
                entered.append(number)
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            release[number].wait(DEADLINE)
            with lock:
                inside[0] -= 1

    threads = []
    for number in range(5):  # one after the other, so that their order is known
        threads.append(threading.Thread(target=job, args=(number,)))
        threads[-1].start()
        wait_for(lambda n=number: n in entered or n in waited, f"{number} queued")
    assert entered == [0, 1] and waited == {2, 3, 4}
    for number in range(5):
        release[number].set()
        wait_for(lambda n=number: len(entered) >= min(n + 3, 5), f"the next after {number}")
    for thread in threads:
        thread.join(DEADLINE)
    assert entered == [0, 1, 2, 3, 4] and most[0] == 2


def test_a_job_that_fails_while_waiting_gives_up_its_turn(monkeypatch):
    monkeypatch.setattr(jobs, "WAIT_BEAT_SECONDS", 0.05)
    slots = JobSlots(1)
    with slots.taken(waiting=lambda: None):

        def refuse() -> None:
            raise RuntimeError("the database went away")

        with pytest.raises(RuntimeError), slots.taken(waiting=refuse):
            pass
    with slots.taken(waiting=lambda: pytest.fail("nobody else runs")):
        pass


def test_an_import_waiting_for_a_slot_says_so_and_runs_when_one_frees(
    app, client, login, make_user, monkeypatch
):
    login(client, make_user(Role.MANAGER))
    monkeypatch.setattr(jobs, "WAIT_BEAT_SECONDS", 0.05)
    monkeypatch.setitem(app.extensions, "import_job_slots", JobSlots(1))
    monkeypatch.setitem(app.config, "IMPORT_WAIT_SECONDS", 0)
    taken, release = threading.Event(), threading.Event()

    def another_job() -> None:
        with jobs.job_slots(app).taken(waiting=lambda: None):
            taken.set()
            release.wait(DEADLINE)

    other = threading.Thread(target=another_job)
    other.start()
    try:
        assert taken.wait(DEADLINE)
        response = client.post(
            "/imports/new", data={"file": (io.BytesIO(xlsx([["Name", "Quantity"], ["Chair", 1]])), "c.xlsx")},
            content_type="multipart/form-data",
        )  # fmt: skip
        batch_id = int(response.headers["Location"].rsplit("/", 1)[1])
        progress = f"/imports/{batch_id}/progress.json"
        wait_for(lambda: client.get(progress).get_json()["stage"] == "waiting", "waiting")
        page = client.get(f"/imports/{batch_id}").text
        assert "Waiting for other imports to finish" in page
        assert "stopped before it finished" not in page
    finally:
        release.set()
        other.join(DEADLINE)
    assert finished(client, batch_id)["job"] is None
    assert "Import 1 new" in client.get(f"/imports/{batch_id}").text
