"""Listings and transfer requests in the API (reuse/api_views.py): each call's answer, what it
changes (the listing, the request, the item and its history, as the pages change them), and
its refusals: 409 for a state that forbids it, 404 for what the user may not see, 403 for a
role that sees but may not act, 422 for a malformed body; a refused call changes nothing."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import EventKind, Item, ItemEvent, ItemStatus, Storeroom
from reuse import access
from reuse.listings.models import Listing, ListingStatus, ReuseSettings
from reuse.notices.models import Notification
from reuse.requests import services as request_services
from reuse.requests.models import RequestStatus, TransferRequest
from tests.reuse import making

LATER = (utcnow() + timedelta(days=7)).date().isoformat()


@pytest.fixture
def town(db_session, make_department, make_user, make_storeroom, make_item):
    """North offers; the school and the clinic ask; facility managers decide. North and the
    clinic share a site, the school and the third department are elsewhere."""
    north, school, clinic, third, facilities = (
        make_department(name) for name in ("North", "School", "Clinic", "Third", "Facilities")
    )
    north_room = make_storeroom(code="N1", department=north)
    make_storeroom(code="C1", site=north_room.site, department=clinic)
    school_room = make_storeroom(code="S1", department=school)
    return SimpleNamespace(
        north=north, school=school, clinic=clinic, third=third, north_room=north_room,
        school_room=school_room,
        owner=make_user(Role.REQUESTER, department=north),
        teacher=make_user(Role.REQUESTER, department=school),
        nurse=make_user(Role.REQUESTER, department=clinic),
        outsider=make_user(Role.REQUESTER, department=third),
        staff=make_user(Role.STAFF, department=facilities),
        manager=make_user(Role.MANAGER, department=facilities),
        other_manager=make_user(Role.MANAGER, department=facilities),
        school_manager=make_user(Role.MANAGER, department=school),
        desk=make_item("Standing desk", department=north, storeroom=north_room),
        chairs=make_item("Stacking chair", department=north, storeroom=north_room, quantity=3),
    )  # fmt: skip


@pytest.fixture
def offered(app, db_session, town):
    """Make a listing of `item` (the desk), offered by North's owner, through the service."""

    def make(item=None, quantity=None):
        with app.test_request_context():
            listing = making.flag(db_session, item or town.desk, by=town.owner, quantity=quantity)
        db_session.commit()
        return listing

    return make


@pytest.fixture
def asked(app, db_session, town):
    """Make a request of `listing` by `user` (the teacher), through the service."""

    def make(listing, user=None, quantity=1):
        with app.test_request_context():
            transfer = making.ask(db_session, listing, user=user or town.teacher, quantity=quantity)
        db_session.commit()
        return transfer

    return make


def department_tier_first(db_session):
    """Listings stay with their department (and its site) for five days before the rest."""
    db_session.add(ReuseSettings(department_days=5, organisation_days=14, partner_days=14))
    db_session.commit()


def state(db_session):
    """Everything a reuse call may change: listings, requests, items, history, notices."""
    db_session.expire_all()

    def rows(*columns):
        return db_session.execute(select(*columns).order_by(columns[0])).all()

    return (
        rows(Listing.id, Listing.status, Listing.quantity, Listing.reserved, Listing.closing),
        rows(TransferRequest.id, TransferRequest.status, TransferRequest.decided_by_id),
        rows(Item.id, Item.status, Item.department_id, Item.quantity, Item.version),
        db_session.scalar(select(func.count()).select_from(ItemEvent)),
        db_session.scalar(select(func.count()).select_from(Notification)),
    )


def history(db_session, item) -> list[tuple]:
    db_session.expire_all()
    events = db_session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id)
    )
    return [(event.kind, event.changes, event.note, event.user_id) for event in events]


def kinds(db_session, item) -> list[EventKind]:
    return [kind for kind, *_rest in history(db_session, item)]


def refused(response, status: int, code: str | None = None, words: str = ""):
    assert response.status_code == status, response.json
    if code:
        assert response.json["error"]["code"] == code
    assert words in response.json["error"]["message"]
    return response.json["error"]


# --- offering and withdrawing ---------------------------------------------------------------


