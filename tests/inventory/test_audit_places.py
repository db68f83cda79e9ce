"""The audit trail of departments, sites, storerooms and categories: made and changed from
their pages, one row each with the manager and the values before and after; a refused edit
leaves no row."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditAction, AuditObject
from app.auth.roles import Role
from inventory.models import Category, Site, Storeroom
from tests.app.auditing import audit_rows, only_row

A = AuditAction


@pytest.fixture
def manager_client(client, make_user, login):
    client.user = make_user(Role.MANAGER)
    login(client, client.user)
    return client


def test_a_new_department_and_its_rename_are_recorded(manager_client, db_session):
    manager_client.post("/departments/new", data={"name": "Hemtjänst Norr"})
    made = only_row(db_session, A.DEPARTMENT_CREATED)
    assert (made.actor_id, made.object_type, made.after) == (
        manager_client.user.id,
        AuditObject.DEPARTMENT,
        {"name": "Hemtjänst Norr"},
    )
    manager_client.post(f"/departments/{made.object_id}/edit", data={"name": "Hemtjänst Syd"})
    renamed = only_row(db_session, A.DEPARTMENT_CHANGED)
    assert (renamed.object_id, renamed.before, renamed.after) == (
        made.object_id,
        {"name": "Hemtjänst Norr"},
        {"name": "Hemtjänst Syd"},
    )


def test_a_storeroom_given_to_a_department_records_only_that(
    manager_client, db_session, make_department
):
    manager_client.post("/sites/new", data={"name": "Centrallagret", "town": "Sundby"})
    site = db_session.scalar(select(Site))
    assert only_row(db_session, A.SITE_CREATED).after == {
        "name": "Centrallagret",
        "town": "Sundby",
        "address": "",
    }
    room = {"code": "CL-A", "name": "Hall A", "site_id": site.id, "department_id": ""}
    manager_client.post("/storerooms/new", data=room)
    made = only_row(db_session, A.STOREROOM_CREATED)
    assert (made.object_label, made.after["department"]) == ("CL-A", None)

    care = make_department("Vård och omsorg")
    room_id = db_session.scalar(select(Storeroom.id))
    response = manager_client.post(
        f"/storerooms/{room_id}/edit", data={**room, "department_id": care.id}
    )
    assert response.status_code == 302
    changed = only_row(db_session, A.STOREROOM_CHANGED)
    assert (changed.before, changed.after) == (
        {"department": None},
        {"department": "Vård och omsorg"},
    )


def test_a_categorys_values_are_recorded_as_text_and_an_unchanged_save_as_nothing(
    manager_client, db_session
):
    rollator = {"name": "Rollator", "kind": "assistive_aid", "replacement_value": "3 500,00"}
    manager_client.post("/categories/new", data=rollator)
    made = only_row(db_session, A.CATEGORY_CREATED)
    assert made.after == {
        "name": "Rollator",
        "parent": None,
        "kind": "assistive_aid",
        "replacement_value": "3500.00",
        "co2e_kg": None,
    }
    category_id = db_session.scalar(select(Category.id))
    manager_client.post(f"/categories/{category_id}/edit", data=rollator)
    assert audit_rows(db_session, A.CATEGORY_CHANGED) == []
    manager_client.post(f"/categories/{category_id}/edit", data={**rollator, "co2e_kg": "30,5"})
    changed = only_row(db_session, A.CATEGORY_CHANGED)
    assert (changed.before, changed.after) == ({"co2e_kg": None}, {"co2e_kg": "30.50"})


def test_a_refused_edit_leaves_no_row(manager_client, db_session, make_department):
    make_department("Hemtjänst Norr")
    rows_before = len(audit_rows(db_session))
    response = manager_client.post("/departments/new", data={"name": "HEMTJÄNST NORR"})
    assert response.status_code == 200 and "already exists" in response.text
    assert len(audit_rows(db_session)) == rows_before


def test_the_audit_page_names_place_actions(app, make_user, login, manager_client):
    manager_client.post("/sites/new", data={"name": "Centrallagret"})
    admin_client = app.test_client()
    login(admin_client, make_user(Role.ADMIN))
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200
    assert "Site created" in page.text and "Centrallagret" in page.text
