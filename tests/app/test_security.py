import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app import create_app
from app.auth.roles import Role
from app.extensions import db
from inventory.models import Item
from tests.app.conftest import ANON, rules, url_for_rule
from tests.conftest import PASSWORD, csrf_token


def test_post_without_csrf_token_is_refused(csrf_app, db_session, make_user, make_department):
    user = make_user(Role.STAFF)
    client = csrf_app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    form = {
        "name": "Chair",
        "department_id": user.department_id,
        "place": "Room",
        "condition": "good",
        "quantity": "1",
    }
    assert client.post("/items/new", data=form).status_code == 400
    other = csrf_app.test_client()
    foreign_token = csrf_token(other, "/login")
    assert client.post("/items/new", data={**form, "csrf_token": foreign_token}).status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0
    good = client.post("/items/new", data={**form, "csrf_token": csrf_token(client, "/items/new")})
    assert good.status_code == 302


def test_login_form_needs_csrf_token(csrf_app, make_user):
    user = make_user()
    response = csrf_app.test_client().post(
        "/login", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 400


def test_logout_is_post_only(client, make_user, login):
    login(client, make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/items").status_code == 200


def test_security_headers(client, make_user, login):
    login(client, make_user())
    headers = client.get("/items").headers
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_error_page_shows_no_internals(app, client, make_user, login, monkeypatch):
    login(client, make_user())

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals SELECT * FROM users")

    monkeypatch.setitem(app.view_functions, "inventory.items", explode)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/items")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_pages_use_only_our_own_assets(client, make_user, login):
    login(client, make_user())
    page = client.get("/items").text
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith(("/", "#")), url


def test_hsts_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    app = create_app(
        {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.test_request_context():
        response = app.process_response(app.response_class("ok"))
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_every_post_route_refuses_a_missing_token(csrf_app, db_session, make_user, make_item):
    """Enumerated from the URL map, so a new form cannot slip through without CSRF."""
    admin = make_user(Role.ADMIN)
    item = make_item()
    client = csrf_app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    args = {
        "item_id": item.id,
        "photo_id": 1,
        "storeroom_id": 1,
        "site_id": 1,
        "department_id": 1,
        "category_id": 1,
        "user_id": admin.id,
        "code": item.tag,
        "token": "t",
        "size": "full",
        "stocktake_id": 1,
        "profile_id": 1,
        "name": "L7160",
        "batch_id": 1,
        "listing_id": 1,
        "request_id": 1,
        "wish_id": 1,
        "notification_id": 1,
        "action": "approve",
        "partner_id": 1,
        "interest_id": 1,
        "slug": "s",
        "tag": item.tag,
        "token_id": 1,
        "webhook_id": 1,
        "accessory_id": 1,
        "group_id": 1,
        "job_id": 1,
    }
    checked = []
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        with csrf_app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})
        # The API takes no CSRF token because it reads no cookie: a session opens no call.
        expected = 401 if rule.endpoint.startswith("api.") else 400
        assert client.post(url, data={"name": "x"}).status_code == expected, url
        checked.append(rule.endpoint)
    assert "auth.logout" in checked and "inventory.edit_item" in checked
    db_session.expire_all()
    assert db_session.get(Item, item.id).version == 1


def test_forbidden_requests_are_logged(client, make_user, login, make_item, caplog):
    login(client, make_user(Role.STAFF))
    item = make_item()
    with caplog.at_level("WARNING", logger="reshelf.security"):
        assert (
            client.post(f"/items/{item.id}/dispose", data={"disposition": "sold"}).status_code
            == 403
        )
    assert any("forbidden" in record.message for record in caplog.records)


def row_counts(db_session) -> dict[str, int]:
    """Rows in every table, and the items' versions: any write shows up here."""
    db_session.expire_all()
    counts = {
        name: db_session.scalar(select(func.count()).select_from(table))
        for name, table in db.metadata.tables.items()
    }
    return {**counts, "versions": db_session.scalars(select(Item.version).order_by(Item.id)).all()}


REFUSALS = {
    "another browser's": "The CSRF tokens do not match.",
    "expired": "The CSRF token has expired.",
}


def token_signed_hours_ago(client, monkeypatch, hours: int) -> str:
    """The session's own token, as a page left open for `hours` would hold it."""
    signed_at = int(time.time()) - hours * 3600
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
        return csrf_token(client, "/login")


@pytest.mark.parametrize("kind", REFUSALS)
@pytest.mark.parametrize("role", [ANON, Role.REQUESTER, Role.ADMIN])
def test_every_post_route_refuses_a_token_not_this_sessions_own_fresh_one(
    csrf_app, world, db_session, role, kind, caplog, monkeypatch
):
    """Reliability D3: another browser's valid token, or this browser's own token expired
    (WTF_CSRF_TIME_LIMIT), is refused on every POST route of the URL map, logged in or not, by
    the CSRF guard itself, and nothing is written."""
    client = csrf_app.test_client()
    own = csrf_token(client, "/login")  # the session has a token of its own
    if role != ANON:
        user = world["users"][role]
        login = {"email": user.email, "password": PASSWORD, "csrf_token": own}
        assert client.post("/login", data=login).status_code == 302
        csrf_token(client, "/")  # a login starts a new session; its first page gives a token
    if kind == "expired":
        hours = csrf_app.config["WTF_CSRF_TIME_LIMIT"] // 3600 + 1
        token = token_signed_hours_ago(client, monkeypatch, hours)
    else:
        token = csrf_token(csrf_app.test_client(), "/login")
    before = row_counts(db_session)
    checked = []
    for rule in rules(csrf_app, "POST"):
        url = url_for_rule(csrf_app, rule, world["args"])
        caplog.clear()
        with caplog.at_level("INFO", logger="flask_wtf.csrf"):
            response = client.post(url, data={"csrf_token": token, "name": "x", "code": "x"})
        if rule.endpoint.startswith("api."):  # no cookie is read there, so no CSRF token
            assert response.status_code == 401, url
            continue
        assert response.status_code == 400, url
        assert caplog.messages == [REFUSALS[kind]], url
        checked.append(rule.endpoint)
    assert {"auth.login", "inventory.edit_item", "scan.sync"} <= set(checked)
    assert row_counts(db_session) == before
