"""Reuse services: the ladder, requests, decisions and handover, and the races between them.

Races run in real threads, each with its own connection, against SQLite or PostgreSQL
(TEST_DATABASE_URL): the database decides who wins, as in production.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import Condition, EventKind, Item, ItemEvent, ItemStatus
from reuse.errors import Conflict, ReuseError
from reuse.listings import services as listing_services
from reuse.listings.models import Listing, ListingStatus, Tier
from reuse.requests import services as request_services
from reuse.requests.models import RequestStatus, TransferRequest
from tests.reuse import making
from tests.reuse.racing import race

TODAY = date(2026, 11, 23)


@pytest.fixture
def owner(make_user, make_department):
    return make_user(Role.MANAGER, department=make_department("Health centre north"))


@pytest.fixture
def offer(db_session, app, owner, make_item, make_storeroom):
    """Flag (part of) an item of the owner's department; returns the listing."""

    def make(quantity: int = 1, lot: int = 1, **kw) -> Listing:
        item = make_item("Desk", department=owner.department, quantity=lot,
                         storeroom=make_storeroom())  # fmt: skip
        with app.test_request_context():
            listing = making.flag(
                db_session,
                item,
                quantity=quantity,
                reason="Moved out",
                collect_from="Back door",
                by=owner,
                **kw,
            )
        db_session.commit()
        return listing

    return make


@pytest.fixture
def requester(make_user, make_department):
    def make(name: str) -> object:
        return make_user(Role.REQUESTER, department=make_department(name))

    return make


def ask(app, db_session, listing, user, quantity=1, **kw) -> TransferRequest:
    with app.test_request_context():
        request = making.ask(
            db_session,
            listing,
            user=user,
            quantity=quantity,
            needed_by=kw.get("needed_by"),
            deliver_place=kw.get("place", "Room 12"),
            today=TODAY,
        )
    db_session.commit()
    return request


def test_flagging_offers_the_item_and_skips_a_zero_day_department_window(db_session, offer, owner):
    listing = offer()
    assert listing.item.status == ItemStatus.OFFERED
    assert listing.tier == Tier.ORGANISATION  # the department window is 0 days by default
    assert listing.tier_ends_at == listing.tier_started_at + timedelta(days=14)
    kinds = db_session.scalars(select(ItemEvent.kind).where(ItemEvent.item_id == listing.item_id))
    assert EventKind.FLAGGED in kinds.all()


def test_an_item_is_offered_once(db_session, app, offer, owner):
    listing = offer()
    with app.test_request_context(), pytest.raises(ReuseError, match="already offered"):
        making.flag(db_session, listing.item, quantity=1, by=owner)


def test_the_ladder_climbs_only_when_nothing_is_approved(db_session, app, offer, requester, owner):
    quiet, wanted = offer(), offer()
    request = ask(app, db_session, wanted, requester("School"))
    with app.test_request_context():
        request_services.approve(db_session, request, by=owner, now=utcnow())
        db_session.commit()
        later = utcnow() + timedelta(days=15)
        assert listing_services.tick(db_session, now=later) == 1
        assert listing_services.tick(db_session, now=later) == 0  # a second tick moves nothing
    db_session.commit()
    db_session.refresh(quiet)
    db_session.refresh(wanted)
    assert (quiet.tier, wanted.tier) == (Tier.PARTNERS, Tier.ORGANISATION)


@pytest.mark.parametrize(
    "quantity, kw, message",
    [
        (5, {}, "Only 1 available"),
        (1, {"needed_by": TODAY - timedelta(days=1)}, "needed-by date has passed"),
        (1, {"place": " "}, "Say where it should go"),
    ],
)
def test_a_bad_request_is_refused_with_a_reason(
    db_session, app, offer, requester, quantity, kw, message
):
    listing = offer()
    with pytest.raises(ReuseError, match=message):
        ask(app, db_session, listing, requester("School"), quantity, **kw)


def test_own_department_and_closed_listings_cannot_be_requested(
    db_session, app, offer, owner, make_user, requester
):
    listing = offer()
    colleague = make_user(Role.REQUESTER, department=owner.department)
    with pytest.raises(ReuseError, match="your own department"):
        ask(app, db_session, listing, colleague)
    with app.test_request_context():
        listing_services.withdraw(db_session, listing, by=owner, now=utcnow())
    db_session.commit()
    assert listing.item.status == ItemStatus.IN_STORAGE
    with pytest.raises(ReuseError, match="no longer open"):
        ask(app, db_session, listing, requester("School"))


def test_a_double_clicked_request_requests_once(db_session, app, offer, requester):
    listing = offer()
    user = requester("School")
    ask(app, db_session, listing, user)
    with pytest.raises(Conflict, match="already asked"):
        ask(app, db_session, listing, user)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(TransferRequest)) == 1


