"""Who hears of what: requests, decisions, the ladder's reminders, wishes and watches.

The clock is passed in, so "a day later" is a later `now`; the tick's reminders are checked
for running twice, one after the other and at the same moment in two threads.
"""

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from reuse.demand import services as demand
from reuse.demand.models import Watch
from reuse.listings import closing
from reuse.listings import services as listing_services
from reuse.listings.models import Closing, Tier
from reuse.notices.models import MailState, Notification
from reuse.notices.notifications import Kind
from reuse.notices.text import describe
from reuse.outside import interests
from reuse.requests import services as request_services
from tests.reuse import making

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TAGS = {"tag_prefix": "INV-", "tag_digits": 6}


@pytest.fixture
def north(make_department):
    return make_department("Health centre north")


@pytest.fixture
def people(make_user, make_department, north):
    school = make_department("School")
    return {
        "manager": make_user(Role.MANAGER, department=north),
        "offerer": make_user(Role.REQUESTER, department=north),
        "facilities": make_user(Role.MANAGER, department=make_department("Facilities")),
        "elsewhere": make_user(Role.ADMIN, department=make_department("Home care")),
        "teacher": make_user(Role.REQUESTER, department=school),
        "nurse": make_user(Role.REQUESTER, department=make_department("Clinic")),
    }


@pytest.fixture
def offer(app, db_session, north, people, make_item, make_storeroom):
    """Offer an item of North, by the offerer, at `now`; returns the listing."""

    def make(name="Standing desk", now=NOW, quantity=1, **item_fields):
        item = make_item(name, department=north, quantity=quantity,
                         storeroom=item_fields.pop("storeroom", None) or make_storeroom(),
                         **item_fields)  # fmt: skip
        with app.test_request_context():
            listing = making.flag(
                db_session, item, quantity=quantity, by=people["offerer"], now=now
            )
        db_session.commit()
        return listing

    return make


def ask(app, db_session, listing, user, now=NOW):
    with app.test_request_context():
        request = making.ask(db_session, listing, user=user, deliver_place="Room 4", now=now)
    db_session.commit()
    return request


def tick(app, db_session, now):
    with app.test_request_context():
        listing_services.tick(db_session, now=now)
    db_session.commit()


def notices(db_session, user, kind=None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind.value)
    return list(db_session.scalars(query.order_by(Notification.id)))


def test_a_request_tells_the_facility_managers_and_the_offerer(app, db_session, offer, people):
    listing = offer()
    request = ask(app, db_session, listing, people["teacher"])
    for who in ("manager", "facilities", "offerer"):  # facility managers decide, wherever they sit
        [notice] = notices(db_session, people[who], Kind.REQUEST_NEW)
        assert (notice.listing_id, notice.request_id) == (listing.id, request.id)
        assert notice.params == {"item": "Standing desk", "tag": listing.item.tag,
                                 "department": "School", "quantity": 1}  # fmt: skip
        assert notice.mail_state == MailState.NONE  # no mail server in these tests
    assert notices(db_session, people["teacher"]) == []
    assert notices(db_session, people["elsewhere"]) == []  # another department's admin


def test_a_cancelled_request_tells_the_owners_and_a_requester_cancelled_for(
    app, db_session, offer, people
):
    from reuse.notices.text import describe

    listing = offer()
    first = ask(app, db_session, listing, people["teacher"])
    with app.test_request_context():
        request_services.approve(db_session, first, by=people["manager"], now=NOW)
        request_services.cancel(db_session, first, by=people["teacher"], now=NOW)  # their own
        db_session.commit()
        [told] = notices(db_session, people["manager"], Kind.REQUEST_CANCELLED)
        assert told.params["released"] is True
        assert "is offered again" in " ".join(describe(told).details)
    assert notices(db_session, people["teacher"], Kind.REQUEST_CANCELLED) == []  # did it
    second = ask(app, db_session, listing, people["nurse"])
    with app.test_request_context():
        request_services.cancel(db_session, second, by=people["manager"], now=NOW)  # for them
    db_session.commit()
    [told] = notices(db_session, people["nurse"], Kind.REQUEST_CANCELLED)
    assert told.params["released"] is False


