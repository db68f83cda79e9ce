"""No oracles: a requester cannot learn that another department's tag exists, nor which import
batches exist. (What "check before buying" shows of other departments is in
tests/reuse/test_demand_pages.py.)"""

import re

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services as imports
from inventory import item_records
from inventory.errors import DuplicateTag
from inventory.models import Item

UNUSABLE = "This tag can&#39;t be used; choose another, or leave it empty to get one."


def new_item(client, user, tag: str):
    """The item form as the user fills it in: a chair of their department, in use."""
    return client.post("/items/new", data={
        "tag": tag, "name": "Chair", "quantity": "1", "condition": "good", "place": "Room 4",
        "department_id": str(user.department_id)})  # fmt: skip


def tag_error(page: str) -> str:
    """What the form says under the tag field."""
    return re.search(r'name="tag".*?<p class="error">(.*?)</p>', page, re.S).group(1)


def items(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Item))


@pytest.fixture
def taken(make_department, make_item, make_storeroom):
    """Tags held by an item of another department, by one of the requester's own, and by a
    storeroom; a requester's department."""
    own = make_department("School")
    make_item(tag="HOS-1", department=make_department("Hospital"))
    make_item(tag="SCH-1", department=own)
    make_storeroom(code="ROOM-1")
    return own


def test_a_requester_is_told_the_same_of_every_taken_tag(
    client, login, make_user, taken, db_session
):
    requester = make_user(Role.REQUESTER, department=taken)
    login(client, requester)
    before = items(db_session)
    answers = set()
    for tag in ("HOS-1", "hos-1", "SCH-1", "ROOM-1"):
        response = new_item(client, requester, tag)
        assert response.status_code == 200
        answers.add(tag_error(response.text))
        assert "already in use" not in response.text and "Hospital" not in response.text
    assert answers == {UNUSABLE}
    assert items(db_session) == before
    # A free tag is taken as given; an empty one gets the next number.
    assert new_item(client, requester, "SCH-2").status_code == 302
    assert new_item(client, requester, "").status_code == 302
    assert items(db_session) == before + 2


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMIN])
def test_those_who_see_every_item_are_told_the_tag_is_in_use(
    client, login, make_user, taken, db_session, role
):
    user = make_user(role, department=taken)
    login(client, user)
    response = new_item(client, user, "HOS-1")
    assert response.status_code == 200
    assert tag_error(response.text) == "The tag HOS-1 is already in use."


def test_a_tag_given_twice_at_the_same_moment_is_refused_as_taken(
    app, db_session, make_department, make_item, monkeypatch
):
    """The check before the INSERT saw it free; the unique index refuses the second."""
    department = make_department()
    make_item(tag="SAME-1", department=department)
    monkeypatch.setattr(item_records, "tag_in_use", lambda session, tag: False)
    with (
        app.test_request_context(),
        pytest.raises(DuplicateTag, match="same-1 is already in use"),
    ):
        item_records.create_item(db_session, {"name": "Chair", "department": department},
                                 tag="same-1", by=None, now=utcnow(), tag_prefix="INV-",
                                 tag_digits=6)  # fmt: skip
    db_session.rollback()


# --- import batches ---------------------------------------------------------------------------

PRINT = {"format": "L7160", "profile": "", "start": "1", "copies": "1"}


@pytest.fixture
def batch(app, db_session, make_user, make_department):
    """A committed import, by a manager, of two chairs of the School."""
    manager = make_user(Role.MANAGER, department=make_department("School"))
    sheet = b"Name;Department;Storeroom\nChair one;School;V1\nChair two;School;V1\n"
    with app.test_request_context():
        batch, table = imports.start_batch(db_session, sheet, "chairs.csv", user=manager,
                                           sheet=None, now=utcnow(), max_rows=100)  # fmt: skip
        batch.create_missing = True
        imports.commit(db_session, batch, table, user=manager, now=utcnow(),
                       tag_prefix="INV-", tag_digits=6)  # fmt: skip
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(Item)) == 2
    return batch


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.STAFF])
def test_a_batch_one_may_not_see_answers_as_one_that_does_not_exist(
    client, login, make_user, batch, role
):
    # The imported items are the user's department's: they may see each of them, not the batch.
    user = make_user(role, department=batch.uploaded_by.department)
    login(client, user)
    for method in ("get", "post"):
        hidden = getattr(client, method)(f"/labels/print?source=batch&id={batch.id}", data=PRINT)
        missing = getattr(client, method)(f"/labels/print?source=batch&id={batch.id + 1}",
                                          data=PRINT)  # fmt: skip
        assert hidden.status_code == missing.status_code == 404
        assert hidden.data == missing.data
        assert "import" not in hidden.text.lower()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_importers_print_a_batch(client, login, make_user, batch, role):
    login(client, make_user(role))
    page = client.get(f"/labels/print?source=batch&id={batch.id}")
    assert page.status_code == 200 and f"The items of import {batch.id}" in page.text
    assert client.get(f"/labels/print?source=batch&id={batch.id + 1}").status_code == 404
