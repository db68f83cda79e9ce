"""Items through the API: the same rules, services and history as the item pages."""

import io

from PIL import Image
from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import EventKind, Item, ItemEvent, ItemPhoto, ItemStatus


def events_of(db_session, item_id: int) -> list[EventKind]:
    rows = db_session.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id))
    return [event.kind for event in sorted(rows, key=lambda e: e.id)]


def test_create_an_item_in_a_storeroom(
    api_as, db_session, make_user, make_storeroom, make_category
):
    user = make_user(Role.STAFF)
    room, category = make_storeroom(code="B1"), make_category("Chairs")
    response = api_as(user).post("/api/v1/items", json={
        "name": " Office chair ", "storeroom_id": room.id, "position": "Shelf 3",
        "category_id": category.id, "quantity": 4, "purchase_price": "1250.50",
        "extra": {"Colour": "Blue"},
    })  # fmt: skip
    assert response.status_code == 201, response.json
    body = response.json
    assert body["name"] == "Office chair" and body["storeroom"] == "B1"
    assert body["position"] == "Shelf 3" and body["status"] == "in_storage"
    assert body["department_id"] == user.department_id and body["category"] == "Chairs"
    assert body["purchase_price"] == "1250.50" and body["extra"] == {"Colour": "Blue"}
    item = db_session.scalar(select(Item).where(Item.tag == body["tag"]))
    assert events_of(db_session, item.id) == [EventKind.CREATED]
    assert db_session.get(ItemEvent, item.events[0].id).user_id == user.id


def test_a_taken_tag_is_a_409(api_as, make_user, make_item, db_session):
    make_item(tag="INV-7")
    response = api_as(make_user(Role.STAFF)).post("/api/v1/items",
                                                  json={"name": "Desk", "tag": "inv-7"})  # fmt: skip
    assert response.status_code == 409
    assert db_session.scalar(select(func.count()).select_from(Item)) == 1


def test_a_requester_files_items_only_under_their_department(
    api_as, make_user, make_department, db_session
):
    requester = make_user(Role.REQUESTER)
    other = make_department("Other")
    response = api_as(requester).post("/api/v1/items", json={"name": "Desk", "place": "Hall",
                                                              "department_id": other.id})  # fmt: skip
    assert response.status_code == 403
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0


def test_an_item_is_read_by_its_tag_in_any_case(api_as, make_user, make_item):
    item = make_item("Care bed", tag="Bed-12")
    response = api_as(make_user(Role.STAFF)).get("/api/v1/items/BED-12")
    assert response.status_code == 200 and response.json["tag"] == "Bed-12"
    assert response.json["version"] == item.version


def test_a_change_on_the_version_read(api_as, make_user, make_item, db_session):
    item = make_item("Desk")
    api = api_as(make_user(Role.STAFF))
    version = api.get(f"/api/v1/items/{item.tag}").json["version"]
    response = api.patch(f"/api/v1/items/{item.tag}",
                         json={"version": version, "name": "Standing desk", "condition": "fair"})  # fmt: skip
    assert response.status_code == 200, response.json
    assert response.json["name"] == "Standing desk" and response.json["version"] == version + 1
    edit = db_session.scalars(select(ItemEvent).where(ItemEvent.kind == EventKind.EDITED)).one()
    assert edit.changes["name"] == ["Desk", "Standing desk"]


