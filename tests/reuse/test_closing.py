"""Closing a listing: each way it can end, what it needs, who may, and the races around it.

Races run in real threads, each with its own connection, against SQLite or PostgreSQL
(TEST_DATABASE_URL): the database decides who wins, as in production.
"""

import secrets
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals
from inventory.errors import ItemNotAvailable
from inventory.models import Disposition, EventKind, Item, ItemEvent, ItemStatus
from reuse.errors import Conflict, ReuseError
from reuse.listings import closing
from reuse.listings import services as listing_services
from reuse.listings.models import Closing, ExternalMode, Listing, ListingStatus
from reuse.outside.models import Partner, PartnerKind
from reuse.requests import services as request_services
from reuse.requests.models import RequestStatus, TransferRequest
from reuse.savings.models import ReuseOutcome
from tests.reuse import making
from tests.reuse.racing import race

TODAY = date(2026, 11, 23)
TAGS = {"tag_prefix": "INV-", "tag_digits": 6}


@pytest.fixture
def owner(make_user, make_department):
    return make_user(Role.MANAGER, department=make_department("Health centre north"))


@pytest.fixture
def chairs(make_category):
    return make_category("Chairs", replacement_value=Decimal("1200.00"), co2e_kg=Decimal("35.5"))


@pytest.fixture
def offer(db_session, app, owner, make_item, make_storeroom, chairs):
    """Flag (part of) a lot of chairs of the owner's department; returns the listing."""

    def make(quantity: int = 1, lot: int = 1, **fields) -> Listing:
        item = make_item("Chair", department=owner.department, quantity=lot, category=chairs,
                         storeroom=make_storeroom(), **fields)  # fmt: skip
        with app.test_request_context():
            listing = making.flag(
                db_session,
                item,
                quantity=quantity,
                reason="Moved out",
                collect_from="Back door",
                by=owner,
            )
        db_session.commit()
        return listing

    return make


@pytest.fixture
def partner(db_session):
    partner = Partner(name="Second Chance AB", kind=PartnerKind.SECOND_HAND,
                      token_hash=secrets.token_hex(32))  # fmt: skip
    db_session.add(partner)
    db_session.commit()
    return partner


def close(app, db_session, listing, how, by, **kw):
    with app.test_request_context():
        part = closing.close_listing(db_session, listing, how, by=by, now=utcnow(), **TAGS, **kw)
    db_session.commit()
    return part


def ask(app, db_session, listing, department_name, make_user, make_department, quantity=1):
    user = make_user(Role.REQUESTER, department=make_department(department_name))
    with app.test_request_context():
        request = making.ask(
            db_session, listing, user=user, quantity=quantity, deliver_place="Room 12", today=TODAY
        )
    db_session.commit()
    return request


def events(db_session, item_id):
    return db_session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)
    ).all()


def outcomes(db_session):
    return db_session.scalars(select(ReuseOutcome).order_by(ReuseOutcome.id)).all()


@pytest.mark.parametrize(
    "how, disposition, reused",
    [
        (Closing.GIVEN_AWAY, Disposition.GIVEN_AWAY, True),
        (Closing.TO_PARTNER, Disposition.TO_PARTNER, True),
        (Closing.RECYCLED, Disposition.RECYCLED, False),
        (Closing.SCRAPPED, Disposition.SCRAPPED, False),
    ],
    ids=str,
)
def test_closing_disposes_of_the_item_with_its_disposition(
    db_session, app, offer, owner, partner, how, disposition, reused
):
    listing = offer()
    extra = {"partner": partner} if how == Closing.TO_PARTNER else {"closed_to": "Neighbours"}
    item = close(app, db_session, listing, how, owner, note="Collected", **extra)
    assert item.id == listing.item_id
    assert (item.status, item.disposition) == (ItemStatus.DISPOSED, disposition)
    db_session.refresh(listing)
    assert (listing.status, listing.closing, listing.closed_by_id) == (
        ListingStatus.CLOSED, how.value, owner.id)  # fmt: skip
    assert listing.closed_at is not None and listing.sale_price is None
    flagged, disposed = events(db_session, item.id)[-2:]  # one row for the closing (G1)
    assert flagged.kind == EventKind.FLAGGED
    assert disposed.kind == EventKind.DISPOSED and disposed.user_id == owner.id
    assert disposed.changes == {"status": ["offered", "disposed"],
                                "disposition": [None, disposition.value]}  # fmt: skip
    assert disposed.at == listing.closed_at and "Collected" in disposed.note_text
    [outcome] = outcomes(db_session)
    assert (outcome.kind, outcome.quantity, outcome.department_id, outcome.item_id) == (
        how.value, 1, owner.department_id, item.id)  # fmt: skip
    if reused:  # the category's figures, one unit
        assert (outcome.value_avoided, outcome.co2e_kg) == (Decimal("1200.00"), Decimal("35.50"))
    else:  # recycling and scrapping avoid no purchase
        assert (outcome.value_avoided, outcome.co2e_kg) == (None, None)
    if how == Closing.TO_PARTNER:
        assert (listing.partner_id, listing.closed_to) == (partner.id, "Second Chance AB")


