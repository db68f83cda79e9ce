"""The listing and request workflows: their tables, and the one compare-and-set that moves
rows through them."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.auth.roles import Role
from app.states import advance, reachable
from reuse.listings import states as listings
from reuse.listings.models import Listing
from reuse.requests import states as requests
from reuse.requests.models import TransferRequest
from tests.reuse import making

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "states, start, table, final",
    [
        (listings.ListingStatus, listings.OPEN, listings.TRANSITIONS,
         {listings.CLOSED, listings.WITHDRAWN}),
        (requests.RequestStatus, requests.PENDING, requests.TRANSITIONS, requests.FINAL),
    ],
)  # fmt: skip
def test_every_state_is_reachable_and_the_final_ones_have_no_way_out(states, start, table, final):
    assert reachable(start, table) == set(states)
    assert not [move.name for move in table if move.sources & final]
    names = [move.name for move in table]
    assert len(names) == len(set(names))


def test_advance_moves_a_row_only_from_the_transitions_starting_states(
    app, db_session, make_user, make_department, make_item
):
    owner = make_user(Role.MANAGER, department=make_department("North"))
    asker = make_user(Role.REQUESTER, department=make_department("School"))
    with app.test_request_context():
        listing = making.flag(db_session, make_item("Desk", department=owner.department), by=owner)
        request = making.ask(db_session, listing, user=asker)
    db_session.commit()

    def move(transition) -> int:
        return advance(db_session, TransferRequest, transition, TransferRequest.id == request.id)

    assert move(requests.HAND_OVER) == 0  # not approved yet
    assert move(requests.APPROVE) == 1
    assert move(requests.APPROVE) == 0  # a double click finds it moved on
    assert move(requests.HAND_OVER) == 1
    assert move(requests.CANCEL_APPROVED) == 0  # completed is final
    db_session.commit()
    assert db_session.scalar(select(TransferRequest.status)) == requests.COMPLETED
    # A guard the caller adds holds too: nothing withdrawn while something is reserved.
    listing.reserved = 1
    db_session.commit()
    guarded = advance(db_session, Listing, listings.WITHDRAW, Listing.id == listing.id,
                      Listing.reserved == 0)  # fmt: skip
    assert guarded == 0 and db_session.scalar(select(Listing.status)) == listings.OPEN


def test_listings_and_requests_change_only_through_a_transition():
    """No UPDATE of either table is written by hand: `advance` is the only one."""
    hand_written = re.compile(r"update\((Listing|TransferRequest)\)")
    found = [
        str(path.relative_to(ROOT))
        for folder in ("app", "reuse", "inventory", "labels", "imports")
        for path in (ROOT / folder).rglob("*.py")
        if hand_written.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    "table, column",
    [("listings", "status"), ("listings", "closing"), ("transfer_requests", "status"),
     ("transfer_requests", "handover_mode")],
)  # fmt: skip
def test_the_database_refuses_a_state_its_workflow_does_not_know(
    app, db_session, make_user, make_department, make_item, table, column
):
    """Even a raw UPDATE (a script, an import's SQL) cannot store an unknown state."""
    owner = make_user(Role.MANAGER, department=make_department("North"))
    asker = make_user(Role.REQUESTER, department=make_department("School"))
    with app.test_request_context():
        listing = making.flag(db_session, make_item("Desk", department=owner.department), by=owner)
        making.ask(db_session, listing, user=asker)
    db_session.commit()
    with pytest.raises(IntegrityError):
        db_session.execute(text(f"UPDATE {table} SET {column} = 'lost'"))
    db_session.rollback()
