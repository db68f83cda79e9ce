"""The item page says when, where and by whom the item was last seen."""

import html
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.auth.roles import Role
from inventory import whereabouts
from inventory.models import Item


@pytest.fixture
def staff_client(client, make_user, login):
    login(client, make_user(Role.STAFF))
    return client


def test_the_item_page_says_when_where_and_by_whom_it_was_last_seen(
    app, staff_client, db_session, make_item, make_storeroom, make_user
):
    room, item = make_storeroom(code="A1"), make_item("Rollator")
    assert "Never scanned" in last_seen(staff_client, item)
    scanner = make_user(Role.STAFF, name="Anna Berg")
    at = datetime(2026, 5, 12, 12, 30, tzinfo=UTC)
    whereabouts.mark_seen(db_session, item, at=at, storeroom=room, by=scanner)
    db_session.commit()
    seen = last_seen(staff_client, item)
    local = at.astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    assert f"Last seen 2026-05-12 {local:%H:%M} in A1 · Basement, {room.site} by Anna Berg" == seen


def last_seen(client, item: Item) -> str:
    page = client.get(f"/items/{item.id}").text
    return html.unescape(page.split('id="last-seen">')[1].split("</p>")[0])