@pytest.mark.parametrize("attempt", range(5))
def test_two_approvals_racing_for_the_last_unit_cannot_both_win(
    db_session, app, offer, owner, requester, attempt
):
    listing = offer()
    requests = [ask(app, db_session, listing, requester(f"Dept {attempt}-{n}")) for n in (1, 2)]

    def approve(session: Session, request_id: int) -> None:
        request = session.get(TransferRequest, request_id)
        request_services.approve(session, request, by=session.merge(owner), now=utcnow())

    outcomes = race(app, approve, [r.id for r in requests])
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "won"], outcomes
    db_session.expire_all()
    statuses = sorted(db_session.get(TransferRequest, r.id).status for r in requests)
    assert statuses == [RequestStatus.APPROVED, RequestStatus.DECLINED]
    assert db_session.get(Listing, listing.id).reserved == 1
    assert db_session.get(Item, listing.item_id).status == ItemStatus.RESERVED


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_clicked_approval_takes_effect_once(
    db_session, app, offer, owner, requester, attempt
):
    listing = offer(quantity=3, lot=3)
    request = ask(app, db_session, listing, requester(f"School {attempt}"))

    def approve(session: Session, request_id: int) -> None:
        request_services.approve(session, session.get(TransferRequest, request_id),
                                 by=session.merge(owner), now=utcnow())  # fmt: skip

    outcomes = race(app, approve, [request.id, request.id])
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "won"], outcomes
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).reserved == 1  # not 2


def test_handover_of_part_of_a_lot_splits_it(
    db_session, app, offer, owner, requester, make_storeroom
):
    listing = offer(quantity=4, lot=10)
    school = requester("School")
    request = ask(app, db_session, listing, school, quantity=3)
    with app.test_request_context():
        request_services.approve(db_session, request, by=owner, now=utcnow(), handover_on=TODAY,
                                 carrier="Caretaker")  # fmt: skip
        part = request_services.hand_over(db_session, request, by=owner, now=utcnow(), tag_prefix="INV-",
                                          tag_digits=6)  # fmt: skip
    db_session.commit()
    lot = db_session.get(Item, listing.item_id)
    assert (lot.quantity, part.quantity, part.split_from_id) == (7, 3, lot.id)
    assert part.department_id == school.department_id and part.tag != lot.tag
    assert part.place == "Room 12" and part.status == ItemStatus.IN_USE
    assert (listing.quantity, listing.reserved, listing.status) == (1, 0, ListingStatus.OPEN)
    assert lot.status == ItemStatus.OFFERED  # one unit is still on offer
    assert request.status == RequestStatus.COMPLETED and request.received_item_id == part.id
    kinds = set(db_session.scalars(select(ItemEvent.kind).where(ItemEvent.item_id == part.id)))
    assert {EventKind.SPLIT, EventKind.TRANSFERRED} <= kinds


def test_handover_of_a_whole_item_moves_it_and_closes_the_listing(
    db_session, app, offer, owner, requester
):
    listing = offer()
    school = requester("School")
    request = ask(app, db_session, listing, school)
    with app.test_request_context():
        request_services.approve(db_session, request, by=owner, now=utcnow())
        item = request_services.hand_over(db_session, request, by=owner, now=utcnow(), tag_prefix="INV-",
                                          tag_digits=6)  # fmt: skip
        with pytest.raises(Conflict):  # a second scan of the label changes nothing
            request_services.hand_over(db_session, request, by=owner, now=utcnow(), tag_prefix="INV-",
                                       tag_digits=6)  # fmt: skip
    db_session.commit()
    assert item.id == listing.item_id and item.department_id == school.department_id
    assert listing.status == ListingStatus.CLOSED and listing.closing == "transferred"


def test_cancelling_an_approved_request_puts_the_quantity_back(
    db_session, app, offer, owner, requester
):
    listing = offer()
    request = ask(app, db_session, listing, requester("School"))
    with app.test_request_context():
        request_services.approve(db_session, request, by=owner, now=utcnow())
        db_session.commit()
        request_services.cancel(db_session, request, by=owner, now=utcnow())
    db_session.commit()
    db_session.refresh(listing)
    assert listing.reserved == 0 and listing.item.status == ItemStatus.OFFERED
    with app.test_request_context(), pytest.raises(Conflict):
        request_services.approve(db_session, request, by=owner, now=utcnow())  # an old tab


