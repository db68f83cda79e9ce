"""The internal reuse market: what it lists and how each card reads."""

import re

from app.auth.roles import Role
from tests.reuse.making import flag


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
