"""Reliability F: transfers raced between two processes, released together by a barrier.

Each race is repeated (50 times on PostgreSQL, the production database; fewer on SQLite,
which takes one writer at a time anyway): a lost race that shows up once in fifty is still
a lost race.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import EventKind, Item, ItemEvent, ItemStatus
from reuse.listings.models import Listing, ListingStatus, Tier
from reuse.requests import services
from reuse.requests.models import RequestStatus, TransferRequest
from tests.reuse import making
from tests.reuse.racing import REPEAT


@pytest.fixture
def world(app, db_session, make_user, make_department, make_item, make_storeroom):
    """An owner's manager, and a factory of listings with requests from other departments."""
    owner = make_user(Role.MANAGER, department=make_department("Health centre north"))
    askers = [make_user(Role.REQUESTER, department=make_department(f"School {n}")) for n in (1, 2)]
    rounds = iter(range(10_000))

    def listing(quantity: int = 1, requests: int = 2) -> tuple[Listing, list[TransferRequest]]:
        n = next(rounds)
        item = make_item(f"Desk {n}", department=owner.department, quantity=quantity,
                         storeroom=make_storeroom())  # fmt: skip
        with app.test_request_context():
            offered = making.flag(db_session, item, quantity=quantity, by=owner)
            asked = [making.ask(db_session, offered, user=asker) for asker in askers[:requests]]
        db_session.commit()
        return offered, asked

    return owner, listing


def kinds(outcomes: list[str]) -> list[str]:
    return sorted(outcome.split(":")[0] for outcome in outcomes)


def events(db_session, item_id: int, kind: EventKind) -> int:
    return db_session.scalar(
        select(func.count()).select_from(ItemEvent)
        .where(ItemEvent.item_id == item_id, ItemEvent.kind == kind)
    )  # fmt: skip


def test_f1_two_approvals_for_the_last_unit_one_wins(racers, db_session, world):
    owner, listing = world
    for _ in range(REPEAT):
        offered, (x, y) = listing()
        outcomes = racers.race(
            ("approve", {"request_id": x.id, "user_id": owner.id}),
            ("approve", {"request_id": y.id, "user_id": owner.id}),
        )
        assert kinds(outcomes) == ["refused", "won"], outcomes
        db_session.expire_all()
        statuses = sorted(db_session.get(TransferRequest, r.id).status for r in (x, y))
        assert statuses == [RequestStatus.APPROVED, RequestStatus.DECLINED]
        assert db_session.get(Listing, offered.id).reserved == 1
        assert events(db_session, offered.item_id, EventKind.RESERVED) == 1


def test_f3_a_double_clicked_approval_and_handover_take_effect_once(racers, db_session, world):
    owner, listing = world
    for _ in range(REPEAT):
        offered, (x,) = listing(quantity=3, requests=1)
        approve = ("approve", {"request_id": x.id, "user_id": owner.id})
        assert kinds(racers.race(approve, approve)) == ["refused", "won"]
        hand_over = ("hand_over", {"request_id": x.id, "user_id": owner.id})
        assert kinds(racers.race(hand_over, hand_over)) == ["refused", "won"]
        db_session.expire_all()
        lot = db_session.get(Item, offered.item_id)
        assert lot.quantity == 2  # one unit split off, once
        assert db_session.scalar(select(func.count()).select_from(Item)
                                 .where(Item.split_from_id == lot.id)) == 1  # fmt: skip
        assert db_session.get(Listing, offered.id).quantity == 2


def test_f7_approval_against_withdrawal_one_outcome(racers, db_session, world):
    owner, listing = world
    for _ in range(REPEAT):
        offered, (x,) = listing(requests=1)
        outcomes = racers.race(
            ("approve", {"request_id": x.id, "user_id": owner.id}),
            ("withdraw", {"listing_id": offered.id, "user_id": owner.id}),
        )
        assert kinds(outcomes) == ["refused", "won"], outcomes
        db_session.expire_all()
        after = db_session.get(Listing, offered.id)
        request = db_session.get(TransferRequest, x.id)
        item = db_session.get(Item, offered.item_id)
        if after.status == ListingStatus.WITHDRAWN:  # never withdrawn and approved both
            assert request.status == RequestStatus.DECLINED and after.reserved == 0
            assert item.status == ItemStatus.IN_STORAGE
        else:
            assert request.status == RequestStatus.APPROVED and after.reserved == 1
            assert item.status == ItemStatus.RESERVED