def test_decisions_reach_the_requesters_with_the_message_and_handover(
    app, db_session, offer, people
):
    listing = offer()
    chosen = ask(app, db_session, listing, people["teacher"])
    other = ask(app, db_session, listing, people["nurse"])
    with app.test_request_context():
        request_services.approve(db_session, chosen, by=people["manager"], now=NOW,
                                 message="Monday at eight", handover_on=date(2026, 11, 30),
                                 carrier="Caretaker")  # fmt: skip
    db_session.commit()
    [approved] = notices(db_session, people["teacher"])
    assert approved.kind == Kind.REQUEST_APPROVED
    assert approved.params["message"] == "Monday at eight"
    assert approved.params["handover_on"] == "2026-11-30"
    assert approved.params["carrier"] == "Caretaker"
    [declined] = notices(db_session, people["nurse"])  # the last unit went to the school
    assert (declined.kind, declined.request_id) == (Kind.REQUEST_DECLINED, other.id)
    assert declined.params["message"] == "Everything offered has been reserved."
    assert notices(db_session, people["manager"], Kind.REQUEST_APPROVED) == []  # who decided


def test_a_declined_request_is_told_with_its_message(app, db_session, offer, people):
    request = ask(app, db_session, offer(), people["teacher"])
    with app.test_request_context():
        request_services.decline(
            db_session, request, by=people["manager"], now=NOW, message="Sorry"
        )
    db_session.commit()
    [notice] = notices(db_session, people["teacher"])
    assert (notice.kind, notice.params["message"]) == (Kind.REQUEST_DECLINED, "Sorry")


def test_going_outside_is_told_once_per_listing_and_tier(app, db_session, offer, people):
    listing = offer()  # the whole organisation for 14 days, then partners
    assert listing.tier == Tier.ORGANISATION
    tick(app, db_session, NOW + timedelta(days=10))  # four days left: not yet
    assert notices(db_session, people["manager"], Kind.GOING_OUTSIDE) == []
    for later in (timedelta(days=11, hours=1), timedelta(days=11, hours=2), timedelta(days=13)):
        tick(app, db_session, NOW + later)
    for who in ("manager", "offerer"):
        [notice] = notices(db_session, people[who], Kind.GOING_OUTSIDE)
        assert notice.params["tier"] == Tier.PARTNERS
        assert notice.params["leaves_at"] == listing.tier_ends_at.isoformat()
    tick(app, db_session, NOW + timedelta(days=14, minutes=1))  # now with partners
    tick(app, db_session, NOW + timedelta(days=26))  # partners to public: not "leaving" again
    db_session.refresh(listing)
    assert listing.tier == Tier.PARTNERS
    assert len(notices(db_session, people["manager"], Kind.GOING_OUTSIDE)) == 1


def test_a_listing_with_something_approved_is_not_said_to_go_outside(
    app, db_session, offer, people
):
    listing = offer(quantity=2)
    request = ask(app, db_session, listing, people["teacher"])
    with app.test_request_context():
        request_services.approve(db_session, request, by=people["manager"], now=NOW)
    db_session.commit()
    tick(app, db_session, NOW + timedelta(days=12))
    assert notices(db_session, people["manager"], Kind.GOING_OUTSIDE) == []


def race_ticks(app, now) -> None:
    """Two ticks at the same moment, each on its own connection, as two cron jobs would."""
    with app.app_context():
        from app.extensions import db

        engine = db.engine
    barrier = threading.Barrier(2)
    errors = []

    def run() -> None:
        with app.test_request_context(), Session(engine) as session:
            barrier.wait()
            try:
                listing_services.tick(session, now=now)
                session.commit()
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.parametrize("attempt", range(3))
def test_two_ticks_at_once_remind_once(app, db_session, offer, people, attempt):
    listing = offer()
    request = ask(app, db_session, offer(name="Shelf"), people["teacher"])
    with app.test_request_context():
        request_services.approve(db_session, request, by=people["manager"], now=NOW)
    db_session.commit()
    race_ticks(app, NOW + timedelta(days=12))
    db_session.expire_all()
    count = func.count(Notification.id)
    warned = select(count).where(Notification.kind == Kind.GOING_OUTSIDE.value,
                                 Notification.listing_id == listing.id)  # fmt: skip
    assert db_session.scalar(warned) == 3  # the two facility managers and the offerer, once each
    reminded = select(count).where(Notification.kind == Kind.HANDOVER_REMINDER.value)
    assert db_session.scalar(reminded) == 2  # the requester and the approver, once each


def test_handovers_are_reminded_once_a_day_until_done(app, db_session, offer, people):
    request = ask(app, db_session, offer(), people["teacher"])
    with app.test_request_context():
        request_services.approve(db_session, request, by=people["manager"], now=NOW)
    db_session.commit()
    tick(app, db_session, NOW + timedelta(hours=3))  # the day of approval: told already
    assert notices(db_session, people["teacher"], Kind.HANDOVER_REMINDER) == []
    tick(app, db_session, NOW + timedelta(days=1))
    tick(app, db_session, NOW + timedelta(days=1, hours=5))  # the same day again
    for who in ("teacher", "manager"):
        assert len(notices(db_session, people[who], Kind.HANDOVER_REMINDER)) == 1
    tick(app, db_session, NOW + timedelta(days=2))
    assert len(notices(db_session, people["teacher"], Kind.HANDOVER_REMINDER)) == 2
    with app.test_request_context():
        request_services.hand_over(db_session, request, by=people["manager"], now=NOW, **TAGS)
    db_session.commit()
    tick(app, db_session, NOW + timedelta(days=3))
    assert len(notices(db_session, people["teacher"], Kind.HANDOVER_REMINDER)) == 2


