"""Departments, sites, storerooms and categories through the API: read by anyone with a
token, written by facility managers and admins, with the places pages' checks and audit."""

from decimal import Decimal

from sqlalchemy import select

from app.audit.models import AuditAction, AuditEvent
from app.auth.roles import Role
from inventory.models import Category, Storeroom


def test_a_manager_builds_the_places(api_as, make_user, db_session):
    api = api_as(make_user(Role.MANAGER))
    site = api.post("/api/v1/sites", json={"name": "Town hall", "town": "Sundby"})
    assert site.status_code == 201, site.json
    room = api.post("/api/v1/storerooms", json={"code": "TH-1", "name": "Basement",
                                                 "site_id": site.json["id"]})  # fmt: skip
    assert room.status_code == 201, room.json
    parent = api.post("/api/v1/categories", json={"name": "Furniture"}).json
    chairs = api.post("/api/v1/categories", json={
        "name": "Chairs", "parent_id": parent["id"], "names": {"sv": "Stolar"},
        "replacement_value": 900,
    })  # fmt: skip
    assert chairs.status_code == 201 and chairs.json["path"] == "Furniture > Chairs"
    assert [row["code"] for row in api.get("/api/v1/storerooms").json["items"]] == ["TH-1"]
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {AuditAction.SITE_CREATED, AuditAction.STOREROOM_CREATED,
            AuditAction.CATEGORY_CREATED} <= actions  # fmt: skip


def test_category_paths_follow_the_readers_language(api_as, make_user, make_category):
    furniture = make_category("Furniture", names={"sv": "Möbler"})
    make_category("Chairs", parent=furniture, names={"sv": "Stolar"})
    rows = api_as(make_user(language="sv")).get("/api/v1/categories").json["items"]
    assert [row["path"] for row in rows] == ["Möbler", "Möbler > Stolar"]


def test_staff_read_but_do_not_write(api_as, make_user, db_session):
    api = api_as(make_user(Role.STAFF))
    assert api.get("/api/v1/departments").status_code == 200
    response = api.post("/api/v1/categories", json={"name": "Beds"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert db_session.scalar(select(Category)) is None


def test_a_taken_code_or_name_is_a_409(api_as, make_user, make_storeroom, make_item, db_session):
    room = make_storeroom(code="A1")
    make_item(tag="X-9")
    api = api_as(make_user(Role.MANAGER))
    taken = api.post("/api/v1/storerooms", json={"code": "a1", "name": "Other",
                                                  "site_id": room.site_id})  # fmt: skip
    assert taken.status_code == 409
    a_tag = api.patch(f"/api/v1/storerooms/{room.id}", json={"code": "x-9", "name": "Room",
                                                              "site_id": room.site_id})  # fmt: skip
    assert a_tag.status_code == 409
    db_session.refresh(room)
    assert room.code == "A1"


def test_a_category_never_goes_under_itself(api_as, make_user, make_category, db_session):
    top = make_category("Furniture")
    below = make_category("Chairs", parent=top)
    response = api_as(make_user(Role.ADMIN)).patch(
        f"/api/v1/categories/{top.id}", json={"name": "Furniture", "parent_id": below.id}
    )
    assert response.status_code == 409
    db_session.refresh(top)
    assert top.parent_id is None


def test_an_unknown_site_is_a_422(api_as, make_user, db_session):
    response = api_as(make_user(Role.MANAGER)).post(
        "/api/v1/storerooms", json={"code": "Z1", "name": "Shed", "site_id": 999}
    )
    assert response.status_code == 422 and response.json["error"]["field"] == "site_id"
    assert db_session.scalar(select(Storeroom)) is None


def test_a_patch_changes_only_what_it_names(api_as, make_user, make_storeroom, make_department,
                                           make_category, db_session):  # fmt: skip
    owner = make_department("Owner")
    room = make_storeroom(code="P1", department=owner, notes="Key at reception")
    top = make_category("Furniture")
    chairs = make_category("Chairs", parent=top, replacement_value=900, names={"sv": "Stolar"})
    api = api_as(make_user(Role.MANAGER))
    assert api.patch(f"/api/v1/storerooms/{room.id}", json={"name": "Attic"}).status_code == 200
    changed = api.patch(f"/api/v1/categories/{chairs.id}", json={"co2e_kg": 12, "weight_kg": 7.5})
    assert changed.status_code == 200, changed.json
    db_session.refresh(room), db_session.refresh(chairs)
    assert (room.code, room.name, room.department_id, room.notes) == (
        "P1", "Attic", owner.id, "Key at reception")  # fmt: skip
    assert chairs.parent_id == top.id and chairs.replacement_value == 900
    assert chairs.names == {"sv": "Stolar"} and chairs.co2e_kg == 12
    assert chairs.weight_kg == Decimal("7.5") and Decimal(changed.json["weight_kg"]) == Decimal(
        "7.5"
    )
    moved = api.patch(f"/api/v1/categories/{chairs.id}", json={"parent_id": None})
    assert moved.json["path"] == "Chairs"
