"""The audit trail of printer profiles: made and changed from the profile page, one row each
with the manager, the profile and its values before and after."""

import pytest

from app.audit.models import AuditAction, AuditObject
from app.auth.roles import Role
from inventory.models import Organisation
from tests.app.auditing import audit_rows, only_row

A = AuditAction
OFFICE_HP = {
    "name": "Office HP",
    "format": "L7160",
    "offset_x": "1.5",
    "offset_y": "-0.5",
    "scale": "1",
}


@pytest.fixture
def manager_client(client, login, make_user, db_session):
    db_session.add(Organisation(name="Sundby kommun"))
    db_session.commit()
    client.user = make_user(Role.MANAGER)
    login(client, client.user)
    return client


def test_a_new_printer_profile_is_recorded_with_its_values(manager_client, db_session):
    assert manager_client.post("/labels/profiles/new", data=OFFICE_HP).status_code == 302
    row = only_row(db_session, A.PRINTER_PROFILE_CREATED)
    assert (row.actor_id, row.object_type, row.object_label) == (
        manager_client.user.id,
        AuditObject.PRINTER_PROFILE,
        "Office HP",
    )
    assert row.before is None
    assert row.after == {
        "name": "Office HP",
        "format": "L7160",
        "offset_x": 1.5,
        "offset_y": -0.5,
        "scale": 1.0,
    }


def test_a_changed_profile_is_one_row_with_only_what_changed(manager_client, db_session):
    manager_client.post("/labels/profiles/new", data=OFFICE_HP)
    profile_id = only_row(db_session, A.PRINTER_PROFILE_CREATED).object_id
    url = f"/labels/profiles/{profile_id}"
    assert manager_client.post(url, data=OFFICE_HP).status_code == 302  # saved as it was
    assert audit_rows(db_session, A.PRINTER_PROFILE_CHANGED) == []
    changed = {**OFFICE_HP, "offset_y": "0.5", "scale": "0.98"}
    assert manager_client.post(url, data=changed).status_code == 302
    row = only_row(db_session, A.PRINTER_PROFILE_CHANGED)
    assert (row.actor_id, row.object_id) == (manager_client.user.id, profile_id)
    assert (row.before, row.after) == (
        {"offset_y": -0.5, "scale": 1.0},
        {"offset_y": 0.5, "scale": 0.98},
    )


def test_a_profile_refused_for_a_taken_name_records_nothing(manager_client, db_session):
    manager_client.post("/labels/profiles/new", data=OFFICE_HP)
    manager_client.post("/labels/profiles/new", data={**OFFICE_HP, "name": "Basement"})
    basement = audit_rows(db_session, A.PRINTER_PROFILE_CREATED)[-1].object_id
    taken = {**OFFICE_HP, "name": "office hp"}
    for url in ("/labels/profiles/new", f"/labels/profiles/{basement}"):
        assert "already exists" in manager_client.post(url, data=taken).text
    assert len(audit_rows(db_session, A.PRINTER_PROFILE_CREATED)) == 2
    assert audit_rows(db_session, A.PRINTER_PROFILE_CHANGED) == []


def test_admins_find_profile_events_on_the_audit_page(app, login, make_user, manager_client):
    manager_client.post("/labels/profiles/new", data=OFFICE_HP)
    admin_client = app.test_client()
    login(admin_client, make_user(Role.ADMIN))
    page = admin_client.get("/admin/audit?type=printer_profile").text
    assert "Printer profile created" in page and "Office HP" in page