def test_a_sale_records_its_price_as_revenue(db_session, app, offer, owner):
    listing = offer(quantity=2, lot=2, replacement_value=Decimal("900.00"))
    close(app, db_session, listing, Closing.SOLD, owner, sale_price=Decimal("350.00"),
          closed_to="Buyer AB")  # fmt: skip
    db_session.refresh(listing)
    assert (listing.sale_price, listing.closed_to) == (Decimal("350.00"), "Buyer AB")
    [outcome] = outcomes(db_session)
    assert (outcome.kind, outcome.quantity, outcome.revenue) == ("sold", 2, Decimal("350.00"))
    assert outcome.value_avoided == Decimal("1800.00")  # the item's own value wins, times 2
    assert outcome.co2e_kg == Decimal("71.00")
    assert "350.00" in events(db_session, listing.item_id)[-1].note_text


def test_closing_part_of_a_lot_splits_it_and_keeps_the_rest_in_stock(db_session, app, offer, owner):
    listing = offer(quantity=3, lot=10)
    part = close(app, db_session, listing, Closing.RECYCLED, owner)
    lot = db_session.get(Item, listing.item_id)
    assert (part.quantity, part.split_from_id, part.status) == (3, lot.id, ItemStatus.DISPOSED)
    assert part.disposition == Disposition.RECYCLED and part.tag != lot.tag
    assert (lot.quantity, lot.status, lot.disposition) == (7, ItemStatus.IN_STORAGE, None)
    back, split = events(db_session, lot.id)[-2:]
    assert back.changes == {"status": ["offered", "in_storage"]} and back.user_id == owner.id
    assert split.kind == EventKind.SPLIT and split.changes == {"quantity": [10, 7]}
    assert [e.kind for e in events(db_session, part.id)] == [EventKind.SPLIT, EventKind.DISPOSED]
    [outcome] = outcomes(db_session)
    assert (outcome.item_id, outcome.quantity) == (part.id, 3)


@pytest.mark.parametrize(
    "how, kw, message",
    [
        (Closing.SOLD, {}, "A sale needs its price"),
        (Closing.SOLD, {"sale_price": Decimal("-1")}, "cannot be negative"),
        (Closing.GIVEN_AWAY, {"sale_price": Decimal("10")}, "Only a sale has a price"),
        (Closing.TO_PARTNER, {"closed_to": "  "}, "Choose a partner"),
        (Closing.WITHDRAWN, {}, "Choose how the listing ends"),
    ],
)
def test_a_closing_without_what_it_needs_is_refused_and_changes_nothing(
    db_session, app, offer, owner, how, kw, message
):
    listing = offer()
    with app.test_request_context(), pytest.raises(ReuseError, match=message):
        closing.close_listing(db_session, listing, how, by=owner, now=utcnow(), **TAGS, **kw)
    db_session.rollback()
    assert db_session.get(Listing, listing.id).status == ListingStatus.OPEN
    assert db_session.get(Item, listing.item_id).status == ItemStatus.OFFERED
    assert outcomes(db_session) == []


def test_a_partner_no_longer_in_the_directory_is_refused(db_session, app, offer, owner, partner):
    partner.active = False
    db_session.commit()
    with app.test_request_context(), pytest.raises(ReuseError, match="no longer"):
        closing.close_listing(db_session, offer(), Closing.TO_PARTNER, by=owner, now=utcnow(),
                              partner=partner, **TAGS)  # fmt: skip


@pytest.mark.parametrize(
    "mode, refused, message",
    [
        (ExternalMode.SELL, Closing.GIVEN_AWAY, "may only sell"),
        (ExternalMode.GIVE, Closing.SOLD, "may only give"),
    ],
)
def test_the_organisations_rule_for_the_outside_is_kept(
    db_session, app, offer, owner, mode, refused, message
):
    listing_services.reuse_settings(db_session).external_mode = mode
    db_session.commit()
    assert refused not in closing.closings_allowed(listing_services.reuse_settings(db_session))
    listing = offer()
    with app.test_request_context(), pytest.raises(ReuseError, match=message):
        closing.close_listing(db_session, listing, refused, by=owner, now=utcnow(),
                              sale_price=Decimal("5"), **TAGS)  # fmt: skip
    db_session.rollback()
    allowed = Closing.SOLD if mode == ExternalMode.SELL else Closing.GIVEN_AWAY
    price = Decimal("5") if allowed == Closing.SOLD else None
    close(app, db_session, listing, allowed, owner, sale_price=price)
    assert db_session.get(Listing, listing.id).closing == allowed.value


