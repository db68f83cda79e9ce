"""Race reuse actions in separate processes, released together by a barrier.

Threads share one Python process; the F cases of ../shared/reliability.md ask for processes,
as gunicorn runs them. Two worker processes are started once per test module (spawned, so
they share nothing with the test), each with its own app and connection pool on the test
database. A round hands each worker one action; both wait at the barrier, act, and commit
or roll back on their own, and the database alone decides who wins.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable

from sqlalchemy.orm import Session

WORKERS = 2
TIMEOUT = 60


def _approve(session: Session, *, request_id: int, user_id: int) -> None:
    from app.auth.models import User
    from app.timeutil import utcnow
    from reuse.requests import services
    from reuse.requests.models import TransferRequest

    request = session.get(TransferRequest, request_id)
    services.approve(session, request, by=session.get(User, user_id), now=utcnow())


def _hand_over(session: Session, *, request_id: int, user_id: int) -> None:
    from app.auth.models import User
    from app.timeutil import utcnow
    from reuse.requests import services
    from reuse.requests.models import TransferRequest

    services.hand_over(session, session.get(TransferRequest, request_id),
                       by=session.get(User, user_id), now=utcnow(), tag_prefix="R-",
                       tag_digits=5)  # fmt: skip


def _cancel(session: Session, *, request_id: int, user_id: int) -> None:
    from app.auth.models import User
    from app.timeutil import utcnow
    from reuse.requests import services
    from reuse.requests.models import TransferRequest

    request = session.get(TransferRequest, request_id)
    services.cancel(session, request, by=session.get(User, user_id), now=utcnow())


def _withdraw(session: Session, *, listing_id: int, user_id: int) -> None:
    from app.auth.models import User
    from app.timeutil import utcnow
    from reuse.listings import services
    from reuse.listings.models import Listing

    services.withdraw(session, session.get(Listing, listing_id), by=session.get(User, user_id),
                      now=utcnow())  # fmt: skip


def _tick(session: Session) -> None:
    from app.timeutil import utcnow
    from reuse.listings import services

    services.tick(session, now=utcnow())


def _flag(session: Session, *, item_ids: list[int], user_id: int) -> None:
    """One item through the item page, several through the item list's selection."""
    from app.auth.models import User
    from app.timeutil import utcnow
    from inventory.models import Item
    from reuse.listings import services
    from tests.reuse import making

    user = session.get(User, user_id)
    items = [session.get(Item, item_id) for item_id in item_ids]
    if len(items) == 1:
        making.flag(session, items[0], by=user)
    else:
        services.flag_many(session, items, may_edit=lambda item: True, reason="",
                           condition=None, collect_from="", asking_price=None, by=user,
                           now=utcnow())  # fmt: skip


def _close(session: Session, *, listing_id: int, user_id: int, closing: str) -> None:
    from app.auth.models import User
    from app.timeutil import utcnow
    from reuse.listings import closing as closings
    from reuse.listings.models import Closing, Listing

    closings.close_listing(session, session.get(Listing, listing_id), Closing(closing),
                           by=session.get(User, user_id), now=utcnow(), tag_prefix="R-",
                           tag_digits=5)  # fmt: skip


def _move(session: Session, *, item_id: int, storeroom_id: int, user_id: int) -> None:
    """A move from the item's page: into a storeroom, against the version the page showed."""
    from app.auth.models import User
    from app.timeutil import utcnow
    from inventory import whereabouts
    from inventory.models import Item, Storeroom

    item = session.get(Item, item_id)
    whereabouts.move_item(session, item, session.get(Storeroom, storeroom_id),
                          by=session.get(User, user_id), now=utcnow(),
                          expected_version=item.version)  # fmt: skip


ACTIONS: dict[str, Callable[..., None]] = {
    "approve": _approve,
    "hand_over": _hand_over,
    "cancel": _cancel,
    "withdraw": _withdraw,
    "tick": _tick,
    "flag": _flag,
    "close": _close,
    "move": _move,
}


def _work(url: str, jobs, results, barrier) -> None:
    from sqlalchemy.exc import DBAPIError

    from app import create_app
    from app.extensions import db
    from inventory.errors import InventoryError
    from reuse.errors import ReuseError

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        engine = db.engine
    while (job := jobs.get()) is not None:
        name, arguments = job
        with app.test_request_context(), Session(engine) as session:
            barrier.wait(timeout=TIMEOUT)
            try:
                ACTIONS[name](session, **arguments)
                session.commit()
                results.put("won")
            except (ReuseError, InventoryError) as error:  # the item's version guard too
                session.rollback()
                results.put(f"refused: {error}")
            except DBAPIError as error:  # a deadlock or lock timeout would show up here
                session.rollback()
                results.put(f"database error: {error.orig!r}")
            except Exception as error:  # reported, not hung on: the test fails and says why
                session.rollback()
                results.put(f"crashed: {error!r}")


class Racers:
    """Two worker processes; `race` runs one action in each at the same instant."""

    def __init__(self, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.barrier = context.Barrier(WORKERS)
        self.results = context.Queue()
        self.jobs = [context.Queue() for _ in range(WORKERS)]
        self.processes = [
            context.Process(
                target=_work, args=(url, jobs, self.results, self.barrier), daemon=True
            )  # fmt: skip
            for jobs in self.jobs
        ]
        for process in self.processes:
            process.start()

    def race(self, *actions: tuple[str, dict]) -> list[str]:
        """Each (name, arguments) in its own process; returns the outcomes, in no order."""
        assert len(actions) == WORKERS
        for jobs, action in zip(self.jobs, actions, strict=True):
            jobs.put(action)
        try:
            return [self.results.get(timeout=TIMEOUT) for _ in actions]
        except queue.Empty:
            raise AssertionError("a racing process did not answer") from None

    def stop(self) -> None:
        for jobs in self.jobs:
            jobs.put(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
