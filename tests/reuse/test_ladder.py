"""The ladder's settings and windows: what an admin sets, what a manager changes, the tick."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.auth.roles import Role
from app.background import background
from app.extensions import db
from app.timeutil import utcnow
from inventory.models import EventKind, ItemEvent
from reuse.listings.models import ExternalMode, Listing, ReuseSettings, Tier
from tests.reuse import making


def test_an_admin_sets_the_windows_and_new_listings_follow_them(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    login(client, make_user(Role.ADMIN, department=north))
    response = client.post("/reuse/settings", data={
        "department_days": "3", "organisation_days": "10", "partner_days": "0",
        "external_mode": "sell"})  # fmt: skip
    assert response.status_code == 302
    settings = db_session.scalar(select(ReuseSettings))
    assert (settings.department_days, settings.organisation_days, settings.partner_days,
            settings.external_mode) == (3, 10, 0, ExternalMode.SELL)  # fmt: skip

    making.offer_page(client, make_item("Desk", department=north))
    listing = db_session.scalar(select(Listing))
    assert listing.tier == Tier.DEPARTMENT  # three days for the department first
    assert listing.tier_ends_at - listing.tier_started_at == timedelta(days=3)


def test_settings_out_of_range_are_refused_and_change_nothing(client, login, db_session, make_user):
    login(client, make_user(Role.ADMIN))
    page = client.post("/reuse/settings", data={
        "department_days": "-1", "organisation_days": "1000", "partner_days": "x",
        "external_mode": "give"})  # fmt: skip
    assert page.status_code == 200 and "between 0 and 365" in page.text
    settings = db_session.scalar(select(ReuseSettings))
    assert (settings.organisation_days, settings.external_mode) == (14, ExternalMode.BOTH)


def test_a_manager_extends_a_listings_window_and_the_history_says_so(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north)
    login(client, make_user(Role.MANAGER, department=north))
    making.offer_page(client, desk)
    listing = db_session.scalar(select(Listing))
    was = listing.tier_ends_at
    later = (was + timedelta(days=20)).date()
    response = client.post(f"/reuse/listings/{listing.id}/window", data={"ends_on": later})
    assert response.status_code == 302
    db_session.expire_all()
    listing = db_session.get(Listing, listing.id)
    assert listing.tier_ends_at > was + timedelta(days=19)
    event = db_session.scalars(select(ItemEvent).where(ItemEvent.item_id == desk.id)
                               .order_by(ItemEvent.id.desc())).first()  # fmt: skip
    assert event.kind == EventKind.EDITED and "window_ends" in event.changes

    past = client.post(f"/reuse/listings/{listing.id}/window",
                       data={"ends_on": (utcnow() - timedelta(days=2)).date()},
                       follow_redirects=True)  # fmt: skip
    assert "has not passed" in past.text
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).tier_ends_at > was


def test_the_tick_command_moves_listings_whose_window_ended(
    runner, client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    login(client, make_user(Role.MANAGER, department=north))
    making.offer_page(client, make_item("Desk", department=north))
    listing = db_session.scalar(select(Listing))
    listing.tier_ends_at = utcnow() - timedelta(minutes=1)
    db_session.commit()
    result = runner.invoke(args=["reuse", "tick"])
    assert result.exit_code == 0 and "1 listing(s)" in result.output
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).tier == Tier.PARTNERS
    again = runner.invoke(args=["reuse", "tick"])
    assert "0 listing(s)" in again.output  # a second cron run moves nothing twice


@pytest.fixture
def worker_queue(app):
    """The queue of a worker started with REUSE_TICK_SECONDS=600, on the test database."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    worker = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REUSE_TICK_SECONDS": 600}
    )
    yield background(worker).huey
    with worker.app_context():
        db.engine.dispose()


def test_reading_pages_does_not_move_the_ladder_and_the_worker_ticks_it(
    app, client, login, db_session, make_user, make_department, make_item, worker_queue
):
    def ticks_at(minute: int) -> list:  # what the worker's scheduler queues at 12:minute
        due = worker_queue.read_periodic(datetime(2030, 1, 1, 12, minute))
        return [task for task in due if task.name == "reuse_tick"]

    north = make_department("North")
    login(client, make_user(Role.MANAGER, department=north))
    making.offer_page(client, make_item("Desk", department=north))
    listing = db_session.scalar(select(Listing))
    listing.tier_ends_at = utcnow() - timedelta(minutes=1)
    db_session.commit()
    for url in ("/reuse", f"/reuse/listings/{listing.id}", "/items", "/inbox"):
        assert client.get(url).status_code == 200
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).tier == Tier.ORGANISATION  # GET changed nothing
    assert ticks_at(5) == []  # every 10 minutes
    [tick] = ticks_at(10)
    worker_queue.execute(tick)  # as a worker thread does with what the scheduler queued
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).tier == Tier.PARTNERS


def test_an_offered_item_links_to_its_listing(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north)
    login(client, make_user(Role.REQUESTER, department=north))
    making.offer_page(client, desk)
    listing = db_session.scalar(select(Listing))
    assert f"/reuse/listings/{listing.id}" in client.get(f"/items/{desk.id}").text


def test_the_first_tier_is_the_owning_department_and_its_site(
    client, login, db_session, make_user, make_department, make_item, make_storeroom
):
    """With a window for the department, a neighbour at the same site sees and may ask for
    the listing before the rest of the organisation; a department elsewhere does not."""
    north, clinic, school = (make_department(n) for n in ("North", "Clinic", "School"))
    settings = ReuseSettings(department_days=5, organisation_days=14, partner_days=14)
    db_session.add(settings)
    db_session.commit()
    store = make_storeroom(code="N1", department=north)
    make_storeroom(code="C1", site=store.site, department=clinic)  # the clinic shares the site
    make_storeroom(code="S1", department=school)  # the school is elsewhere
    desk = make_item("Walnut bookcase", department=north, storeroom=store)
    login(client, make_user(Role.REQUESTER, department=north))
    making.offer_page(client, desk)
    listing = db_session.scalar(select(Listing))
    assert listing.tier == Tier.DEPARTMENT
    client.post("/logout")

    login(client, make_user(Role.REQUESTER, department=clinic))
    assert "Walnut bookcase" in client.get("/reuse").text
    asked = client.post(f"/reuse/listings/{listing.id}/request",
                        data={"quantity": "1", "deliver_place": "Room 2"})  # fmt: skip
    assert asked.status_code == 302
    client.post("/logout")

    login(client, make_user(Role.REQUESTER, department=school))
    assert "Walnut bookcase" not in client.get("/reuse").text
    assert client.get(f"/reuse/listings/{listing.id}").status_code == 404
    client.post("/logout")

    login(client, make_user(Role.STAFF, department=school))  # sees it, to look after it
    assert client.get(f"/reuse/listings/{listing.id}").status_code == 200
    early = client.post(f"/reuse/listings/{listing.id}/request",
                        data={"quantity": "1", "deliver_place": "Hall"}, follow_redirects=True)  # fmt: skip
    assert "may ask for it first" in early.text
    db_session.expire_all()
    assert len(db_session.get(Listing, listing.id).requests) == 1  # the clinic's only
