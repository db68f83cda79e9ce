"""The offer and request forms ask only what there is to choose, and refuse an empty post."""

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import Item, ItemStatus
from reuse.errors import ReuseError
from reuse.listings.models import Listing
from reuse.requests.models import TransferRequest
from tests.reuse.making import flag, offer_page


def test_a_single_item_is_offered_without_asking_how_many(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north)
    login(client, make_user(Role.MANAGER, department=north))
    assert 'name="quantity"' not in client.get(f"/items/{desk.id}/offer").text
    response = client.post(
        f"/items/{desk.id}/offer", data={"condition": "good", "version": str(desk.version)}
    )
    assert response.status_code == 302
    assert db_session.scalar(select(Listing.quantity)) == 1


def test_a_lot_is_asked_how_many_within_its_size(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    chairs = make_item("Chairs", department=north, quantity=4)
    login(client, make_user(Role.MANAGER, department=north))
    assert 'name="quantity"' in client.get(f"/items/{chairs.id}/offer").text
    page = offer_page(client, chairs, quantity="9").text
    assert "Number must be between 1 and 4." in page and "between 1 and 1" not in page
    assert db_session.scalar(select(Listing)) is None
    assert offer_page(client, chairs, quantity="3").status_code == 302
    assert db_session.scalar(select(Listing.quantity)) == 3


def test_an_empty_offer_form_is_refused_and_changes_nothing(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north)
    chairs = make_item("Chairs", department=north, quantity=4)
    login(client, make_user(Role.MANAGER, department=north))
    for item in (desk, chairs):
        response = client.post(f"/items/{item.id}/offer", data={})
        assert response.status_code == 200
        assert "Nothing was offered: the form below says what is missing." in response.text
    assert db_session.scalar(select(Listing)) is None
    db_session.expire_all()
    assert {i.status for i in db_session.scalars(select(Item))} == {ItemStatus.IN_USE}


def test_the_last_unit_is_asked_for_without_asking_how_many(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    manager = make_user(Role.MANAGER, department=north)
    single = flag(db_session, make_item("Desk", department=north), by=manager)
    lot = flag(db_session, make_item("Chairs", department=north, quantity=3), by=manager)
    db_session.commit()
    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    assert 'name="quantity"' in client.get(f"/reuse/listings/{lot.id}").text
    assert 'name="quantity"' not in client.get(f"/reuse/listings/{single.id}").text
    client.post(f"/reuse/listings/{single.id}/request", data={"deliver_place": "Room 4"})
    assert db_session.scalar(select(TransferRequest.quantity)) == 1


def test_a_closed_listing_does_not_say_what_is_available(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    manager = make_user(Role.MANAGER, department=north)
    listing = flag(db_session, make_item("Desk", department=north), by=manager)
    db_session.commit()
    login(client, manager)
    assert "<dt>Available</dt>" in client.get(f"/reuse/listings/{listing.id}").text
    client.post(f"/reuse/listings/{listing.id}/withdraw")
    page = client.get(f"/reuse/listings/{listing.id}").text
    assert "This listing is closed." in page and "<dt>Available</dt>" not in page


def test_offering_more_than_a_single_item_names_the_one_there_is(
    db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north)
    with pytest.raises(ReuseError, match=r"^A single item is offered whole: 1\.$"):
        flag(db_session, desk, by=make_user(Role.MANAGER, department=north), quantity=2)