def test_offer_an_item_makes_its_listing_and_history(api_as, db_session, town):
    api = api_as(town.owner)
    response = api.post(f"/api/v1/items/{town.chairs.tag.lower()}/offer", json={
        "quantity": 2, "reason": "Moved out", "condition": "fair", "collect_from": " Back door ",
        "asking_price": "12.50", "version": town.chairs.version})  # fmt: skip
    assert response.status_code == 201, response.json
    body = response.json
    assert body["item_name"] == "Stacking chair" and body["item_tag"] == town.chairs.tag
    assert (body["quantity"], body["reserved"], body["available"]) == (2, 0, 2)
    assert (body["reason"], body["condition"], body["collect_from"]) == (
        "Moved out", "fair", "Back door")  # fmt: skip
    assert body["asking_price"] == "12.50" and body["status"] == "open"
    assert body["tier"] == "organisation"  # no days for the department alone by default
    assert (body["department"], body["storeroom"]) == ("North", "N1")
    assert body["may_withdraw"] and not body["may_decide"]
    db_session.expire_all()
    listing = db_session.get(Listing, body["id"])
    assert (listing.item_id, listing.quantity, listing.created_by_id) == (
        town.chairs.id, 2, town.owner.id)  # fmt: skip
    assert db_session.get(Item, town.chairs.id).status == ItemStatus.OFFERED
    assert kinds(db_session, town.chairs)[-1] == EventKind.FLAGGED
    shown = api.get(f"/api/v1/items/{town.chairs.tag}/history").json["events"][-1]
    assert (shown["kind"], shown["note"]) == ("flagged", "Moved out")


def test_an_offer_takes_the_whole_item_and_its_condition_unless_told(api_as, db_session, town):
    response = api_as(town.owner).post(f"/api/v1/items/{town.chairs.tag}/offer", json={})
    assert response.status_code == 201, response.json
    assert (response.json["quantity"], response.json["condition"]) == (3, "good")


def test_offer_refusals_change_nothing(api_as, db_session, town, offered):
    owner = api_as(town.owner)
    desk, chairs = town.desk, town.chairs
    before = state(db_session)
    refused(owner.post(f"/api/v1/items/{desk.tag}/offer", json={"quantity": 2}), 422,
            "invalid", "offered whole")  # fmt: skip
    error = refused(owner.post(f"/api/v1/items/{chairs.tag}/offer", json={"quantity": 4}), 422)
    assert error["field"] == "quantity"
    refused(owner.post(f"/api/v1/items/{chairs.tag}/offer", json={"quantity": 0}), 422)
    refused(owner.post(f"/api/v1/items/{chairs.tag}/offer", json={"price": 3}), 422)
    refused(owner.post(f"/api/v1/items/{chairs.tag}/offer", json={"condition": "mint"}), 422)
    refused(owner.post(f"/api/v1/items/{chairs.tag}/offer", data="{",
                       content_type="application/json"), 422)  # fmt: skip
    stale = refused(owner.post(f"/api/v1/items/{chairs.tag}/offer",
                               json={"version": chairs.version - 1}), 409, "stale_version")  # fmt: skip
    assert stale["current_version"] == chairs.version
    # another department's item: not theirs to see
    refused(api_as(town.teacher).post(f"/api/v1/items/{desk.tag}/offer", json={}), 404)
    refused(owner.post("/api/v1/items/NO-SUCH/offer", json={}), 404)
    assert state(db_session) == before
    offered(desk)
    before = state(db_session)
    refused(owner.post(f"/api/v1/items/{desk.tag}/offer", json={}), 409, "conflict",
            "already offered")  # fmt: skip
    assert state(db_session) == before


def test_withdraw_declines_pending_requests_and_restocks(api_as, db_session, town, offered, asked):
    listing = offered()
    transfer = asked(listing)
    response = api_as(town.owner).post(f"/api/v1/listings/{listing.id}/withdraw", json={})
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["closing"]) == ("withdrawn", "withdrawn")
    db_session.expire_all()
    assert db_session.get(TransferRequest, transfer.id).status == RequestStatus.DECLINED
    assert db_session.get(Item, town.desk.id).status == ItemStatus.IN_STORAGE
    assert kinds(db_session, town.desk)[-1] == EventKind.EDITED  # "Listing withdrawn"
    # once withdrawn, the state forbids it
    before = state(db_session)
    refused(api_as(town.manager).post(f"/api/v1/listings/{listing.id}/withdraw"), 409,
            "conflict", "no longer open")  # fmt: skip
    assert state(db_session) == before


