"""Reliability G1 for reuse: each action leaves exactly one row in the item's history, with
the actor, written in the same transaction as the change (a refusal leaves none)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import EventKind, ItemEvent
from reuse.errors import ReuseError
from reuse.listings import services as listing_services
from reuse.requests import services as request_services
from tests.reuse import making


@pytest.fixture
def people(make_user, make_department):
    north = make_department("North")
    return {
        "owner": make_user(Role.REQUESTER, department=north),
        "manager": make_user(Role.MANAGER, department=north),
        "school": make_user(Role.REQUESTER, department=make_department("School")),
        "library": make_user(Role.REQUESTER, department=make_department("Library")),
    }


def new_events(db_session, since: int) -> list[tuple[EventKind, int | None]]:
    rows = db_session.execute(
        select(ItemEvent.kind, ItemEvent.user_id).where(ItemEvent.id > since)
        .order_by(ItemEvent.id)
    ).all()  # fmt: skip
    return [tuple(row) for row in rows]


def last_id(db_session) -> int:
    return db_session.scalar(select(ItemEvent.id).order_by(ItemEvent.id.desc()).limit(1)) or 0


def test_every_reuse_action_is_one_history_row_with_its_actor(
    app, db_session, people, make_item, make_storeroom
):
    owner, manager, school, library = (people[k] for k in ("owner", "manager", "school",
                                                          "library"))  # fmt: skip
    desk = make_item("Desk", department=owner.department, storeroom=make_storeroom(), quantity=2)
    now = utcnow()

    def ask(user):
        return making.ask(db_session, listing, user=user, now=now)

    def step(action, *expected: tuple[EventKind, int | None]) -> None:
        mark = last_id(db_session)
        action()
        db_session.flush()
        assert new_events(db_session, mark) == list(expected), action

    with app.test_request_context():
        listing = making.flag(db_session, desk, quantity=2, by=owner, now=now)
        assert new_events(db_session, 0)[-1] == (EventKind.FLAGGED, owner.id)
        first, second = ask(school), ask(library)
        assert new_events(db_session, 0)[-2:] == [(EventKind.REQUESTED, school.id),
                                                  (EventKind.REQUESTED, library.id)]  # fmt: skip
        step(lambda: request_services.decline(db_session, first, by=manager, now=now),
             (EventKind.REQUEST_DECLINED, manager.id))  # fmt: skip
        step(lambda: request_services.approve(db_session, second, by=manager, now=now),
             (EventKind.RESERVED, manager.id))  # fmt: skip
        step(lambda: request_services.cancel(db_session, second, by=library, now=now),
             (EventKind.REQUEST_CANCELLED, library.id))  # fmt: skip
        listing.tier_ends_at = now - timedelta(seconds=1)
        step(lambda: listing_services.tick(db_session, now=now),
             (EventKind.OFFERED_WIDER, None))  # the ladder itself: no person  # fmt: skip
        step(lambda: listing_services.withdraw(db_session, listing, by=manager, now=now),
             (EventKind.EDITED, manager.id))  # fmt: skip
        db_session.commit()


def test_a_refused_action_leaves_no_history_row(app, db_session, people, make_item):
    owner, school = people["owner"], people["school"]
    desk = make_item("Desk", department=owner.department)
    with app.test_request_context():
        listing = making.flag(db_session, desk, quantity=1, by=owner)
        db_session.commit()
        mark = last_id(db_session)
        with pytest.raises(ReuseError):
            making.ask(db_session, listing, user=school, quantity=5)
        db_session.rollback()
    assert new_events(db_session, mark) == []