def test_a_stale_version_is_a_409_with_the_version_now(api_as, make_user, make_item, db_session):
    item = make_item("Desk")
    api = api_as(make_user(Role.STAFF))
    read = api.get(f"/api/v1/items/{item.tag}").json["version"]
    first = api.patch(f"/api/v1/items/{item.tag}", json={"version": read, "notes": "first"})
    assert first.status_code == 200
    response = api.patch(f"/api/v1/items/{item.tag}", json={"version": read, "name": "Lost"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "stale_version"
    assert response.json["error"]["current_version"] == read + 1
    db_session.refresh(item)
    assert item.name == "Desk" and item.notes == "first"


def test_move_into_a_storeroom_and_out_into_use(api_as, make_user, make_item, make_storeroom,
                                               db_session):  # fmt: skip
    item, room = make_item("Rollator"), make_storeroom(code="C2")
    api = api_as(make_user(Role.STAFF))
    moved = api.post(f"/api/v1/items/{item.tag}/move", json={"storeroom_id": room.id,
                                                             "position": "Rack 4"})  # fmt: skip
    assert moved.status_code == 200, moved.json
    assert moved.json["storeroom"] == "C2" and moved.json["status"] == "in_storage"
    out = api.post(f"/api/v1/items/{item.tag}/move", json={"place": "Ward 7"})
    assert out.json["place"] == "Ward 7" and out.json["storeroom"] is None
    assert events_of(db_session, item.id) == [EventKind.CREATED, EventKind.MOVED, EventKind.MOVED]
    history = api.get(f"/api/v1/items/{item.tag.lower()}/history").json
    assert [event["kind"] for event in history["events"]] == ["created", "moved", "moved"]
    assert history["events"][1]["changes"]["storeroom"][1].startswith("C2")


def test_a_move_without_a_place_is_refused_and_changes_nothing(api_as, make_user, make_item,
                                                              db_session):  # fmt: skip
    item = make_item("Rollator")
    response = api_as(make_user(Role.STAFF)).post(f"/api/v1/items/{item.tag}/move", json={})
    assert response.status_code == 409
    assert events_of(db_session, item.id) == [EventKind.CREATED]


def test_dispose_is_for_managers(api_as, make_user, make_item, db_session):
    item = make_item("Broken chair")
    staff = api_as(make_user(Role.STAFF))
    assert staff.post(f"/api/v1/items/{item.tag}/dispose", json={"disposition": "recycled"}
                      ).status_code == 403  # fmt: skip
    response = api_as(make_user(Role.MANAGER)).post(
        f"/api/v1/items/{item.tag}/dispose", json={"disposition": "recycled", "note": "Worn out"}
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == ItemStatus.DISPOSED.value
    again = api_as(make_user(Role.MANAGER)).post(f"/api/v1/items/{item.tag}/dispose",
                                                 json={"disposition": "sold"})  # fmt: skip
    assert again.status_code == 409


def test_the_list_pages_with_links(api_as, make_user, make_item):
    tags = {make_item(f"Chair {n}").tag for n in range(5)}
    api = api_as(make_user(Role.STAFF))
    seen, url = [], "/api/v1/items?q=chair&per_page=2"
    while url:
        page = api.get(url).json
        assert len(page["items"]) <= 2
        seen += [row["tag"] for row in page["items"]]
        url = page["links"]["next"]
    assert sorted(seen) == sorted(tags) and len(seen) == 5


def test_the_list_filters_as_the_page_does(api_as, make_user, make_item, make_storeroom):
    room = make_storeroom(code="D4")
    inside = make_item("Desk", storeroom=room)
    make_item("Desk")
    api = api_as(make_user(Role.STAFF))
    rows = api.get(f"/api/v1/items?storeroom={room.id}").json["items"]
    assert [row["tag"] for row in rows] == [inside.tag]
    assert api.get("/api/v1/items?status=shiny").status_code == 422
    assert api.get("/api/v1/items?per_page=100000").status_code == 422


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(out, format="JPEG")
    return out.getvalue()


def test_photos_are_added_served_and_removed(api_as, make_user, make_item, db_session):
    item = make_item("Wheelchair")
    api = api_as(make_user(Role.STAFF))
    added = api.post(f"/api/v1/items/{item.tag}/photos",
                     data={"photo": (io.BytesIO(jpeg()), "chair.jpg")},
                     content_type="multipart/form-data")  # fmt: skip
    assert added.status_code == 201, added.json
    served = api.get(added.json["thumbnail_url"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert api.get(f"/api/v1/items/{item.tag}").json["photos"][0]["id"] == added.json["id"]
    assert api.delete(f"/api/v1/items/{item.tag}/photos/{added.json['id']}").status_code == 204
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 0


def test_a_file_that_is_no_photo_is_a_422(api_as, make_user, make_item, db_session):
    item = make_item("Wheelchair")
    response = api_as(make_user(Role.STAFF)).post(
        f"/api/v1/items/{item.tag}/photos",
        data={"photo": (io.BytesIO(b"<script>"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and response.json["error"]["field"] == "photo"
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 0


def test_page_links_keep_the_filters_and_nothing_else(api_as, make_user, make_item):
    for n in range(3):
        make_item(f"Chair {n}")
    api = api_as(make_user(Role.STAFF))
    page = api.get("/api/v1/items?q=chair&per_page=1&_method=POST&_anchor=x&_scheme=ftp")
    assert page.status_code == 200, page.json
    assert page.json["links"]["next"].startswith("/api/v1/items?")
    assert "_method" not in page.json["links"]["next"] and "#" not in page.json["links"]["next"]
    assert "q=chair" in page.json["links"]["next"] and "per_page=1" in page.json["links"]["next"]


def test_a_malformed_tag_is_a_422(api_as, make_user):
    response = api_as(make_user(Role.STAFF)).post("/api/v1/items", json={"name": "x", "tag": "a b"})
    assert response.status_code == 422 and response.json["error"]["field"] == "tag"