def test_withdraw_refusals_change_nothing(api_as, db_session, town, offered, asked):
    listing = offered()
    transfer = asked(listing)
    before = state(db_session)
    # the teacher sees the listing (the whole organisation does) but may not withdraw it
    refused(api_as(town.teacher).post(f"/api/v1/listings/{listing.id}/withdraw"), 403,
            "forbidden")  # fmt: skip
    refused(api_as(town.owner).post(f"/api/v1/listings/{listing.id}/withdraw",
                                    json={"why": "x"}), 422)  # fmt: skip
    refused(api_as(town.owner).post("/api/v1/listings/999999/withdraw"), 404)
    assert state(db_session) == before
    assert api_as(town.manager).post(f"/api/v1/requests/{transfer.id}/approve").status_code == 200
    before = state(db_session)
    refused(api_as(town.owner).post(f"/api/v1/listings/{listing.id}/withdraw"), 409,
            "conflict", "cancel that first")  # fmt: skip
    assert state(db_session) == before


# --- reading listings -----------------------------------------------------------------------


def test_the_market_lists_what_the_tier_shows(api_as, db_session, town, offered):
    desk, chairs = offered(), offered(town.chairs)
    api = api_as(town.teacher)
    listed = api.get("/api/v1/listings")
    assert listed.status_code == 200, listed.json
    assert [row["id"] for row in listed.json["items"]] == [chairs.id, desk.id]  # newest first
    assert listed.json["items"][0]["item_tag"] is None  # not the teacher's item to see
    assert not listed.json["items"][0]["may_withdraw"]
    assert [r["id"] for r in api.get("/api/v1/listings?q=chair").json["items"]] == [chairs.id]
    ending = api.get("/api/v1/listings?sort=ending").json["items"]
    assert {row["id"] for row in ending} == {desk.id, chairs.id}
    one = api.get(f"/api/v1/listings/{desk.id}")
    assert one.status_code == 200 and one.json["item_name"] == "Standing desk"
    assert api_as(town.staff).get(f"/api/v1/listings/{desk.id}").json["item_tag"] == town.desk.tag


def test_the_market_pages_follow_next(api_as, db_session, town, offered, make_item):
    for n in range(5):
        offered(make_item(f"Shelf {n}", department=town.north, storeroom=town.north_room))
    for sort in ("newest", "ending"):
        seen, url = [], f"/api/v1/listings?per_page=2&sort={sort}&q=shelf"
        while url:
            page = api_as(town.teacher).get(url)
            assert page.status_code == 200, page.json
            seen += [row["item_name"] for row in page.json["items"]]
            url = page.json["links"]["next"]
            assert url is None or "q=shelf" in url
        assert sorted(seen) == [f"Shelf {n}" for n in range(5)], sort
    refused(api_as(town.teacher).get("/api/v1/listings?per_page=0"), 422)
    refused(api_as(town.teacher).get("/api/v1/listings?sort=cheapest"), 422)


def test_a_listing_for_its_department_first_is_hidden_from_the_rest(
    api_as, db_session, town, offered
):
    department_tier_first(db_session)
    listing = offered()
    outsider, nurse = api_as(town.outsider), api_as(town.nurse)
    assert outsider.get("/api/v1/listings").json["items"] == []
    before = state(db_session)
    refused(outsider.get(f"/api/v1/listings/{listing.id}"), 404, "not_found")
    refused(outsider.post(f"/api/v1/listings/{listing.id}/withdraw"), 404)
    refused(outsider.post(f"/api/v1/listings/{listing.id}/requests",
                          json={"deliver_place": "Room 4"}), 404)  # fmt: skip
    refused(outsider.get(f"/api/v1/requests?listing={listing.id}"), 404)
    assert state(db_session) == before
    # the clinic shares North's site: it sees the listing first, and may ask
    assert [row["id"] for row in nurse.get("/api/v1/listings").json["items"]] == [listing.id]
    assert nurse.get(f"/api/v1/listings/{listing.id}").json["tier"] == "department"
    asked = nurse.post(f"/api/v1/listings/{listing.id}/requests", json={"deliver_place": "Ward"})
    assert asked.status_code == 201, asked.json
    refused(outsider.post(f"/api/v1/requests/{asked.json['id']}/approve"), 404)
    refused(outsider.get(f"/api/v1/requests/{asked.json['id']}"), 404)


