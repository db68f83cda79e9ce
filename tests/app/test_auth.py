import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import services
from app.auth.models import User
from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import Organisation
from tests.conftest import PASSWORD

SETUP_FORM = {
    "organisation": "Sundby kommun",
    "department": "Facilities",
    "name": "Ada Admin",
    "email": "ada@sundby.example",
    "password": "a long password",
    "confirm": "a long password",
}


# --- first run -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/items", "/login", "/items/1", "/admin/users"])
def test_every_page_leads_to_setup_while_no_user_exists(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"


def test_setup_creates_the_organisation_and_first_admin(client, db_session):
    response = client.post("/setup", data=SETUP_FORM)
    assert response.status_code == 302
    admin = db_session.scalar(select(User))
    assert admin.email == "ada@sundby.example" and admin.role == Role.ADMIN
    assert admin.department.name == "Facilities"
    assert db_session.scalar(select(Organisation)).name == "Sundby kommun"
    assert client.get("/").status_code == 200  # logged in straight away


def test_setup_is_closed_once_a_user_exists(client, db_session, make_user):
    make_user()
    client.post("/setup", data=SETUP_FORM)
    assert db_session.scalar(select(User).where(User.email == "ada@sundby.example")) is None


def test_setup_shows_errors_next_to_fields_and_saves_nothing(client, db_session):
    response = client.post("/setup", data={**SETUP_FORM, "confirm": "different", "email": "nope"})
    assert response.status_code == 200
    assert b"The passwords differ." in response.data
    assert b"Invalid email address." in response.data
    assert db_session.scalar(select(User)) is None


# --- login -------------------------------------------------------------------------------------


def test_login_and_logout(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/items").status_code == 200
    client.post("/logout")
    assert client.get("/items").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user):
    user = make_user()
    wrong = client.post("/login", data={"email": user.email, "password": "wrong password"})
    unknown = client.post("/login", data={"email": "nobody@x.org", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 200
    assert b"Wrong email or password." in wrong.data and b"Wrong email or password." in unknown.data


EVIL_NEXT = [
    "https://evil.example",
    "//evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\/\\/evil.example",
    "%2F%2Fevil.example",
    "javascript:alert(1)",
    "https://app.example@evil.example",
    "/\t/evil.example",
]


@pytest.mark.parametrize("next_url", EVIL_NEXT)
def test_login_never_redirects_off_site(client, make_user, next_url):
    user = make_user()
    response = client.post(
        "/login", query_string={"next": next_url}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_login_returns_to_a_local_next_page(client, make_user):
    user = make_user()
    response = client.post(
        "/login",
        query_string={"next": "/items?q=chair"},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/items?q=chair"


def test_password_is_stored_as_scrypt_hash(make_user):
    user = make_user()
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_login_starts_a_fresh_session(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_copied_session_cookie_is_worthless_after_logout(app, client, make_user):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    stolen = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/items").status_code == 302


def test_deactivated_user_is_logged_out_at_once(client, db_session, make_user, login):
    user = make_user()
    login(client, user)
    user.is_active_account = False
    db_session.commit()
    assert client.get("/items").status_code == 302
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_authenticated_pages_are_not_cached(client, make_user, login):
    login(client, make_user())
    assert client.get("/items").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(app, client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- password links ----------------------------------------------------------------------------


def invite_link(client, admin_login, email="new@x.org", department_id=None):
    response = client.post(
        "/admin/users/new",
        data={
            "email": email,
            "name": "New Person",
            "role": "staff",
            "department_id": department_id,
            "language": "",
        },
    )
    assert response.status_code == 200
    return re.search(r'value="https?://[^/]+(/account/password/[^"]+)"', response.text).group(1)


def test_invitation_link_sets_the_password_once(app, client, make_user, login):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    link = invite_link(client, admin, department_id=admin.department_id)
    client.post("/logout")
    invited = app.test_client()
    response = invited.post(
        link, data={"password": "new long password", "confirm": "new long password"}
    )
    assert response.status_code == 302
    assert invited.get("/items").status_code == 200
    again = app.test_client().post(
        link, data={"password": "another password!", "confirm": "another password!"}
    )
    assert again.status_code == 404


def test_expired_link_is_refused(db_session, make_user):
    user = make_user()
    token = services.issue_password_token(
        db_session,
        user,
        purpose="reset",
        now=utcnow() - timedelta(days=3),
        lifetime=timedelta(hours=48),
    )
    with pytest.raises(services.AccountError):
        services.use_password_token(db_session, token, "a fine new password", now=utcnow())


def test_password_change_logs_out_other_devices(app, client, make_user, login):
    user = make_user()
    login(client, user)
    other_device = app.test_client()
    login(other_device, user)
    response = client.post(
        "/account",
        data={
            "pw-current": PASSWORD,
            "pw-password": "brand new password",
            "pw-confirm": "brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get("/items").status_code == 200
    assert other_device.get("/items").status_code == 302


def test_role_change_takes_effect_on_open_sessions(app, client, db_session, make_user, login):
    admin = make_user(Role.ADMIN)
    manager = make_user(Role.MANAGER)
    manager_client = app.test_client()
    login(manager_client, manager)
    login(client, admin)
    response = client.post(
        f"/admin/users/{manager.id}/edit",
        data={
            "email": manager.email,
            "name": "",
            "role": "requester",
            "department_id": manager.department_id,
            "language": "",
        },
    )
    assert response.status_code == 302
    assert manager_client.get("/items").status_code == 302


def test_last_admin_cannot_be_demoted(client, db_session, make_user, login):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    response = client.post(
        f"/admin/users/{admin.id}/edit",
        data={
            "email": admin.email,
            "name": "",
            "role": "staff",
            "department_id": admin.department_id,
            "language": "",
        },
    )
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(User, admin.id).role == Role.ADMIN


def test_create_user_command(runner, db_session):
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
    user = db_session.scalar(select(User).where(User.email == "cli@x.org"))
    assert user.role == Role.MANAGER and user.department.name == "Hemtjänst"
    assert user.check_password("a long password")


def test_create_user_command_refuses_a_short_password(runner, db_session):
    result = runner.invoke(
        args=[
            "create-user",
            "cli@x.org",
            "--role",
            "staff",
            "--department",
            "X",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert db_session.scalar(select(User)) is None


def test_links_we_hand_out_ignore_a_forged_host_header(app, client, make_user, login, db_session):
    """A reset or invitation link carries a token: built from the request's Host, a forged
    Host would hand it to someone else's server. PUBLIC_BASE_URL is the only base."""
    admin = make_user(Role.ADMIN)
    client.environ_base["HTTP_HOST"] = "evil.example"  # every request, the login included
    login(client, admin)
    invite = client.post(
        "/admin/users/new",
        data={"email": "new@x.org", "name": "New", "role": "staff",
              "department_id": admin.department_id, "language": ""},
    )  # fmt: skip
    reset = client.post(f"/admin/users/{admin.id}/reset-password")
    for page in (invite.text, reset.text):
        link = re.search(r'value="(https?://[^"]+/account/password/[^"]+)"', page).group(1)
        assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/account/password/")
        assert "evil.example" not in page
