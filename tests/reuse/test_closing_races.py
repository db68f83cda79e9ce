"""Reliability F for closing: a closing raced between two processes against an approval of
the last unit, a second closing (a double click) and a withdrawal, released together by a
barrier, 50 times on PostgreSQL. Exactly one wins each time, and nothing is half done."""

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import Item, ItemStatus
from reuse.listings.models import Listing, ListingStatus
from reuse.requests.models import RequestStatus, TransferRequest
from reuse.savings.models import ReuseOutcome
from tests.reuse import making
from tests.reuse.racing import REPEAT


@pytest.fixture
def world(app, db_session, make_user, make_department, make_item):
    """An owner's manager and a factory of listings, each with one request from a school."""
    owner = make_user(Role.MANAGER, department=make_department("Health centre north"))
    school = make_user(Role.REQUESTER, department=make_department("School"))
    rounds = iter(range(10_000))

    def listing(offered: int = 1, lot: int = 1) -> tuple[Listing, TransferRequest]:
        item = make_item(f"Desk {next(rounds)}", department=owner.department, quantity=lot)
        with app.test_request_context():
            made = making.flag(db_session, item, quantity=offered, by=owner)
            request = making.ask(db_session, made, user=school)
        db_session.commit()
        return made, request

    return owner, listing


def kinds(outcomes: list[str]) -> list[str]:
    return sorted(outcome.split(":")[0] for outcome in outcomes)


def outcomes_of(db_session, listing_id: int) -> int:
    return db_session.scalar(select(func.count()).select_from(ReuseOutcome)
                             .where(ReuseOutcome.listing_id == listing_id))  # fmt: skip


def test_closing_against_approving_the_last_unit_one_wins(racers, db_session, world):
    owner, listing = world
    for _ in range(REPEAT):
        made, request = listing()
        results = racers.race(
            ("close", {"listing_id": made.id, "user_id": owner.id, "closing": "scrapped"}),
            ("approve", {"request_id": request.id, "user_id": owner.id}),
        )
        assert kinds(results) == ["refused", "won"], results
        db_session.expire_all()
        after, item = db_session.get(Listing, made.id), db_session.get(Item, made.item_id)
        status = db_session.get(TransferRequest, request.id).status
        if after.status == ListingStatus.CLOSED:
            assert (item.status, status, after.reserved) == (
                ItemStatus.DISPOSED, RequestStatus.DECLINED, 0)  # fmt: skip
            assert outcomes_of(db_session, made.id) == 1
        else:
            assert (item.status, status, after.reserved) == (
                ItemStatus.RESERVED, RequestStatus.APPROVED, 1)  # fmt: skip
            assert outcomes_of(db_session, made.id) == 0


def test_a_double_clicked_closing_of_part_of_a_lot_splits_it_once(racers, db_session, world):
    owner, listing = world
    for _ in range(REPEAT):
        made, _request = listing(offered=2, lot=5)
        close = ("close", {"listing_id": made.id, "user_id": owner.id, "closing": "given_away"})
        results = racers.race(close, close)
        assert kinds(results) == ["refused", "won"], results
        db_session.expire_all()
        lot = db_session.get(Item, made.item_id)
        parts = db_session.scalars(select(Item).where(Item.split_from_id == lot.id)).all()
        assert (lot.quantity, lot.status, len(parts)) == (3, ItemStatus.IN_USE, 1)  # back in use
        assert (parts[0].quantity, parts[0].status) == (2, ItemStatus.DISPOSED)
        assert outcomes_of(db_session, made.id) == 1


def test_closing_against_withdrawing_one_outcome(racers, db_session, world):
    owner, listing = world
    for _ in range(REPEAT):
        made, _request = listing()
        results = racers.race(
            ("close", {"listing_id": made.id, "user_id": owner.id, "closing": "recycled"}),
            ("withdraw", {"listing_id": made.id, "user_id": owner.id}),
        )
        assert kinds(results) == ["refused", "won"], results
        db_session.expire_all()
        after, item = db_session.get(Listing, made.id), db_session.get(Item, made.item_id)
        if after.status == ListingStatus.CLOSED:
            assert item.status == ItemStatus.DISPOSED and outcomes_of(db_session, made.id) == 1
        else:
            assert after.status == ListingStatus.WITHDRAWN
            assert item.status == ItemStatus.IN_USE and outcomes_of(db_session, made.id) == 0