def test_pending_requests_are_declined_with_a_notice(
    db_session, app, offer, owner, make_user, make_department
):
    listing = offer()
    request = ask(app, db_session, listing, "School", make_user, make_department)
    close(app, db_session, listing, Closing.SCRAPPED, owner)
    db_session.refresh(request)
    assert request.status == RequestStatus.DECLINED
    assert request.decision_message == "The listing was closed: Scrapped."


def test_an_approved_request_must_be_cancelled_or_handed_over_first(
    db_session, app, offer, owner, make_user, make_department
):
    listing = offer(quantity=2, lot=2)
    request = ask(app, db_session, listing, "School", make_user, make_department)
    with app.test_request_context():
        request_services.approve(db_session, request, by=owner, now=utcnow())
    db_session.commit()
    with app.test_request_context(), pytest.raises(Conflict, match="cancel the request"):
        closing.close_listing(db_session, listing, Closing.SCRAPPED, by=owner, now=utcnow(), **TAGS)
    db_session.rollback()
    assert db_session.get(Listing, listing.id).status == ListingStatus.OPEN
    assert db_session.get(TransferRequest, request.id).status == RequestStatus.APPROVED


def test_closing_a_closed_listing_again_says_who_closed_it(db_session, app, offer, owner):
    listing = offer()
    close(app, db_session, listing, Closing.RECYCLED, owner)
    with app.test_request_context(), pytest.raises(Conflict) as refused:
        closing.close_listing(db_session, listing, Closing.SCRAPPED, by=owner, now=utcnow(), **TAGS)
    assert str(refused.value) == f"This listing was already closed by {owner}: Recycled."
    db_session.rollback()
    assert db_session.get(Item, listing.item_id).disposition == Disposition.RECYCLED
    assert len(outcomes(db_session)) == 1


def test_a_withdrawn_listing_cannot_be_closed(db_session, app, offer, owner):
    listing = offer()
    with app.test_request_context():
        listing_services.withdraw(db_session, listing, by=owner, now=utcnow())
    db_session.commit()
    with app.test_request_context(), pytest.raises(Conflict, match="Withdrawn"):
        closing.close_listing(db_session, listing, Closing.SCRAPPED, by=owner, now=utcnow(), **TAGS)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": ItemStatus.DISPOSED, "disposition": Disposition.LOST}, "now: Disposed"),
        ({"quantity": 1}, "quantity changed meanwhile"),
    ],
    ids=["disposed", "fewer"],
)
def test_an_item_changed_by_another_path_is_not_closed(
    db_session, app, offer, owner, change, message
):
    """Another path (an import, an edit) changed the item after the listing was made."""
    listing = offer(quantity=2, lot=2)
    db_session.execute(update(Item).where(Item.id == listing.item_id)
                       .values(version=Item.version + 1, **change))  # fmt: skip
    db_session.commit()
    with app.test_request_context(), pytest.raises(Conflict, match=message):
        closing.close_listing(db_session, listing, Closing.SCRAPPED, by=owner, now=utcnow(), **TAGS)
    db_session.rollback()
    assert db_session.get(Listing, listing.id).status == ListingStatus.OPEN
    assert outcomes(db_session) == []


# --- outcomes of a handover --------------------------------------------------------------------


def test_a_handover_records_what_was_transferred_and_avoided(
    db_session, app, offer, owner, make_user, make_department
):
    listing = offer(quantity=3, lot=5)
    request = ask(app, db_session, listing, "School", make_user, make_department, quantity=3)
    with app.test_request_context():
        request_services.approve(db_session, request, by=owner, now=utcnow())
        part = request_services.hand_over(db_session, request, by=owner, now=utcnow(), **TAGS)
    db_session.commit()
    [outcome] = outcomes(db_session)
    assert (outcome.kind, outcome.quantity, outcome.item_id) == ("transferred", 3, part.id)
    assert outcome.department_id == owner.department_id  # the giver, before the move
    assert outcome.receiving_department_id == request.department_id == part.department_id
    assert (outcome.value_avoided, outcome.co2e_kg) == (Decimal("3600.00"), Decimal("106.50"))
    assert outcome.revenue is None and outcome.by_id == owner.id