def test_f6_only_the_edges_of_the_request_state_machine_are_possible(
    db_session, app, offer, owner, requester
):
    """Old tabs and e-mailed links: each illegal step is a conflict and changes nothing."""
    listing = offer(quantity=3, lot=3)
    declined, cancelled, done, pending = (
        ask(app, db_session, listing, requester(f"Dept {n}")) for n in range(4)
    )
    with app.test_request_context():
        request_services.decline(db_session, declined, by=owner, now=utcnow())
        request_services.cancel(db_session, cancelled, by=owner, now=utcnow())
        request_services.approve(db_session, done, by=owner, now=utcnow())
        request_services.hand_over(db_session, done, by=owner, now=utcnow(), tag_prefix="R-",
                                   tag_digits=4)  # fmt: skip
        db_session.commit()
        illegal = [
            (request_services.approve, declined), (request_services.approve, cancelled),
            (request_services.approve, done), (request_services.decline, done), (request_services.cancel, done),
            (request_services.hand_over, pending),  # received before it was approved
        ]  # fmt: skip
        for step, request in illegal:
            before = (request.status, db_session.get(Listing, listing.id).reserved)
            kwargs = (
                {"tag_prefix": "R-", "tag_digits": 4} if step is request_services.hand_over else {}
            )
            with pytest.raises(Conflict):
                step(db_session, request, by=owner, now=utcnow(), **kwargs)
            db_session.rollback()
            assert (request.status, db_session.get(Listing, listing.id).reserved) == before


def test_nobody_decides_on_their_own_departments_request(
    db_session, app, offer, make_user, make_department
):
    """A facility manager sits in a department too: asking for it there and approving it
    oneself would be one person deciding both sides."""
    listing = offer()
    school = make_department("School")
    manager = make_user(Role.MANAGER, department=school)
    colleague = make_user(Role.ADMIN, department=school)
    request = ask(app, db_session, listing, manager)
    with app.test_request_context():
        for who in (manager, colleague):
            for step in (request_services.approve, request_services.decline):
                with pytest.raises(ReuseError, match="decided by someone else"):
                    step(db_session, request, by=who, now=utcnow())
                db_session.rollback()
    assert db_session.get(TransferRequest, request.id).status == RequestStatus.PENDING
    assert db_session.get(Listing, listing.id).reserved == 0


def test_an_offered_items_quantity_and_department_stay_until_its_listing_ends(
    db_session, app, offer, owner, make_department
):
    from inventory import item_records
    from inventory.errors import ItemNotAvailable

    listing = offer(quantity=3, lot=5)
    item = listing.item
    with app.test_request_context():
        for change in ({"quantity": 2}, {"department": make_department("Elsewhere")}):
            with pytest.raises(ItemNotAvailable, match="offered for reuse"):
                item_records.update_item(db_session, item, change, expected_version=None, by=owner,
                                         now=utcnow())  # fmt: skip
            db_session.rollback()
        item_records.update_item(db_session, item, {"name": "Desk, oak", "quantity": 5},
                                 expected_version=None, by=owner, now=utcnow())  # fmt: skip
        db_session.commit()
    assert db_session.get(Item, item.id).name == "Desk, oak"  # other fields may change


def test_history_shows_a_condition_changed_when_offering(db_session, app, owner, make_item):
    chair = make_item("Chair", department=owner.department)
    with app.test_request_context():
        making.flag(db_session, chair, quantity=1, condition=Condition.BROKEN, by=owner)
        db_session.commit()
    flagged = db_session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == chair.id, ItemEvent.kind == EventKind.FLAGGED)
    ).one()  # fmt: skip
    assert flagged.changes["condition"] == ["good", "broken"]


def test_the_rest_of_a_lot_back_in_stock_after_the_last_handover_is_in_its_history(
    db_session, app, offer, owner, requester
):
    listing = offer(quantity=2, lot=5)
    request = ask(app, db_session, listing, requester("School"), quantity=2)
    with app.test_request_context():
        request_services.approve(db_session, request, by=owner, now=utcnow())
        request_services.hand_over(db_session, request, by=owner, now=utcnow(), tag_prefix="R-",
                                   tag_digits=4)  # fmt: skip
        db_session.commit()
    last = db_session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == listing.item_id)
        .order_by(ItemEvent.id.desc())
    ).first()  # fmt: skip
    assert last.changes == {"status": ["reserved", "in_storage"]}


def test_approving_for_an_item_disposed_meanwhile_fails_with_its_state(
    db_session, app, offer, owner, requester
):
    """Disposal by hand is refused for an offered item, but an item can still leave by other
    paths (an old import, a database fix): the approval then says what happened."""
    listing = offer()
    request = ask(app, db_session, listing, requester("School"))
    item = db_session.get(Item, listing.item_id)
    item.status = ItemStatus.DISPOSED
    db_session.commit()
    with app.test_request_context(), pytest.raises(Conflict, match="now: Disposed"):
        request_services.approve(db_session, request, by=owner, now=utcnow())
    db_session.rollback()
    assert db_session.get(TransferRequest, request.id).status == RequestStatus.PENDING
    assert db_session.get(Listing, listing.id).reserved == 0