def test_a_listing_photo_is_served_to_those_who_see_the_listing(
    api_as, app, db_session, town, offered
):
    import io

    from PIL import Image

    from inventory import item_photos
    from inventory.photos import process_photo

    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="JPEG")
    photo = item_photos.add_photo(
        db_session, town.desk,
        process_photo(out.getvalue(), max_pixels=10**6, full_size=100, thumb_size=50),
        by=None, now=utcnow(),
        quota=item_photos.PhotoQuota(per_item=5, per_user_per_day=5, bytes_per_user=10**6),
    )  # fmt: skip
    db_session.commit()
    listing = offered()
    api = api_as(town.teacher)  # may not see the item itself
    shown = api.get(f"/api/v1/listings/{listing.id}").json["photos"]
    assert [p["id"] for p in shown] == [photo.id]
    image = api.get(shown[0]["thumbnail_url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    refused(api.get(f"/api/v1/items/{town.desk.tag}/photos/{photo.id}/thumb"), 404)
    refused(api.get(f"/api/v1/listings/{listing.id}/photos/{photo.id + 1}/thumb"), 404)


# --- asking -------------------------------------------------------------------------------------


def test_request_a_listing(api_as, db_session, town, offered):
    listing = offered(town.chairs)
    response = api_as(town.teacher).post(f"/api/v1/listings/{listing.id}/requests", json={
        "quantity": 2, "needed_by": LATER, "deliver_to": town.school_room.id,
        "message": "For the library"})  # fmt: skip
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["status"], body["quantity"], body["department"]) == ("pending", 2, "School")
    assert (body["deliver_to"], body["needed_by"], body["message"]) == (
        town.school_room.id, LATER, "For the library")  # fmt: skip
    transfer = db_session.get(TransferRequest, body["id"])
    assert (transfer.listing_id, transfer.requested_by_id) == (listing.id, town.teacher.id)
    kind, changes, note, user_id = history(db_session, town.chairs)[-1]
    assert (kind, changes, note, user_id) == (
        EventKind.REQUESTED, {"requested": [None, 2]}, "For the library", town.teacher.id)  # fmt: skip
    assert db_session.scalar(select(func.count()).select_from(Notification).where(
        Notification.request_id == transfer.id)) > 0  # fmt: skip


def test_request_refusals_change_nothing(api_as, db_session, town, offered, asked):
    listing = offered(town.chairs)
    asked(listing, user=town.nurse)
    teacher = api_as(town.teacher)
    url = f"/api/v1/listings/{listing.id}/requests"
    before = state(db_session)
    # malformed bodies
    for body, field in (
        ({}, "deliver_place"),  # neither a storeroom nor a place
        ({"deliver_place": "Room 4", "needed_by": "2001-01-01"}, "needed_by"),
        ({"deliver_to": 999999}, "deliver_to"),
        ({"deliver_place": "Room 4", "quantity": 0}, "quantity"),
        ({"deliver_place": "Room 4", "quantity": "two"}, "quantity"),
        ({"deliver_place": "x" * 201}, "deliver_place"),
        ({"deliver_place": "Room 4", "colour": "red"}, "colour"),
    ):
        assert refused(teacher.post(url, json=body), 422, "invalid")["field"] == field, body
    # states that forbid it
    refused(teacher.post(url, json={"deliver_place": "Room 4", "quantity": 4}), 409,
            "conflict", "Only 3 available")  # fmt: skip
    refused(api_as(town.owner).post(url, json={"deliver_place": "Room 4"}), 409, "conflict",
            "your own department")  # fmt: skip
    refused(api_as(town.nurse).post(url, json={"deliver_place": "Ward"}), 409, "conflict",
            "already asked")  # fmt: skip
    refused(teacher.post("/api/v1/listings/999999/requests", json={"deliver_place": "x"}), 404)
    assert state(db_session) == before


# --- reading requests ---------------------------------------------------------------------------


def test_who_reads_which_request(api_as, db_session, town, offered, asked, make_item):
    desk, chairs = offered(), offered(town.chairs)
    mine, theirs = asked(desk), asked(chairs, user=town.nurse)
    school_item = make_item("Globe", department=town.school, storeroom=town.school_room)
    with api_as(town.teacher).client.application.test_request_context():
        globe = making.flag(db_session, school_item, by=town.teacher)
        on_ours = making.ask(db_session, globe, user=town.nurse)
    db_session.commit()

    def ids(user, query=""):
        response = api_as(user).get(f"/api/v1/requests{query}")
        assert response.status_code == 200, response.json
        return [row["id"] for row in response.json["items"]]

    # the school's own request, and the one made on its listing; not the clinic's elsewhere
    assert ids(town.teacher) == [on_ours.id, mine.id]
    assert ids(town.owner) == [theirs.id, mine.id]  # both on North's listings
    assert ids(town.outsider) == []
    assert ids(town.manager) == [on_ours.id, theirs.id, mine.id]  # decides on every listing
    assert ids(town.manager, f"?listing={chairs.id}") == [theirs.id]
    assert ids(town.manager, f"?department={town.clinic.id}") == [on_ours.id, theirs.id]
    assert ids(town.manager, "?status=approved") == []
    pages, url = [], "/api/v1/requests?per_page=2"
    while url:
        page = api_as(town.manager).get(url).json
        pages.append([row["id"] for row in page["items"]])
        url = page["links"]["next"]
    assert pages == [[on_ours.id, theirs.id], [mine.id]]

    one = api_as(town.teacher).get(f"/api/v1/requests/{mine.id}")
    assert one.status_code == 200 and one.json["item_name"] == "Standing desk"
    assert api_as(town.owner).get(f"/api/v1/requests/{mine.id}").status_code == 200
    assert api_as(town.manager).get(f"/api/v1/requests/{mine.id}").status_code == 200
    # they see the listing, but not who asked for it, nor their message
    refused(api_as(town.teacher).get(f"/api/v1/requests/{theirs.id}"), 404, "not_found")
    refused(api_as(town.outsider).get(f"/api/v1/requests/{mine.id}"), 404)
    refused(api_as(town.staff).get(f"/api/v1/requests/{mine.id}"), 404)
    refused(api_as(town.teacher).get("/api/v1/requests?status=lost"), 422)


def test_the_list_of_requests_agrees_with_who_may_read_each(app, db_session, town, offered, asked):
    """`access.request_scope` (the list) and `access.may_read_request` (one request) agree,
    for every role of every department, on department-tier and organisation-wide listings."""
    department_tier_first(db_session)
    first_circle = asked(offered(), user=town.nurse)
    db_session.scalar(select(ReuseSettings)).department_days = 0
    db_session.commit()
    chairs = offered(town.chairs)  # to the whole organisation
    everyone = [asked(chairs, user=user) for user in (town.teacher, town.nurse)]
    requests = [first_circle, *everyone]
    users = [town.owner, town.teacher, town.nurse, town.outsider, town.staff, town.manager,
             town.school_manager]  # fmt: skip
    with app.test_request_context():
        for user in users:
            listed = set(db_session.scalars(
                select(TransferRequest.id).join(TransferRequest.listing).join(Listing.item)
                .outerjoin(Storeroom, Item.storeroom_id == Storeroom.id)
                .where(access.request_scope(user))))  # fmt: skip
            readable = {r.id for r in requests if access.may_read_request(user, r)}
            assert listed == readable, user.role


# --- deciding -----------------------------------------------------------------------------------


def test_approve_reserves_and_tells_how_it_travels(api_as, db_session, town, offered, asked):
    listing = offered(town.chairs)
    listing.collect_from = "Back door"
    db_session.commit()
    transfer = asked(listing, quantity=2)
    response = api_as(town.manager).post(f"/api/v1/requests/{transfer.id}/approve", json={
        "message": "Take them", "handover_mode": "collect", "handover_on": LATER,
        "carrier": "Caretaker"})  # fmt: skip
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["status"], body["decision_message"], body["carrier"]) == (
        "approved", "Take them", "Caretaker")  # fmt: skip
    assert (body["handover_mode"], body["handover_on"]) == ("collect", LATER)
    assert body["handover_from"] == "Back door"  # the listing's, as the form is filled
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).reserved == 2
    assert db_session.get(Item, town.chairs.id).status == ItemStatus.OFFERED  # one unit left
    kind, changes, note, user_id = history(db_session, town.chairs)[-1]
    assert (kind, changes, user_id) == (EventKind.RESERVED, {"reserved": [None, 2]},
                                        town.manager.id)  # fmt: skip
    shown = api_as(town.teacher).get(f"/api/v1/listings/{listing.id}").json
    assert (shown["reserved"], shown["available"]) == (2, 1)


