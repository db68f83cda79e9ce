"""The audit trail of accounts: each change an admin or a user makes, each login, is one row
with the right actor, object, before and after; a refused change leaves none."""

import re
from datetime import datetime, timedelta

import pytest

from app.audit.models import AuditAction, AuditObject
from app.auth.roles import Role
from app.timeutil import utcnow
from tests.app.auditing import audit_rows, only_row
from tests.conftest import PASSWORD

A = AuditAction


@pytest.fixture
def admin(make_user, make_department):
    return make_user(Role.ADMIN, department=make_department("Facilities"), name="Ada")


@pytest.fixture
def admin_client(client, login, admin):
    login(client, admin)
    return client


def user_form(user, **changes) -> dict:
    form = {
        "email": user.email,
        "name": user.name,
        "role": str(user.role),
        "department_id": user.department_id,
        "language": user.language,
    }
    return {**form, **changes}


def link_in(page: str) -> str:
    return re.search(r'value="https?://[^/]+(/account/password/[^"]+)"', page).group(1)


def test_inviting_a_user_records_who_was_created_by_whom(admin_client, db_session, admin):
    started = utcnow()
    page = admin_client.post(
        "/admin/users/new",
        data={
            "email": "New@X.org",
            "name": "Nils",
            "role": "manager",
            "department_id": admin.department_id,
            "language": "sv",
        },
    )
    assert page.status_code == 200
    row = only_row(db_session, A.USER_CREATED)
    assert (row.actor_id, row.actor_email) == (admin.id, admin.email)
    assert (row.object_type, row.object_label) == (AuditObject.USER, "new@x.org")
    assert row.before is None
    assert row.after == {
        "email": "new@x.org",
        "name": "Nils",
        "role": "manager",
        "department": "Facilities",
        "language": "sv",
        "active": True,
        "invited": True,
    }
    assert row.remote_addr == "127.0.0.1" and row.at >= started


def test_an_invitation_refused_for_a_taken_email_records_nothing(admin_client, db_session, admin):
    page = admin_client.post("/admin/users/new", data=user_form(admin, email=admin.email.upper()))
    assert "already exists" in page.text
    assert audit_rows(db_session, A.USER_CREATED) == []


def test_a_role_and_department_change_is_one_row_with_only_what_changed(
    admin_client, db_session, make_user, make_department
):
    staff = make_user(Role.STAFF, department=make_department("North"), name="Sam")
    south = make_department("South")
    form = user_form(staff, role="manager", department_id=south.id)
    assert admin_client.post(f"/admin/users/{staff.id}/edit", data=form).status_code == 302
    row = only_row(db_session, A.USER_CHANGED)
    assert (row.object_id, row.object_label) == (staff.id, staff.email)
    assert row.before == {"role": "staff", "department": "North"}
    assert row.after == {"role": "manager", "department": "South"}


def test_saving_a_user_unchanged_records_nothing(admin_client, db_session, make_user):
    staff = make_user(Role.STAFF)
    assert (
        admin_client.post(f"/admin/users/{staff.id}/edit", data=user_form(staff)).status_code == 302
    )
    assert audit_rows(db_session, A.USER_CHANGED) == []


def test_demoting_the_last_admin_is_refused_and_records_nothing(admin_client, db_session, admin):
    page = admin_client.post(f"/admin/users/{admin.id}/edit", data=user_form(admin, role="staff"))
    assert page.status_code == 200
    assert audit_rows(db_session, A.USER_CHANGED) == []


def test_deactivating_and_reactivating_are_one_row_each(admin_client, db_session, make_user):
    staff = make_user(Role.STAFF)
    admin_client.post(f"/admin/users/{staff.id}/deactivate")
    admin_client.post(f"/admin/users/{staff.id}/deactivate")  # again: nothing more happens
    admin_client.post(f"/admin/users/{staff.id}/activate")
    off, on = only_row(db_session, A.USER_DEACTIVATED), only_row(db_session, A.USER_REACTIVATED)
    assert (off.before, off.after) == ({"active": True}, {"active": False})
    assert (on.before, on.after) == ({"active": False}, {"active": True})
    assert off.object_id == on.object_id == staff.id


def test_an_admin_cannot_deactivate_themself_and_nothing_is_recorded(
    admin_client, db_session, admin
):
    admin_client.post(f"/admin/users/{admin.id}/deactivate")
    assert audit_rows(db_session, A.USER_DEACTIVATED) == []


def test_forged_actor_and_time_fields_in_a_form_are_ignored(
    admin_client, db_session, admin, make_user
):
    staff = make_user(Role.STAFF)
    forged = {
        "actor_id": str(staff.id),
        "actor_email": "someone@else.org",
        "at": "2001-01-01",
        "timestamp": "2001-01-01T00:00:00Z",
        "remote_addr": "10.6.6.6",
    }
    admin_client.post(f"/admin/users/{staff.id}/deactivate", data=forged)
    row = only_row(db_session, A.USER_DEACTIVATED)
    assert (row.actor_id, row.actor_email, row.remote_addr) == (admin.id, admin.email, "127.0.0.1")
    assert row.at > utcnow() - timedelta(hours=1)


