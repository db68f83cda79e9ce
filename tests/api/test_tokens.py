"""Tokens: made on the account page or the command line, shown once, stored hashed, revoked,
expired; what a token may do follows its scope and its user's account."""

import re
from datetime import timedelta

from sqlalchemy import select

from app.api.tokens import ApiToken, TokenScope, hashed
from app.audit.models import AuditAction, AuditEvent
from app.auth.roles import Role
from app.timeutil import utcnow

SECRET = re.compile(r"rs_[\w-]{40,}")


def make_on_the_page(client, **form) -> str:
    response = client.post("/account/tokens", data={"name": "Finance sync", "scope": "read",
                                                    "lifetime": "90", **form})  # fmt: skip
    assert response.status_code == 200
    return SECRET.search(response.text).group(0)


def test_a_token_made_on_the_account_page_is_shown_once_and_kept_hashed(
    client, db_session, make_user, login
):
    user = make_user(Role.STAFF)
    login(client, user)
    secret = make_on_the_page(client)
    token = db_session.scalar(select(ApiToken))
    assert token.secret_hash == hashed(secret) and secret not in token.shown
    assert token.scope == TokenScope.READ and token.name == "Finance sync"
    assert timedelta(days=89) < token.expires_at - utcnow() <= timedelta(days=90)
    page = client.get("/account/tokens").text
    assert "Finance sync" in page and secret not in page and token.shown in page
    assert AuditAction.TOKEN_CREATED in db_session.scalars(select(AuditEvent.action)).all()


def test_the_token_acts_as_its_user(client, make_user, login, make_item, make_department):
    own = make_department("Own")
    user = make_user(Role.REQUESTER, department=own)
    mine, theirs = make_item("Mine", department=own), make_item("Theirs")
    login(client, user)
    secret = make_on_the_page(client)
    client.post("/logout")
    headers = {"Authorization": f"Bearer {secret}"}
    listed = client.get("/api/v1/items", headers=headers).json["items"]
    assert [row["tag"] for row in listed] == [mine.tag]
    assert client.get(f"/api/v1/items/{theirs.tag}", headers=headers).status_code == 404


def test_a_revoked_token_is_refused(client, db_session, make_user, login):
    user = make_user(Role.STAFF)
    login(client, user)
    secret = make_on_the_page(client)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    token = db_session.scalar(select(ApiToken))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    response = client.get("/api/v1/items", headers=headers)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_anothers_token(client, db_session, make_user, login, make_token_for):
    owner, other = make_user(Role.STAFF), make_user(Role.ADMIN)
    make_token_for(owner)
    token = db_session.scalar(select(ApiToken))
    login(client, other)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db_session.refresh(token)
    assert token.revoked_at is None


def test_an_expired_token_is_refused(client, make_user, make_token_for):
    secret = make_token_for(make_user(), now=utcnow() - timedelta(days=2),
                            expires_at=utcnow() - timedelta(seconds=1))  # fmt: skip
    response = client.get("/api/v1/items", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_a_deactivated_users_token_is_refused(client, db_session, make_user, make_token_for):
    user = make_user()
    secret = make_token_for(user)
    user.is_active_account = False
    db_session.commit()
    response = client.get("/api/v1/items", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_last_use_is_recorded(client, db_session, make_user, make_token_for):
    secret = make_token_for(make_user())
    token = db_session.scalar(select(ApiToken))
    assert token.last_used_at is None
    client.get("/api/v1/departments", headers={"Authorization": f"Bearer {secret}"})
    db_session.refresh(token)
    assert token.last_used_at is not None and utcnow() - token.last_used_at < timedelta(minutes=1)


def test_create_token_prints_the_token_as_the_last_word(app, runner, db_session, make_user):
    user = make_user(Role.MANAGER)
    result = runner.invoke(args=["create-token", user.email.upper(), "--scope", "write",
                                 "--name", "Nightly"])  # fmt: skip
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1].split()[-1]
    token = db_session.scalar(select(ApiToken))
    assert token.secret_hash == hashed(secret) and token.scope == TokenScope.WRITE
    assert token.name == "Nightly" and token.user_id == user.id
    response = app.test_client().get("/api/v1/items", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_create_token_for_an_unknown_account_fails(runner, db_session):
    result = runner.invoke(args=["create-token", "nobody@example.org", "--scope", "read"])
    assert result.exit_code != 0 and "No active account" in result.output
    assert db_session.scalar(select(ApiToken)) is None