def test_a_handover_planned_later_is_reminded_from_the_day_before(app, db_session, offer, people):
    request = ask(app, db_session, offer(), people["teacher"])
    with app.test_request_context():
        request_services.approve(db_session, request, by=people["manager"], now=NOW,
                                 handover_on=date(2026, 12, 1))  # fmt: skip
    db_session.commit()
    tick(app, db_session, datetime(2026, 11, 29, 9, tzinfo=UTC))
    assert notices(db_session, people["teacher"], Kind.HANDOVER_REMINDER) == []
    tick(app, db_session, datetime(2026, 11, 30, 9, tzinfo=UTC))
    [notice] = notices(db_session, people["teacher"], Kind.HANDOVER_REMINDER)
    assert notice.params["handover_on"] == "2026-12-01"


# --- wishes ---------------------------------------------------------------------------------------


def wish(db_session, user, *, words="", category=None, site=None):
    made = demand.add_wish(db_session, user, words=words, category=category, site=site, now=NOW)
    db_session.commit()
    return made


def test_a_wish_hears_of_a_matching_listing_before_anyone_outside(
    app, db_session, offer, people, make_category, make_storeroom, make_user, make_department
):
    furniture = make_category("Furniture")
    desks = make_category("Desks", parent=furniture)
    chairs = make_category("Chairs", parent=furniture)
    room = make_storeroom()
    other_room = make_storeroom()
    wish(db_session, people["teacher"], words="standing DESK", category=furniture)
    wish(db_session, people["nurse"], words="desk", site=room.site)
    wish(db_session, people["nurse"], category=desks)  # a second match: told once
    not_told = {
        "own department": wish(db_session, people["offerer"], words="desk"),
        "other words": wish(db_session, people["elsewhere"], words="rollator"),
        "other category": wish(db_session, make_user(department=make_department()),
                               category=chairs),
        "other site": wish(db_session, make_user(department=make_department()), words="desk",
                           site=other_room.site),
    }  # fmt: skip
    listing = offer("Standing desk, electric", category=desks, storeroom=room)
    for who in ("teacher", "nurse"):
        [notice] = notices(db_session, people[who], Kind.WISH_MATCH)
        assert notice.listing_id == listing.id
    assert notices(db_session, people["teacher"])[0].params["wish"] == "standing DESK · Furniture"
    for why, unmatched in not_told.items():
        assert notices(db_session, unmatched.user, Kind.WISH_MATCH) == [], why
    # Told while the listing is inside: nobody outside can see it yet.
    db_session.refresh(listing)
    assert listing.tier == Tier.ORGANISATION < Tier.PARTNERS


def test_a_wish_waits_until_the_whole_organisation_sees_the_listing(app, db_session, offer, people):
    settings = listing_services.reuse_settings(db_session)
    settings.department_days = 3
    db_session.commit()
    wish(db_session, people["teacher"], words="desk")
    listing = offer()
    assert listing.tier == Tier.DEPARTMENT
    assert notices(db_session, people["teacher"]) == []  # the school cannot see it yet
    tick(app, db_session, NOW + timedelta(days=3, minutes=1))
    [notice] = notices(db_session, people["teacher"], Kind.WISH_MATCH)
    db_session.refresh(listing)
    assert listing.tier == Tier.ORGANISATION
    tick(app, db_session, NOW + timedelta(days=17, minutes=2))  # on to partners: not again
    assert len(notices(db_session, people["teacher"], Kind.WISH_MATCH)) == 1


def test_an_empty_wish_is_refused(db_session, people):
    with pytest.raises(demand.DemandError, match="Name a category or some words"):
        demand.add_wish(db_session, people["teacher"], words="  ", category=None, site=None,
                        now=NOW)  # fmt: skip


# --- watches --------------------------------------------------------------------------------------


def test_watching_twice_keeps_one_watch_and_stopping_removes_it(db_session, offer, people):
    listing = offer()
    for _ in range(2):
        demand.set_watch(db_session, listing, people["nurse"], on=True, now=NOW)
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(Watch)) == 1
    demand.set_watch(db_session, listing, people["nurse"], on=False, now=NOW)
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(Watch)) == 0


