"""The internal reuse market: what it lists and how each card reads."""

import re
from datetime import timedelta

from app.auth.roles import Role
from app.timeutil import utcnow
from reuse.requests import services as request_services
from tests.reuse.making import ask, flag


def card(page: str, listing_id: int) -> str:
    """The text of the listing's card: everything inside its link."""
    found = re.search(rf'<a href="/reuse/listings/{listing_id}">(.*?)</a>', page, re.S)
    assert found, f"no card for listing {listing_id}"
    return found.group(1)


def test_each_cards_line_is_inside_its_card(
    client, login, db_session, make_user, make_department, make_item, make_storeroom
):
    north = make_department("North")
    manager = make_user(Role.MANAGER, department=north)
    room = make_storeroom(code="N1")
    listing = flag(db_session, make_item("Desk", department=north, storeroom=room), by=manager)
    db_session.commit()
    login(client, manager)
    inside = card(client.get("/reuse").text, listing.id)
    assert "Desk" in inside and "1 available" in inside and room.site.name in inside


def test_a_listing_with_nothing_left_to_ask_for_is_not_listed(
    client, login, db_session, make_user, make_department, make_item
):
    north, school = make_department("North"), make_department("School")
    manager = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    long_ago = utcnow() - timedelta(days=30)
    taken = flag(db_session, make_item("Taken desk", department=north), by=manager, now=long_ago)
    left = flag(db_session, make_item("Free desk", department=north), by=manager, now=long_ago)
    request = ask(db_session, taken, user=teacher, now=long_ago)
    request_services.approve(db_session, request, by=manager, now=long_ago)
    taken.tier_ends_at = left.tier_ends_at = long_ago  # the window ended with it approved
    db_session.commit()
    assert taken.available == 0
    login(client, teacher)
    page = client.get("/reuse").text
    assert f"/reuse/listings/{left.id}" in page
    assert f"/reuse/listings/{taken.id}" not in page and "0 available" not in page


def test_each_requests_line_is_inside_its_link(
    client, login, db_session, make_user, make_department, make_item
):
    north, school = make_department("North"), make_department("School")
    owner = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    listing = flag(db_session, make_item("Desk", department=north), by=owner)
    ask(db_session, listing, user=teacher, quantity=1)
    db_session.commit()
    login(client, teacher)
    inside = card(client.get("/reuse/requests").text, listing.id)
    assert "Desk" in inside and "1 unit" in inside and "Waiting for an answer" in inside
