"""Races with real threads and separate connections, on SQLite and PostgreSQL alike."""

import threading

from sqlalchemy.orm import Session

from app.timeutil import utcnow
from inventory import disposals, item_records, whereabouts
from inventory.errors import InventoryError
from inventory.models import Disposition, EventKind, Item, ItemStatus


def race(engine, item_id: int, *actions) -> list[str]:
    """Run each action on its own session at the same moment; return 'ok' or the error's name."""
    barrier = threading.Barrier(len(actions))
    results: list[str] = []

    def run(action) -> None:
        with Session(engine) as session:
            item = session.get(Item, item_id)
            seen = item.version
            barrier.wait()
            try:
                action(session, item, seen)
                session.commit()
                results.append("ok")
            except InventoryError as error:
                session.rollback()
                results.append(type(error).__name__)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


def edit(text):
    def action(session, item, seen):
        item_records.update_item(
            session, item, {"notes": text}, expected_version=seen, by=None, now=utcnow()
        )

    return action


def test_two_simultaneous_edits_only_one_wins(db_session, make_item):
    item = make_item(notes="")
    for round_ in range(5):
        results = race(db_session.get_bind(), item.id, edit(f"A{round_}"), edit(f"B{round_}"))
        assert results == ["StaleItem", "ok"]
    db_session.expire_all()
    edits = [e for e in db_session.get(Item, item.id).events if e.kind == EventKind.EDITED]
    assert len(edits) == 5  # one per round: the loser left no trace


def test_move_racing_dispose_has_one_outcome(db_session, make_item, make_storeroom):
    item = make_item()
    room = make_storeroom()

    def move(session, item, seen):
        whereabouts.move_item(
            session, item, session.merge(room), by=None, now=utcnow(), expected_version=seen
        )

    def dispose(session, item, seen):
        disposals.dispose_item(
            session, item, Disposition.SCRAPPED, by=None, now=utcnow(), expected_version=seen
        )

    assert race(db_session.get_bind(), item.id, move, dispose) == ["StaleItem", "ok"]
    db_session.expire_all()
    fresh = db_session.get(Item, item.id)
    assert len(fresh.events) == 2  # created + the single winner
    assert (fresh.status == ItemStatus.DISPOSED) != (fresh.storeroom_id == room.id)