def test_watchers_hear_of_a_wider_audience_a_reservation_and_the_end(
    app, db_session, offer, people
):
    climbing, reserved, withdrawn, closed = (offer(name) for name in ("A", "B", "C", "D"))
    watcher = people["nurse"]
    for listing in (climbing, reserved, withdrawn, closed):
        demand.set_watch(db_session, listing, watcher, on=True, now=NOW)
        demand.set_watch(db_session, listing, people["manager"], on=True, now=NOW)
    db_session.commit()
    request = ask(app, db_session, reserved, people["teacher"])
    with app.test_request_context():
        request_services.approve(db_session, request, by=people["manager"], now=NOW)
        listing_services.withdraw(db_session, withdrawn, by=people["manager"], now=NOW)
        closing.close_listing(db_session, closed, Closing.RECYCLED, by=people["manager"],
                              now=NOW, **TAGS)  # fmt: skip
    db_session.commit()
    tick(app, db_session, NOW + timedelta(days=14, minutes=1))  # A climbs to partners
    seen = {(n.listing_id, n.kind) for n in notices(db_session, watcher)}
    assert seen == {
        (climbing.id, Kind.WATCH_CLIMBED),
        (reserved.id, Kind.WATCH_RESERVED),
        (withdrawn.id, Kind.WATCH_WITHDRAWN),
        (closed.id, Kind.WATCH_CLOSED),
    }
    by_listing = {n.listing_id: n for n in notices(db_session, watcher)}
    assert by_listing[climbing.id].params["tier"] == Tier.PARTNERS
    assert by_listing[reserved.id].params["left"] == 0
    assert by_listing[closed.id].params["closing"] == "recycled"
    manager_saw = {n.kind for n in notices(db_session, people["manager"])
                   if n.kind.startswith("watch_")}  # fmt: skip
    assert manager_saw == {Kind.WATCH_CLIMBED}  # not told of what they did themselves


def test_a_notice_reads_in_the_readers_language(app, people):
    notice = Notification(user_id=people["teacher"].id, kind=Kind.WISH_MATCH.value,
                          params={"item": "Standing desk", "wish": "desk"})  # fmt: skip
    with app.test_request_context():
        assert describe(notice).title == "Standing desk is offered, and matches your wish."
        with force_locale("sv"):
            text = describe(notice)
    assert text.title == "Standing desk erbjuds och passar ditt önskemål."
    assert text.details == ["Ditt önskemål: desk"]


def test_unknown_kinds_still_say_what_they_are_about(app):
    notice = Notification(kind="something_new", params={"item": "Desk"})
    with app.test_request_context():
        assert describe(notice).title == "News about Desk"


def test_the_value_avoided_of_a_buy_check_comes_from_the_item_or_its_category(
    app, db_session, offer, people, make_category
):
    desks = make_category("Desks", replacement_value=Decimal("4000"))
    valued = offer(replacement_value=Decimal("2500"), category=desks)
    plain = offer(name="Old desk", category=desks)
    cases = [(valued, 3, Decimal("7500")), (plain, 2, Decimal("8000")), (None, 1, Decimal("4000"))]
    for listing, quantity, expected in cases:
        check = demand.record_buy_check(
            db_session, people["teacher"], category=desks, words="", quantity=quantity,
            outcome=demand.BuyCheckOutcome.FOUND_REQUESTED, listing=listing, now=NOW,
        )  # fmt: skip
        assert check.value_avoided == expected
    nothing = demand.record_buy_check(
        db_session, people["teacher"], category=desks, words="", quantity=5,
        outcome=demand.BuyCheckOutcome.NOTHING_SUITABLE, listing=None, now=NOW,
    )  # fmt: skip
    assert (
        nothing.value_avoided is None and nothing.department_id == people["teacher"].department_id
    )


def test_interest_from_outside_tells_the_owners(app, db_session, offer, people):
    listing = offer()
    listing.tier = Tier.PUBLIC
    db_session.commit()
    limits = interests.InterestLimits(per_sender_per_hour=5, per_listing_per_day=5)
    interests.register_interest(
        db_session, listing, name="Eva Ek", organisation="Åby Re-use", email="eva@aby.example",
        phone="", message="We can collect on Friday.", client_hash="c" * 64, partner=None,
        limits=limits, now=NOW,
    )  # fmt: skip
    db_session.commit()
    for who in ("manager", "offerer"):
        [notice] = notices(db_session, people[who], Kind.INTEREST_NEW)
        assert (notice.listing_id, notice.params["who"]) == (listing.id, "Åby Re-use")
    assert notices(db_session, people["elsewhere"]) == []
