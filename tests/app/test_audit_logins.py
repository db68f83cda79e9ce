"""The audit trail of logins the throttle answers, of account locks and unlocks, and of
logging out: each is one row, with the actor, the account and the values before and after."""

from datetime import UTC, datetime

import pytest

from app.audit.models import AuditAction, AuditObject
from app.auth.roles import Role
from tests.app.auditing import audit_rows, only_row
from tests.conftest import PASSWORD

A = AuditAction
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# With LOGIN_LOCK_AFTER at 6, the last of these failures locks the account; no pair waits.
LOCKING_ADDRESSES = ("172.16.0.1",) * 4 + ("172.16.1.1", "172.16.2.1")


@pytest.fixture
def clock(monkeypatch):
    """The login and admin pages judge by T0, so a lock's end is known in advance."""
    monkeypatch.setattr("app.auth.views.utcnow", lambda: T0)
    monkeypatch.setattr("app.auth.admin_views.utcnow", lambda: T0)


@pytest.fixture
def lock_after_six(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LOCK_AFTER", 6)


def post_login(client, email: str, password: str, ip: str):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def lock(client, email: str) -> None:
    for ip in LOCKING_ADDRESSES:
        response = post_login(client, email, "wrong password", ip)
    assert response.status_code == 429


def test_a_login_refused_while_its_pair_waits_is_a_failure_marked_refused(
    client, db_session, make_user, clock
):
    user = make_user(Role.STAFF)
    passwords = ["wrong password"] * 5 + [PASSWORD]  # the fifth failure starts a wait
    codes = [post_login(client, user.email, p, "203.0.113.9").status_code for p in passwords]
    assert codes == [200] * 4 + [429] * 2
    *checked, refused = audit_rows(db_session, A.LOGIN_FAILED)
    # the fifth failure, which started the wait, was checked: a failure like the others
    assert [row.after for row in checked] == [None] * 5
    assert refused.after == {"refused": "throttled"}
    assert (refused.actor_id, refused.object_id, refused.object_label) == (
        None,
        user.id,
        user.email,
    )
    assert refused.remote_addr == "203.0.113.9"
    assert audit_rows(db_session, A.LOGIN_SUCCEEDED) == []


def test_the_failure_that_locks_an_account_records_the_lock_once(
    app, client, db_session, make_user, clock, lock_after_six
):
    user = make_user(Role.STAFF)
    lock(client, user.email)
    assert post_login(client, user.email, PASSWORD, "192.0.2.1").status_code == 429
    assert post_login(client, user.email, PASSWORD, "192.0.2.2").status_code == 429
    locked = only_row(db_session, A.ACCOUNT_LOCKED)
    assert (locked.actor_id, locked.object_type, locked.object_id) == (
        None,
        AuditObject.USER,
        user.id,
    )
    assert locked.before == {"locked": False}
    assert locked.after == {"locked": True, "until": "2026-03-03T09:00:00+00:00"}
    assert locked.remote_addr == "172.16.2.1"  # the address whose failure tipped it
    rows = audit_rows(db_session, A.LOGIN_FAILED)
    assert [row.after for row in rows] == [None] * 6 + [{"refused": "account locked"}] * 2
    assert [row.remote_addr for row in rows[-2:]] == ["192.0.2.1", "192.0.2.2"]


def test_a_lock_of_an_address_with_no_account_is_recorded_alike(
    client, db_session, make_user, clock, lock_after_six
):
    make_user(Role.ADMIN)  # set up, so the login page answers
    lock(client, "Nobody@Sundby.example")
    locked = only_row(db_session, A.ACCOUNT_LOCKED)
    assert (locked.object_id, locked.object_label) == (None, "nobody@sundby.example")


def test_an_admin_unlocking_an_account_is_recorded_with_the_admin(
    client, login, db_session, make_user, clock, lock_after_six
):
    admin, user = make_user(Role.ADMIN), make_user(Role.STAFF)
    lock(client, user.email)
    login(client, admin)
    assert client.post(f"/admin/users/{user.id}/unlock").status_code == 302
    assert client.post(f"/admin/users/{user.id}/unlock").status_code == 302  # open already
    row = only_row(db_session, A.ACCOUNT_UNLOCKED)
    assert (row.actor_id, row.actor_email, row.object_id) == (admin.id, admin.email, user.id)
    assert (row.before, row.after) == ({"locked": True}, {"locked": False})
    page = client.get("/admin/audit?action=account_unlocked").text
    assert "Account unlocked" in page and user.email in page and admin.email in page


def test_the_unlock_command_is_recorded_as_nobody(
    client, runner, db_session, make_user, clock, lock_after_six
):
    user = make_user(Role.STAFF)
    lock(client, user.email)
    assert runner.invoke(args=["unlock-user", user.email]).exit_code == 0
    assert "was not locked" in runner.invoke(args=["unlock-user", user.email]).output
    row = only_row(db_session, A.ACCOUNT_UNLOCKED)
    assert (row.actor_id, row.actor_email, row.remote_addr) == (None, "", None)
    assert (row.object_id, row.before, row.after) == (user.id, {"locked": True}, {"locked": False})


def test_logging_out_is_recorded_as_the_user(client, login, db_session, make_user):
    user = make_user(Role.REQUESTER)
    login(client, user)
    assert client.post("/logout").status_code == 302
    row = only_row(db_session, A.LOGGED_OUT)
    assert (row.actor_id, row.actor_email) == (user.id, user.email)
    assert (row.object_type, row.object_id, row.object_label) == (
        AuditObject.USER,
        user.id,
        user.email,
    )
    assert client.post("/logout").status_code == 302  # logged out already: to the login page
    assert len(audit_rows(db_session, A.LOGGED_OUT)) == 1


def test_refusals_and_locks_read_as_such_on_the_audit_page(
    client, login, db_session, make_user, clock, lock_after_six
):
    admin, user = make_user(Role.ADMIN), make_user(Role.STAFF)
    lock(client, user.email)
    post_login(client, user.email, PASSWORD, "192.0.2.1")
    login(client, admin)
    page = client.get(f"/admin/audit?object={user.id}").text
    assert "Account locked" in page and "2026-03-03T09:00:00+00:00" in page
    assert "refused" in page and "account locked" in page
