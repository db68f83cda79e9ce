"""Labels through the API: a PDF for items by tag, for a storeroom's items or of its own label,
with the print page's rules and the "label printed" history; refusals print and record nothing."""

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import EventKind, ItemEvent, Organisation
from labels import services
from tests.labels.conftest import decode_pdf


def printed(response, tmp_path) -> list[str]:
    """The QR codes of the PDF answered, in page order."""
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    return decode_pdf(response.data, tmp_path)


def pages(tmp_path) -> int:
    return len(list(tmp_path.glob("page-*.png")))


def printed_events(db_session) -> list[tuple[int, str]]:
    db_session.expire_all()
    return db_session.execute(
        select(ItemEvent.item_id, ItemEvent.note).where(ItemEvent.kind == EventKind.LABEL_PRINTED)
    ).all()


def test_labels_for_items_by_tag_record_history(
    api_as, make_user, make_item, db_session, tmp_path, app
):
    staff = make_user(Role.STAFF)
    chair, desk = make_item("Chair", tag="LAB-1"), make_item("Desk", tag="LAB-2")
    make_item("Lamp", tag="LAB-3")
    answer = api_as(staff).post("/api/v1/labels", json={"tags": ["lab-2", "LAB-1"]})
    base = app.config["PUBLIC_BASE_URL"].upper()
    assert sorted(printed(answer, tmp_path)) == [f"{base}/S/LAB-1", f"{base}/S/LAB-2"]
    assert pages(tmp_path) == 1
    assert sorted(printed_events(db_session)) == sorted([(chair.id, "L7160"), (desk.id, "L7160")])


def test_labels_for_a_storerooms_items_one_page_each_on_a_roll(
    api_as, make_user, make_item, make_storeroom, db_session, tmp_path
):
    room = make_storeroom(code="K12")
    inside = [make_item(f"Chair {n}", storeroom=room) for n in range(3)]
    make_item("Elsewhere")
    body = {"storeroom": "k12", "format": "62x29"}
    codes = printed(api_as(make_user(Role.STAFF)).post("/api/v1/labels", json=body), tmp_path)
    assert sorted(code.rsplit("/", 1)[1] for code in codes) == sorted(i.tag for i in inside)
    assert pages(tmp_path) == 3
    assert sorted(item_id for item_id, _ in printed_events(db_session)) == sorted(
        i.id for i in inside
    )


def test_start_position_and_copies_are_those_of_the_page(
    api_as, make_user, make_item, db_session, tmp_path
):
    item = make_item("Chair")
    body = {"tags": [item.tag], "start": 21, "copies": 2}  # the last label, then a new sheet
    codes = printed(api_as(make_user(Role.STAFF)).post("/api/v1/labels", json=body), tmp_path)
    assert len(codes) == 2 and pages(tmp_path) == 2


def test_a_storerooms_own_label_is_for_warehouse_roles(
    api_as, make_user, make_item, make_storeroom, db_session, tmp_path
):
    room = make_storeroom(code="K7")
    make_item("Chair", storeroom=room)
    body = {"storeroom": "K7", "storeroom_label": True}
    codes = printed(api_as(make_user(Role.STAFF)).post("/api/v1/labels", json=body), tmp_path)
    assert [code.rsplit("/", 1)[1] for code in codes] == ["K7"]
    refused = api_as(make_user(Role.REQUESTER)).post("/api/v1/labels", json=body)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert printed_events(db_session) == []  # a storeroom's label is no item's history


def test_a_tag_the_user_may_not_see_is_told_as_one_that_does_not_exist(
    api_as, make_user, make_item, make_department, db_session
):
    requester = make_user(Role.REQUESTER)
    mine = make_item("Mine", department=requester.department)
    theirs = make_item("Theirs", tag="HID-1", department=make_department("Other"))
    api = api_as(requester)
    hidden = api.post("/api/v1/labels", json={"tags": [mine.tag, theirs.tag]})
    missing = api.post("/api/v1/labels", json={"tags": [mine.tag, "NONE-1"]})
    assert hidden.status_code == missing.status_code == 422
    said = hidden.json["error"]["message"], missing.json["error"]["message"]
    assert said[0].replace("HID-1", "NONE-1") == said[1]
    assert hidden.json["error"]["field"] == "tags"
    assert printed_events(db_session) == []


@pytest.mark.parametrize(
    ("body", "field", "said"),
    [
        ({}, "tags", "either tags or a storeroom"),
        ({"tags": ["X"], "storeroom": "K1"}, "tags", "either tags or a storeroom"),
        ({"tags": ["X"], "storeroom_label": True}, "storeroom", "either tags or a storeroom"),
        ({"tags": []}, "tags", ""),
        ({"tags": ["X"], "format": "A3-huge"}, "format", ""),
        ({"tags": ["X"], "start": 22}, "start", "21 labels a sheet"),
        ({"tags": ["X"], "copies": 21}, "copies", ""),
        ({"tags": ["X"], "colour": "red"}, "colour", ""),
        ({"storeroom": "NOPE"}, "storeroom", "No storeroom has the code NOPE."),
        ({"storeroom": "EMPTY"}, "storeroom", "nothing to print"),
        ({"tags": ["X"], "profile_id": 999999}, "profile_id", ""),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else None,
)
def test_a_body_that_chooses_nothing_printable_is_a_422(
    api_as, make_user, make_item, make_storeroom, db_session, body, field, said
):
    make_item("Chair", tag="X")
    make_storeroom(code="EMPTY")
    answer = api_as(make_user(Role.STAFF)).post("/api/v1/labels", json=body)
    assert answer.status_code == 422, answer.data[:200]
    assert answer.json["error"]["field"] == field and said in answer.json["error"]["message"]
    assert printed_events(db_session) == []


def test_a_profile_for_another_format_is_refused(api_as, make_user, make_item, db_session):
    item = make_item("Chair")
    organisation = Organisation(name="Sundby", currency="SEK")
    db_session.add(organisation)
    db_session.flush()
    profile = services.save_profile(db_session, organisation=organisation, name="Roll",
                                    format_name="62x29", offset_x=0, offset_y=0, scale=1)  # fmt: skip
    db_session.commit()
    body = {"tags": [item.tag], "profile_id": profile.id}
    answer = api_as(make_user(Role.STAFF)).post("/api/v1/labels", json=body)
    assert answer.status_code == 422 and "62x29" in answer.json["error"]["message"]
    assert printed_events(db_session) == []
