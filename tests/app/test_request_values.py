"""Input the database would refuse is answered with a 404 or a 400 before it gets there.

PostgreSQL refuses ids beyond its integer and any NUL character; these are the requests an
outside audit found answering 500 there. The fuzz test (test_fuzz_routes.py) looks wider.
"""

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import Item

BIG = "2147483648"  # one past PostgreSQL's integer
HUGE = "9223372036854775808"  # one past a 64-bit integer, SQLite's limit

IGNORED = [  # a filter or cursor naming no row possible: the list as if it were not given
    f"/items?category={BIG}",
    f"/items?department={BIG}",
    f"/items?storeroom={BIG}",
    f"/items?site={BIG}",
    f"/reports/not-seen?storeroom={BIG}",
    f"/reports/not-seen?months={HUGE}",
    f"/reuse/check?category={BIG}",
    f"/imports/?page={HUGE}",
    f"/reuse?page={HUGE}",
    f"/inbox?page={HUGE}",
    f"/items/new?storeroom={BIG}",
    "/items?endpoint=x",
    "/items?_method=POST",
    "/items?_external=1&_anchor=x&_scheme=ftp",
]
NOT_FOUND = [
    f"/items?after={BIG}",
    f"/items?before={HUGE}",
    f"/storerooms/1?after={BIG}",
    f"/items/{BIG}",
    f"/items/{HUGE}0",
    f"/labels/print?source=item&id={BIG}",
]
NUL = ["/s/%00", "/s/A%00B", "/reuse?condition=%00", "/items?q=chair%00"]


@pytest.fixture
def admin_client(client, login, make_user, make_item):
    for n in range(30):  # more than one page, so the list builds next-page links
        make_item(f"Chair {n}")
    login(client, make_user(Role.ADMIN))
    return client


@pytest.mark.parametrize("url", IGNORED)
def test_out_of_range_filters_and_url_keywords_are_ignored(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200, url


def test_url_keywords_in_the_query_do_not_leak_into_links(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 10)
    page = admin_client.get("/items?endpoint=x&_external=1&q=Chair").text
    assert 'rel="next" href="/items?' in page
    assert "endpoint=" not in page and "_external" not in page and "http://" not in page


@pytest.mark.parametrize("url", NOT_FOUND)
def test_out_of_range_ids_are_not_found(admin_client, url):
    assert admin_client.get(url).status_code == 404, url


@pytest.mark.parametrize("url", NUL)
def test_a_nul_character_anywhere_is_a_bad_request_with_a_message(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.text


def test_a_nul_in_a_form_field_changes_nothing(admin_client, db_session):
    item = db_session.scalar(select(Item).where(Item.name == "Chair 0"))
    form = {"name": "Ch\x00air", "version": item.version, "condition": "good", "quantity": "1"}
    response = admin_client.post(f"/items/{item.id}/edit", data=form)
    assert response.status_code == 400 and "NUL character" in response.text
    db_session.refresh(item)
    assert item.name == "Chair 0"


def test_a_nul_in_the_phones_queue_is_answered_in_json(admin_client):
    response = admin_client.post("/scan/sync", json={"scans": [{"code": "A\u0000"}]})
    assert response.status_code == 400
    assert "NUL character" in response.get_json()["error"]