def test_a_reset_link_is_recorded_when_issued_and_when_used(
    app, admin_client, db_session, admin, make_user
):
    staff = make_user(Role.STAFF)
    link = link_in(admin_client.post(f"/admin/users/{staff.id}/reset-password").text)
    issued = only_row(db_session, A.PASSWORD_RESET_REQUESTED)
    assert (issued.actor_id, issued.object_id) == (admin.id, staff.id)
    response = app.test_client().post(
        link, data={"password": "a new password", "confirm": "a new password"}
    )
    assert response.status_code == 302
    done = only_row(db_session, A.PASSWORD_RESET_DONE)
    assert (done.actor_id, done.actor_email, done.object_id) == (staff.id, staff.email, staff.id)
    assert audit_rows(db_session, A.INVITATION_ACCEPTED) == []


def test_accepting_an_invitation_is_recorded_as_the_invited_user(
    app, admin_client, db_session, admin
):
    page = admin_client.post(
        "/admin/users/new", data=user_form(admin, email="new@x.org", role="staff")
    )
    response = app.test_client().post(
        link_in(page.text), data={"password": "a new password", "confirm": "a new password"}
    )
    assert response.status_code == 302
    row = only_row(db_session, A.INVITATION_ACCEPTED)
    assert row.actor_email == row.object_label == "new@x.org"
    assert audit_rows(db_session, A.PASSWORD_RESET_DONE) == []


def test_a_short_password_through_a_link_records_nothing(app, admin_client, db_session, make_user):
    staff = make_user(Role.STAFF)
    link = link_in(admin_client.post(f"/admin/users/{staff.id}/reset-password").text)
    app.test_client().post(link, data={"password": "short", "confirm": "short"})
    assert audit_rows(db_session, A.PASSWORD_RESET_DONE) == []


def test_changing_ones_own_password_is_recorded_and_a_wrong_current_one_is_not(
    client, login, db_session, make_user
):
    user = make_user(Role.REQUESTER)
    login(client, user)
    new = {"pw-password": "brand new password", "pw-confirm": "brand new password"}
    client.post("/account", data={"pw-current": "not my password", **new})
    assert audit_rows(db_session, A.PASSWORD_CHANGED) == []
    assert client.post("/account", data={"pw-current": PASSWORD, **new}).status_code == 302
    row = only_row(db_session, A.PASSWORD_CHANGED)
    assert (row.actor_id, row.object_id, row.before, row.after) == (user.id, user.id, None, None)


def test_changing_ones_own_name_and_language_is_recorded_as_oneself(
    client, login, db_session, make_user
):
    user = make_user(Role.STAFF, name="Sam", language="en")
    login(client, user)
    same = {"pref-name": "Sam", "pref-language": "en"}
    assert client.post("/account", data=same).status_code == 302
    assert audit_rows(db_session, A.USER_CHANGED) == []
    changed = {"pref-name": "Samira", "pref-language": "sv"}
    assert client.post("/account", data=changed).status_code == 302
    row = only_row(db_session, A.USER_CHANGED)
    assert (row.actor_id, row.object_id) == (user.id, user.id)
    assert (row.before, row.after) == (
        {"name": "Sam", "language": "en"},
        {"name": "Samira", "language": "sv"},
    )


def test_a_login_and_a_failed_one_are_recorded(client, db_session, make_user):
    user = make_user(Role.STAFF)
    client.post("/login", data={"email": user.email, "password": "wrong password"})
    client.post("/login", data={"email": "Nobody@X.org", "password": "wrong password"})
    client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    wrong, unknown = audit_rows(db_session, A.LOGIN_FAILED)
    assert (wrong.actor_id, wrong.actor_email) == (None, "")
    assert (wrong.object_id, wrong.object_label) == (user.id, user.email)
    assert (unknown.object_id, unknown.object_label) == (None, "nobody@x.org")
    success = only_row(db_session, A.LOGIN_SUCCEEDED)
    assert (success.actor_id, success.object_id, success.remote_addr) == (
        user.id,
        user.id,
        "127.0.0.1",
    )


def test_first_run_setup_records_the_first_admin(client, db_session):
    client.post(
        "/setup",
        data={
            "organisation": "Sundby kommun",
            "department": "Facilities",
            "name": "Ada",
            "email": "ada@sundby.example",
            "password": "a long password",
            "confirm": "a long password",
        },
    )
    row = only_row(db_session, A.USER_CREATED)
    assert row.actor_email == row.object_label == "ada@sundby.example"
    assert row.after["role"] == "admin" and row.after["department"] == "Facilities"


def test_the_create_user_command_records_a_user_created_by_nobody(runner, db_session):
    result = runner.invoke(
        args=[
            "create-user",
            "cli@x.org",
            "--role",
            "manager",
            "--department",
            "Hemtjänst",
            "--password-stdin",
        ],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    row = only_row(db_session, A.USER_CREATED)
    assert (row.actor_id, row.actor_email, row.remote_addr) == (None, "", None)
    assert row.after["email"] == "cli@x.org" and row.after["department"] == "Hemtjänst"
    assert isinstance(row.at, datetime)