def test_decline(api_as, db_session, town, offered, asked):
    transfer = asked(offered())
    response = api_as(town.manager).post(f"/api/v1/requests/{transfer.id}/decline",
                                         json={"message": "Promised elsewhere"})  # fmt: skip
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["decision_message"]) == (
        "declined", "Promised elsewhere")  # fmt: skip
    assert kinds(db_session, town.desk)[-1] == EventKind.REQUEST_DECLINED
    assert db_session.get(Item, town.desk.id).status == ItemStatus.OFFERED


def test_decision_refusals_change_nothing(api_as, db_session, town, offered, asked):
    transfer = asked(offered())
    before = state(db_session)
    for action in ("approve", "decline"):
        url = f"/api/v1/requests/{transfer.id}/{action}"
        # the teacher reads the request (their department's) but does not decide; the staff
        # see the listing, not the request: to them it is not there
        refused(api_as(town.teacher).post(url), 403, "forbidden")
        refused(api_as(town.staff).post(url), 404, "not_found")
        # a manager of the department that asked: decided by someone else
        refused(api_as(town.school_manager).post(url), 403, "forbidden", "someone else")
        refused(api_as(town.manager).post(url, json={"message": 3}), 422)
        refused(api_as(town.manager).post(url, json={"mode": "collect"}), 422)
        refused(api_as(town.manager).post(f"/api/v1/requests/999999/{action}"), 404)
    refused(api_as(town.manager).post(f"/api/v1/requests/{transfer.id}/approve",
                                      json={"handover_mode": "fly"}), 422)  # fmt: skip
    assert state(db_session) == before
    assert api_as(town.manager).post(f"/api/v1/requests/{transfer.id}/decline").status_code == 200
    before = state(db_session)
    for action in ("approve", "decline"):
        refused(api_as(town.other_manager).post(f"/api/v1/requests/{transfer.id}/{action}"), 409,
                "conflict", "already decided")  # fmt: skip
    assert state(db_session) == before


