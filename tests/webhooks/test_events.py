"""Each event reaches a receiver from where its change is made, signed with the hook's secret,
once the change commits (the app's own session, with tasks run at once as in the tests)."""

from __future__ import annotations

import pytest

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from imports import services as imports
from inventory import whereabouts
from inventory.models import Department, Item, Storeroom
from reuse.listings import closing as closing_services
from reuse.listings import services as listings
from reuse.listings.models import Closing, Listing
from reuse.requests import services as requests

PREFIX = {"tag_prefix": "INV-", "tag_digits": 6}


@pytest.fixture
def world(db_session, make_department, make_user, make_item, make_storeroom):
    giver, taker = make_department("Giver"), make_department("Taker")
    manager = make_user(Role.MANAGER, department=giver)
    asker = make_user(Role.REQUESTER, department=taker)
    first, second = make_storeroom(code="A1"), make_storeroom(code="B2", name="Loft")
    chairs = make_item("Chairs", department=giver, storeroom=first, quantity=5, tag="INV-7")
    return {"manager": manager.id, "asker": asker.id, "first": first.id, "second": second.id,
            "chairs": chairs.id, "giver": giver.id, "taker": taker.id}  # fmt: skip


def get(model, object_id):
    return db.session.get(model, object_id)


def offer(world, quantity: int) -> Listing:
    chairs = get(Item, world["chairs"])
    return listings.flag_surplus(
        db.session, chairs, quantity=quantity, reason="Surplus", condition=chairs.condition,
        collect_from="", asking_price=None, by=get(User, world["manager"]), now=utcnow(),
    )  # fmt: skip


def test_a_move_is_sent_with_where_the_item_was_and_is(app, world, receiver, make_webhook):
    hook = make_webhook(receiver.url)
    with app.app_context():
        whereabouts.move_item(db.session, get(Item, world["chairs"]), get(Storeroom, world["second"]),
                              position="Shelf 3", by=get(User, world["manager"]), now=utcnow())  # fmt: skip
        db.session.commit()
    got = receiver.of("item.moved")
    assert got.signed_by(hook.secret) and got.headers["X-Reshelf-Event"] == "item.moved"
    data = got.payload["data"]
    assert data["item"] == {"tag": "INV-7", "name": "Chairs", "quantity": 5, "status": "in_storage",
                            "department_id": world["giver"], "department": "Giver"}  # fmt: skip
    assert data["from"] == {"storeroom_id": world["first"], "storeroom": "A1", "position": "",
                            "place": ""}  # fmt: skip
    assert data["to"] == {"storeroom_id": world["second"], "storeroom": "B2",
                          "position": "Shelf 3", "place": ""}  # fmt: skip


def test_a_move_that_rolls_back_sends_nothing(app, world, receiver, make_webhook):
    make_webhook(receiver.url)
    with app.app_context():
        whereabouts.move_item(db.session, get(Item, world["chairs"]), None, place="Room 9",
                              by=get(User, world["manager"]), now=utcnow())  # fmt: skip
        db.session.rollback()
    assert receiver.requests == []


def test_an_offer_and_its_withdrawal_are_sent(app, world, receiver, make_webhook):
    hook = make_webhook(receiver.url)
    with app.app_context():
        listing = offer(world, 2)
        db.session.commit()
        listing_id = listing.id
        listings.withdraw(db.session, listing, by=get(User, world["manager"]), now=utcnow())
        db.session.commit()
    assert receiver.events() == ["listing.offered", "listing.closed"]
    offered = receiver.of("listing.offered")
    assert offered.signed_by(hook.secret)
    assert offered.payload["data"]["listing"]["id"] == listing_id
    assert offered.payload["data"]["listing"]["quantity"] == 2
    assert offered.payload["data"]["item"]["tag"] == "INV-7"
    closed = receiver.of("listing.closed").payload["data"]
    assert closed["listing"]["closing"] == "withdrawn" and closed["sale_price"] is None


def test_a_sale_closes_the_listing_with_how_and_the_part_sold(app, world, receiver, make_webhook):
    make_webhook(receiver.url)
    with app.app_context():
        listing = offer(world, 2)
        db.session.commit()
        closing_services.close_listing(db.session, listing, Closing.SOLD, sale_price=40,
                                       by=get(User, world["manager"]), now=utcnow(), **PREFIX)  # fmt: skip
        db.session.commit()
    closed = receiver.of("listing.closed").payload["data"]
    assert closed["listing"]["closing"] == "sold" and closed["sale_price"] == "40.00"
    assert closed["item"]["quantity"] == 2 and closed["item"]["tag"] != "INV-7"  # split off
    assert closed["item"]["status"] == "disposed"


def test_a_handover_is_sent_with_both_departments_and_closes_the_listing(
    app, world, receiver, make_webhook
):
    hook = make_webhook(receiver.url)
    with app.app_context():
        listing = offer(world, 5)
        asker, manager = get(User, world["asker"]), get(User, world["manager"])
        request = requests.request_transfer(
            db.session, listing, user=asker, quantity=5, needed_by=None, message="",
            deliver_to=get(Storeroom, world["second"]), deliver_place="", now=utcnow(),
            today=utcnow().date(),
        )  # fmt: skip
        requests.approve(db.session, request, by=manager, now=utcnow())
        db.session.commit()
        requests.hand_over(db.session, request, by=manager, now=utcnow(), **PREFIX)
        db.session.commit()
        request_id = request.id
    handed = receiver.of("transfer.handed_over")
    assert handed.signed_by(hook.secret)
    data = handed.payload["data"]
    assert data["request"]["id"] == request_id and data["request"]["quantity"] == 5
    assert data["from_department"] == {"id": world["giver"], "name": "Giver"}
    assert data["to_department"] == {"id": world["taker"], "name": "Taker"}
    assert data["to"]["storeroom"] == "B2" and data["item"]["department"] == "Taker"
    assert receiver.of("listing.closed").payload["data"]["listing"]["closing"] == "transferred"


def test_an_import_is_sent_with_its_batch_and_counts(app, world, receiver, make_webhook):
    hook = make_webhook(receiver.url, events=["import.committed"])
    with app.app_context():
        manager = get(User, world["manager"])
        batch, table = imports.start_batch(db.session, b"Name;Quantity\nDesk;2\nBroken;-1\n",
                                           "stock.csv", user=manager, sheet=None, now=utcnow(),
                                           max_rows=100)  # fmt: skip
        db.session.commit()
        imports.commit(db.session, batch, table, user=manager, now=utcnow(), **PREFIX)
        db.session.commit()
        batch_id = batch.id
    assert receiver.events() == ["import.committed"]
    got = receiver.of("import.committed")
    assert got.signed_by(hook.secret)
    data = got.payload["data"]
    assert data["batch"]["id"] == batch_id and data["batch"]["filename"] == "stock.csv"
    assert data["counts"]["new"] == 1 and data["counts"]["error"] == 1


def test_payloads_hold_no_personal_data(app, world, receiver, make_webhook):
    make_webhook(receiver.url)
    with app.app_context():
        offer(world, 1)
        db.session.commit()
        manager = get(User, world["manager"])
        email, name = manager.email, manager.display_name
        department = get(Department, world["giver"]).name
    body = receiver.of("listing.offered").body.decode()
    assert email not in body and (not name or name not in body) and department in body
