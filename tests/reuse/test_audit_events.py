"""The audit trail of reuse administration: the settings and the partners' links."""

import pytest

from app.audit.models import AuditAction, AuditObject
from app.auth.roles import Role
from tests.app.auditing import audit_rows, only_row
from tests.reuse.outside_helpers import add_partner

A = AuditAction
SETTINGS = {
    "department_days": "0",
    "organisation_days": "14",
    "partner_days": "14",
    "external_mode": "both",
}  # the defaults
PARTNER = {
    "name": "Åby Re-use",
    "kind": "repair",
    "town": "Åby",
    "contact_name": "",
    "email": "",
    "phone": "",
    "notes": "",
}


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def test_changed_settings_are_one_row_with_only_what_changed(client, login, db_session, admin):
    login(client, admin)
    changed = {**SETTINGS, "organisation_days": "10", "external_mode": "sell"}
    assert client.post("/reuse/settings", data=changed).status_code == 302
    row = only_row(db_session, A.SETTINGS_CHANGED)
    assert (row.actor_id, row.object_type) == (admin.id, AuditObject.SETTINGS)
    assert row.before == {"organisation_days": 14, "external_mode": "both"}
    assert row.after == {"organisation_days": 10, "external_mode": "sell"}


def test_settings_saved_unchanged_or_refused_record_nothing(client, login, db_session, admin):
    login(client, admin)
    assert client.post("/reuse/settings", data=SETTINGS).status_code == 302
    refused = client.post("/reuse/settings", data={**SETTINGS, "partner_days": "1000"})
    assert refused.status_code == 200
    assert audit_rows(db_session, A.SETTINGS_CHANGED) == []


def test_a_new_partner_is_a_link_made(client, login, db_session, manager):
    login(client, manager)
    assert client.post("/reuse/partners/new", data=PARTNER).status_code == 200
    row = only_row(db_session, A.PARTNER_LINK_MADE)
    assert (row.actor_id, row.object_type, row.object_label) == (
        manager.id,
        AuditObject.PARTNER,
        "Åby Re-use",
    )
    assert (row.before, row.after) == (
        None,
        {"name": "Åby Re-use", "kind": "repair", "active": True},
    )


def test_a_partner_refused_for_its_name_records_nothing(client, login, db_session, manager):
    add_partner(db_session, name="Åby Re-use")
    login(client, manager)
    assert "already exists" in client.post("/reuse/partners/new", data=PARTNER).text
    assert audit_rows(db_session, A.PARTNER_LINK_MADE) == []


def test_replacing_shutting_and_reopening_a_link_are_one_row_each(
    client, login, db_session, manager
):
    partner, _token = add_partner(db_session)
    login(client, manager)
    client.post(f"/reuse/partners/{partner.id}/new-link")
    client.post(f"/reuse/partners/{partner.id}/deactivate")
    client.post(f"/reuse/partners/{partner.id}/deactivate")  # already shut: no second row
    client.post(f"/reuse/partners/{partner.id}/activate")
    replaced = only_row(db_session, A.PARTNER_LINK_REPLACED)
    shut = only_row(db_session, A.PARTNER_LINK_SHUT)
    reopened = only_row(db_session, A.PARTNER_LINK_REOPENED)
    assert replaced.object_id == shut.object_id == reopened.object_id == partner.id
    assert (replaced.before, replaced.after) == (None, None)  # never the link's secret
    assert (shut.before, shut.after) == ({"active": True}, {"active": False})
    assert (reopened.before, reopened.after) == ({"active": False}, {"active": True})


def test_editing_a_partner_is_one_row_with_only_what_changed(client, login, db_session, manager):
    partner, _token = add_partner(db_session, name="Åby Re-use", kind="repair", town="Åby")
    login(client, manager)
    assert client.post(f"/reuse/partners/{partner.id}", data=PARTNER).status_code == 302
    assert audit_rows(db_session, A.PARTNER_CHANGED) == []  # saved as it was
    edited = {**PARTNER, "name": "Åby Repair", "contact_name": "Eva", "phone": "070-123"}
    assert client.post(f"/reuse/partners/{partner.id}", data=edited).status_code == 302
    row = only_row(db_session, A.PARTNER_CHANGED)
    assert (row.actor_id, row.object_type, row.object_id, row.object_label) == (
        manager.id,
        AuditObject.PARTNER,
        partner.id,
        "Åby Repair",
    )
    assert row.before == {"name": "Åby Re-use", "contact_name": "", "phone": ""}
    assert row.after == {"name": "Åby Repair", "contact_name": "Eva", "phone": "070-123"}


def test_a_partner_edit_refused_for_a_taken_name_records_nothing(
    client, login, db_session, manager
):
    partner, _token = add_partner(db_session, name="Åby Re-use", kind="repair", town="Åby")
    add_partner(db_session, name="Sundby Second Hand")
    login(client, manager)
    taken = {**PARTNER, "name": "sundby second hand"}
    assert "already exists" in client.post(f"/reuse/partners/{partner.id}", data=taken).text
    assert audit_rows(db_session, A.PARTNER_CHANGED) == []