def test_of_two_approvals_of_the_last_unit_the_second_is_a_409(
    api_as, db_session, town, offered, asked
):
    """In sequence: the second decider asks for the unit the first one's approval took."""
    listing = offered()
    first, second = asked(listing), asked(listing, user=town.nurse)
    assert api_as(town.manager).post(f"/api/v1/requests/{first.id}/approve").status_code == 200
    before = state(db_session)
    refused(api_as(town.other_manager).post(f"/api/v1/requests/{second.id}/approve"), 409,
            "conflict", "already decided")  # declined when the last unit was taken  # fmt: skip
    assert state(db_session) == before
    assert db_session.get(TransferRequest, second.id).status == RequestStatus.DECLINED


def test_an_approval_for_more_than_is_left_is_a_409(api_as, db_session, town, offered, asked):
    """The reservation's compare-and-set refuses it: the request stays pending."""
    listing = offered(town.chairs)
    first, second = asked(listing, quantity=2), asked(listing, user=town.nurse, quantity=2)
    assert api_as(town.manager).post(f"/api/v1/requests/{first.id}/approve").status_code == 200
    before = state(db_session)
    refused(api_as(town.other_manager).post(f"/api/v1/requests/{second.id}/approve"), 409,
            "conflict", "Not enough is left")  # fmt: skip
    assert state(db_session) == before
    assert db_session.get(TransferRequest, second.id).status == RequestStatus.PENDING
    assert db_session.get(Listing, listing.id).reserved == 2