# --- races --------------------------------------------------------------------------------------


@pytest.mark.parametrize("attempt", range(5))
def test_a_double_clicked_closing_takes_effect_once(db_session, app, offer, owner, attempt):
    listing = offer(quantity=2, lot=5)
    listing_id, owner_id = listing.id, owner.id

    def close_it(session: Session, how: Closing) -> None:
        closing.close_listing(session, session.get(Listing, listing_id), how,
                              by=session.get(User, owner_id), now=utcnow(), **TAGS)  # fmt: skip

    results = race(app, close_it, [Closing.SCRAPPED, Closing.RECYCLED])
    assert sorted(r.split(":")[0] for r in results) == ["refused", "won"], results
    assert "already closed" in next(r for r in results if r != "won")
    db_session.expire_all()
    assert len(outcomes(db_session)) == 1
    assert db_session.scalar(select(func.count()).select_from(Item)) == 2  # one split, once
    assert db_session.get(Item, listing.item_id).quantity == 3


@pytest.mark.parametrize("attempt", range(5))
def test_closing_and_approving_the_last_unit_cannot_both_win(
    db_session, app, offer, owner, make_user, make_department, attempt
):
    listing = offer()
    request = ask(app, db_session, listing, f"School {attempt}", make_user, make_department)
    listing_id, request_id, owner_id = listing.id, request.id, owner.id

    def act(session: Session, what: str) -> None:
        by = session.get(User, owner_id)
        if what == "close":
            closing.close_listing(session, session.get(Listing, listing_id), Closing.SCRAPPED,
                                  by=by, now=utcnow(), **TAGS)  # fmt: skip
        else:
            request_services.approve(session, session.get(TransferRequest, request_id), by=by,
                                     now=utcnow())  # fmt: skip

    results = race(app, act, ["close", "approve"])
    assert sorted(r.split(":")[0] for r in results) == ["refused", "won"], results
    db_session.expire_all()
    stored = db_session.get(Listing, listing_id)
    item = db_session.get(Item, listing.item_id)
    request = db_session.get(TransferRequest, request_id)
    if stored.status == ListingStatus.CLOSED:  # the closing won: the request was declined
        assert item.status == ItemStatus.DISPOSED and request.status == RequestStatus.DECLINED
        assert stored.reserved == 0 and len(outcomes(db_session)) == 1
    else:  # the approval won: nothing was disposed
        assert item.status == ItemStatus.RESERVED and request.status == RequestStatus.APPROVED
        assert stored.reserved == 1 and outcomes(db_session) == []


@pytest.mark.parametrize("attempt", range(3))
def test_closing_and_withdrawing_at_once_end_the_listing_once(
    db_session, app, offer, owner, attempt
):
    listing = offer()
    listing_id, owner_id = listing.id, owner.id

    def act(session: Session, what: str) -> None:
        stored, by = session.get(Listing, listing_id), session.get(User, owner_id)
        if what == "close":
            closing.close_listing(session, stored, Closing.SCRAPPED, by=by, now=utcnow(), **TAGS)
        else:
            listing_services.withdraw(session, stored, by=by, now=utcnow())

    results = race(app, act, ["close", "withdraw"])
    assert sorted(r.split(":")[0] for r in results) == ["refused", "won"], results
    db_session.expire_all()
    item = db_session.get(Item, listing.item_id)
    if db_session.get(Listing, listing_id).status == ListingStatus.CLOSED:
        assert item.status == ItemStatus.DISPOSED
    else:
        assert item.status == ItemStatus.IN_STORAGE and outcomes(db_session) == []


def test_a_category_without_figures_of_its_own_uses_its_parents(
    db_session, app, owner, chairs, make_category, make_item
):
    office = make_category("Office chair", parent=chairs)
    item = make_item("Chair", department=owner.department, category=office)
    with app.test_request_context():
        listing = making.flag(db_session, item, quantity=1, by=owner)
    close(app, db_session, listing, Closing.GIVEN_AWAY, owner)
    [outcome] = outcomes(db_session)
    assert (outcome.category_id, outcome.value_avoided, outcome.co2e_kg) == (
        office.id, Decimal("1200.00"), Decimal("35.50"))  # fmt: skip


def test_an_offered_item_is_disposed_of_only_by_closing_its_listing(db_session, app, offer, owner):
    listing = offer()
    with app.test_request_context(), pytest.raises(ItemNotAvailable, match="cannot be disposed"):
        disposals.dispose_item(db_session, listing.item, Disposition.SCRAPPED, by=owner,
                               now=utcnow())  # fmt: skip
