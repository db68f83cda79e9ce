"""Menus of storerooms group them under their site, each as its code and name."""

import re

import pytest

from app.auth.roles import Role
from inventory import place_records
from reuse.listings.models import Listing
from tests.reuse.making import flag


@pytest.fixture
def rooms(db_session, make_storeroom):
    """Two sites, each with a basement; the town hall's listed after the school, by name."""
    hall = place_records.save_site(db_session, name="Town hall", town="Sundby")
    school = place_records.save_site(db_session, name="North school", town="Norrby")
    return (
        make_storeroom(code="K1", name="Basement", site=hall),
        make_storeroom(code="A7", name="Attic", site=hall),
        make_storeroom(code="S2", name="Basement", site=school),
    )


def groups(page: str, name: str) -> list[tuple[str, list[str]]]:
    """Each <optgroup> of the select named `name`: its label and its options' text."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        (label, re.findall(r"<option[^>]*>([^<]*)</option>", options))
        for label, options in re.findall(
            r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S
        )
    ]


EXPECTED = [
    ("North school, Norrby", ["S2 · Basement"]),
    ("Town hall, Sundby", ["A7 · Attic", "K1 · Basement"]),
]


@pytest.mark.parametrize(
    ("path", "name"), [("/items/new", "storeroom_id"), ("/items", "storeroom")]
)
def test_item_forms_and_filters_group_storerooms_by_site(
    client, login, make_user, rooms, path, name
):
    login(client, make_user(Role.STAFF))
    assert groups(client.get(path).text, name) == EXPECTED


def test_the_move_form_groups_storerooms_by_site(client, login, make_user, make_item, rooms):
    login(client, make_user(Role.STAFF))
    item = make_item()
    assert groups(client.get(f"/items/{item.id}/move").text, "storeroom_id") == EXPECTED


def test_a_request_chooses_where_to_deliver_by_site(
    client, login, db_session, make_user, make_department, make_item, rooms
):
    north = make_department("North")
    listing: Listing = flag(
        db_session, make_item(department=north), by=make_user(Role.MANAGER, department=north)
    )
    db_session.commit()
    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    page = client.get(f"/reuse/listings/{listing.id}").text
    assert groups(page, "deliver_to") == EXPECTED