def test_an_approval_on_a_stale_state_loses_and_changes_nothing(
    api_as, app, db_session, town, offered, asked, monkeypatch
):
    """Two managers approve the last unit for two departments at once: the second call has
    read the request pending and the unit free when the first approval commits; the
    listing's compare-and-set refuses its reservation, and the call is a 409."""
    listing = offered()
    first, second = asked(listing), asked(listing, user=town.nurse)
    decides, after_first = access.may_decide, []

    def first_approval_lands(user, seen):
        if not after_first:  # between the second call's reading and its writing
            request_services.approve(db_session, db_session.get(TransferRequest, first.id),
                                     by=town.manager, now=utcnow())  # fmt: skip
            db_session.commit()
            after_first.append(state(db_session))
        return decides(user, seen)

    monkeypatch.setattr(access, "may_decide", first_approval_lands)
    response = api_as(town.other_manager).post(f"/api/v1/requests/{second.id}/approve")
    refused(response, 409, "conflict", "Not enough is left")
    assert after_first and state(db_session) == after_first[0]
    db_session.expire_all()
    assert db_session.get(TransferRequest, first.id).status == RequestStatus.APPROVED
    assert db_session.get(TransferRequest, second.id).status == RequestStatus.DECLINED
    assert db_session.get(Listing, listing.id).reserved == 1


# --- handing over and cancelling ----------------------------------------------------------------


def test_hand_over_part_of_a_lot(api_as, db_session, town, offered, asked):
    listing = offered(town.chairs)
    transfer = asked(listing, quantity=2)
    transfer.deliver_to = town.school_room
    db_session.commit()
    manager = api_as(town.manager)
    assert manager.post(f"/api/v1/requests/{transfer.id}/approve").status_code == 200
    # the school confirms it received them
    response = api_as(town.teacher).post(f"/api/v1/requests/{transfer.id}/hand-over")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "completed"
    tag = response.json["received_item_tag"]
    assert tag and tag != town.chairs.tag  # split off the lot, under a new tag
    db_session.expire_all()
    received = db_session.scalar(select(Item).where(Item.tag == tag))
    assert (received.department_id, received.storeroom_id, received.quantity) == (
        town.school.id, town.school_room.id, 2)  # fmt: skip
    assert EventKind.TRANSFERRED in kinds(db_session, received)
    assert EventKind.SPLIT in kinds(db_session, town.chairs)
    left = db_session.get(Listing, listing.id)
    assert (left.status, left.quantity, left.reserved) == (ListingStatus.OPEN, 1, 0)
    # North's owner may not see the school's new item: no tag for them
    assert api_as(town.owner).get(f"/api/v1/requests/{transfer.id}").json[
        "received_item_tag"] is None  # fmt: skip


def test_hand_over_refusals_change_nothing(api_as, db_session, town, offered, asked):
    transfer = asked(offered())
    url = f"/api/v1/requests/{transfer.id}/hand-over"
    before = state(db_session)
    refused(api_as(town.manager).post(url), 409, "conflict", "not approved")  # still pending
    refused(api_as(town.nurse).post(url), 404, "not_found")  # sees the listing, not the request
    refused(api_as(town.manager).post(url, json={"note": "x"}), 422)
    assert state(db_session) == before
    assert api_as(town.manager).post(f"/api/v1/requests/{transfer.id}/approve").status_code == 200
    assert api_as(town.manager).post(url).status_code == 200
    before = state(db_session)
    refused(api_as(town.teacher).post(url), 409, "conflict", "already handed over")
    assert state(db_session) == before
    assert db_session.get(Item, town.desk.id).department_id == town.school.id


def test_cancel_releases_what_was_reserved(api_as, db_session, town, offered, asked):
    listing = offered()
    transfer = asked(listing)
    assert api_as(town.manager).post(f"/api/v1/requests/{transfer.id}/approve").status_code == 200
    db_session.expire_all()
    assert db_session.get(Item, town.desk.id).status == ItemStatus.RESERVED
    response = api_as(town.teacher).post(f"/api/v1/requests/{transfer.id}/cancel")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled"
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).reserved == 0
    assert db_session.get(Item, town.desk.id).status == ItemStatus.OFFERED
    kind, changes, _note, user_id = history(db_session, town.desk)[-1]
    assert (kind, changes["reserved"], user_id) == (
        EventKind.REQUEST_CANCELLED, [1, None], town.teacher.id)  # fmt: skip