def test_f7_the_ladder_against_an_approval_never_offers_an_approved_item_outside(
    racers, db_session, world
):
    owner, listing = world
    for _ in range(REPEAT):
        offered, (x,) = listing(requests=1)
        offered.tier_ends_at = utcnow() - timedelta(seconds=1)  # due to climb right now
        db_session.commit()
        outcomes = racers.race(("approve", {"request_id": x.id, "user_id": owner.id}),
                               ("tick", {}))  # fmt: skip
        assert kinds(outcomes) == ["won", "won"], outcomes
        db_session.expire_all()
        after = db_session.get(Listing, offered.id)
        assert after.reserved == 1 and after.available == 0  # nothing left to show outside
        climbed = events(db_session, offered.item_id, EventKind.OFFERED_WIDER)
        assert climbed == (1 if after.tier == Tier.PARTNERS else 0)


def test_f8_two_ladder_runs_at_once_move_each_listing_once(racers, db_session, world):
    owner, listing = world
    for _ in range(REPEAT):
        offered, _requests = listing(requests=0)
        offered.tier_ends_at = utcnow() - timedelta(seconds=1)
        db_session.commit()
        assert kinds(racers.race(("tick", {}), ("tick", {}))) == ["won", "won"]
        db_session.expire_all()
        assert db_session.get(Listing, offered.id).tier == Tier.PARTNERS  # one step, not two
        assert events(db_session, offered.item_id, EventKind.OFFERED_WIDER) == 1


def test_f5_the_selection_path_and_the_single_path_offer_an_item_once(
    racers, db_session, world, make_item
):
    owner, _listing = world
    for n in range(REPEAT):
        items = [make_item(f"Chair {n}-{i}", department=owner.department) for i in range(5)]
        outcomes = racers.race(
            ("flag", {"item_ids": [i.id for i in items], "user_id": owner.id}),
            ("flag", {"item_ids": [items[2].id], "user_id": owner.id}),
        )
        assert all(o == "won" or o.startswith("refused") for o in outcomes), outcomes
        db_session.expire_all()
        counts = db_session.execute(
            select(Listing.item_id, func.count()).where(Listing.item_id.in_([i.id for i in items]))
            .group_by(Listing.item_id)
        ).all()  # fmt: skip
        assert all(count == 1 for _id, count in counts), counts
        assert events(db_session, items[2].id, EventKind.FLAGGED) == 1


def test_a_handover_racing_the_approval_of_another_request_on_the_lot_both_win(
    app, racers, db_session, world
):
    """One department collects its part of a lot while the owner approves another's: the two
    take their locks in the same order (the listing first), so neither waits for ever."""
    owner, listing = world
    for _ in range(REPEAT):
        offered, (x, y) = listing(quantity=3)
        with app.test_request_context():
            services.approve(db_session, x, by=owner, now=utcnow())
        db_session.commit()
        outcomes = racers.race(
            ("hand_over", {"request_id": x.id, "user_id": owner.id}),
            ("approve", {"request_id": y.id, "user_id": owner.id}),
        )
        assert kinds(outcomes) == ["won", "won"], outcomes
        db_session.expire_all()
        assert db_session.get(TransferRequest, x.id).status == RequestStatus.COMPLETED
        assert db_session.get(TransferRequest, y.id).status == RequestStatus.APPROVED
        after = db_session.get(Listing, offered.id)
        assert (after.quantity, after.reserved) == (2, 1)
        assert db_session.get(Item, offered.item_id).quantity == 2


def test_a_requester_cancelling_while_the_owner_approves_leaves_one_outcome(
    racers, db_session, world
):
    owner, listing = world
    for _ in range(REPEAT):
        offered, (x,) = listing(requests=1)
        outcomes = racers.race(
            ("cancel", {"request_id": x.id, "user_id": x.requested_by_id}),
            ("approve", {"request_id": x.id, "user_id": owner.id}),
        )
        assert all(o == "won" or o.startswith("refused") for o in outcomes), outcomes
        db_session.expire_all()
        request, after = db_session.get(TransferRequest, x.id), db_session.get(Listing, offered.id)
        item = db_session.get(Item, offered.item_id)
        if request.status == RequestStatus.CANCELLED:  # approved first, or never
            assert after.reserved == 0 and item.status == ItemStatus.OFFERED
        else:
            assert kinds(outcomes) == ["refused", "won"], outcomes
            assert request.status == RequestStatus.APPROVED and after.reserved == 1
            assert item.status == ItemStatus.RESERVED