def test_cancel_refusals_change_nothing(api_as, db_session, town, offered, asked):
    transfer = asked(offered())
    url = f"/api/v1/requests/{transfer.id}/cancel"
    before = state(db_session)
    refused(api_as(town.owner).post(url), 403, "forbidden")  # the listing's, not the request's
    refused(api_as(town.staff).post(url), 404)  # sees the listing, not the request
    refused(api_as(town.teacher).post(url, json={"reason": "x"}), 422)
    assert state(db_session) == before
    assert api_as(town.manager).post(url).status_code == 200  # a decider may cancel too
    before = state(db_session)
    refused(api_as(town.teacher).post(url), 409, "conflict", "already decided")
    assert state(db_session) == before


# --- the same as on the pages ----------------------------------------------------------------


def test_the_api_leaves_the_history_the_pages_leave(
    app, api_as, login, db_session, town, make_item
):
    """One desk goes from North to the school through the pages, its twin through the API:
    their listings, requests and histories are alike."""
    twins = [make_item("Desk", department=town.north, storeroom=town.north_room) for _ in "ab"]
    done = {}

    def on_pages(item):
        browser = app.test_client()
        login(browser, town.owner)
        assert browser.post(f"/items/{item.id}/offer", data={
            "reason": "Too big", "condition": "fair", "collect_from": "Back door",
            "asking_price": "5", "version": str(item.version)}).status_code == 302  # fmt: skip
        listing_id = db_session.scalar(select(Listing.id).where(Listing.item_id == item.id))
        browser.post("/logout")
        login(browser, town.teacher)
        assert browser.post(f"/reuse/listings/{listing_id}/request", data={
            "deliver_to": str(town.school_room.id), "needed_by": LATER,
            "message": "Please"}).status_code == 302  # fmt: skip
        request_id = db_session.scalar(select(TransferRequest.id).where(
            TransferRequest.listing_id == listing_id))  # fmt: skip
        browser.post("/logout")
        login(browser, town.manager)
        assert browser.post(f"/reuse/requests/{request_id}/approve", data={
            "message": "Yes", "handover_mode": "deliver", "handover_from": "Back door",
            "carrier": "Caretaker"}).status_code == 302  # fmt: skip
        assert browser.post(f"/reuse/requests/{request_id}/hand_over").status_code == 302
        return listing_id, request_id

    def through_the_api(item):
        made = api_as(town.owner).post(f"/api/v1/items/{item.tag}/offer", json={
            "reason": "Too big", "condition": "fair", "collect_from": "Back door",
            "asking_price": "5", "version": item.version})  # fmt: skip
        listing_id = made.json["id"]
        asked = api_as(town.teacher).post(f"/api/v1/listings/{listing_id}/requests", json={
            "deliver_to": town.school_room.id, "needed_by": LATER, "message": "Please"})  # fmt: skip
        request_id = asked.json["id"]
        manager = api_as(town.manager)
        assert manager.post(f"/api/v1/requests/{request_id}/approve", json={
            "message": "Yes", "handover_mode": "deliver", "carrier": "Caretaker",
        }).status_code == 200  # fmt: skip
        assert manager.post(f"/api/v1/requests/{request_id}/hand-over").status_code == 200
        return listing_id, request_id

    done["page"], done["api"] = on_pages(twins[0]), through_the_api(twins[1])
    db_session.expire_all()

    def listing_and_request(listing_id, request_id):
        listing = db_session.get(Listing, listing_id)
        transfer = db_session.get(TransferRequest, request_id)
        return (
            listing.status, listing.closing, listing.quantity, listing.reserved, listing.reason,
            listing.condition, listing.collect_from, listing.asking_price, listing.tier,
            listing.created_by_id, listing.closed_by_id,
            transfer.status, transfer.quantity, transfer.deliver_to_id, transfer.needed_by,
            transfer.message, transfer.decision_message, transfer.handover_mode,
            transfer.handover_from, transfer.carrier, transfer.decided_by_id,
        )  # fmt: skip

    assert listing_and_request(*done["page"]) == listing_and_request(*done["api"])
    assert history(db_session, twins[0]) == history(db_session, twins[1])
    assert [kind for kind, *_ in history(db_session, twins[1])] == [
        EventKind.CREATED, EventKind.FLAGGED, EventKind.REQUESTED, EventKind.RESERVED,
        EventKind.TRANSFERRED,
    ]  # fmt: skip

    def notices(listing_id):
        return sorted(db_session.execute(select(Notification.user_id, Notification.kind).where(
            Notification.listing_id == listing_id)).all())  # fmt: skip

    assert notices(done["page"][0]) == notices(done["api"][0])
