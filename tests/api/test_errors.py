"""The API's refusals: JSON with a stable code and a message, the right status, and nothing
changed; the per-token rate limit with Retry-After."""

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import Item


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer rs_wrong", "Basic dXNlcjpwYXNz", "Bearer " + "rs_" + "x" * 200],
)
def test_a_missing_or_wrong_token_is_a_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/items", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.json["error"]["message"]


def test_a_session_cookie_opens_no_call(client, make_user, login):
    """The API takes no cookie, so a page elsewhere cannot make a logged-in browser call it."""
    login(client, make_user(Role.ADMIN))
    assert client.get("/api/v1/items").status_code == 401
    response = client.post("/api/v1/departments", json={"name": "Forged"})
    assert response.status_code == 401


def test_a_read_token_may_not_write(api_as, make_user, db_session):
    from app.api.tokens import TokenScope

    api = api_as(make_user(Role.ADMIN), TokenScope.READ)
    assert api.get("/api/v1/departments").status_code == 200
    response = api.post("/api/v1/departments", json={"name": "New"})
    assert response.status_code == 403 and response.json["error"]["code"] == "insufficient_scope"


def test_an_unknown_path_and_method_answer_in_json(api_as, make_user):
    api = api_as(make_user())
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    response = api.call("PUT", "/api/v1/departments")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "Chair", "quantity": 0}, "quantity"),
        ({"name": "Chair", "quantity": "many"}, "quantity"),
        ({"name": "Chair", "purchase_price": -1}, "purchase_price"),
        ({"name": "Chair", "purchase_date": "31/12/2024"}, "purchase_date"),
        ({"name": "Chair", "status": "disposed"}, "status"),  # not a field one may set
        ({"name": "Chair", "condition": "shiny"}, "condition"),
    ],
)
def test_a_malformed_body_is_a_422_naming_the_field(api_as, make_user, db_session, body, field):
    response = api_as(make_user(Role.MANAGER)).post("/api/v1/items", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert response.json["error"]["field"] == field
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0


def test_a_body_that_is_not_json_is_a_422(api_as, make_user):
    response = api_as(make_user(Role.MANAGER)).post(
        "/api/v1/items", data="{name: chair", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "JSON" in response.json["error"]["message"]
    form = api_as(make_user(Role.MANAGER)).post("/api/v1/items", data={"name": "Chair"})
    assert form.status_code == 422 and "JSON" in form.json["error"]["message"]


def test_messages_are_in_the_users_language(api_as, make_user):
    response = api_as(make_user(Role.STAFF, language="sv")).get("/api/v1/items/NOPE-1")
    assert response.status_code == 404
    assert response.json["error"]["message"] == "Här finns inget, eller så får du inte se det."


def test_the_rate_limit_answers_429_with_retry_after(app, api_as, make_user):
    api = api_as(make_user())
    app.config["API_RATE_LIMIT"] = 3
    try:
        statuses = [api.get("/api/v1/departments").status_code for _ in range(5)]
        response = api.get("/api/v1/departments")
    finally:
        app.config["API_RATE_LIMIT"] = 600
    assert statuses == [200, 200, 200, 429, 429]
    assert response.json["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_rate_limit_is_per_token(app, api_as, make_user):
    user = make_user()
    first, second = api_as(user), api_as(user)
    app.config["API_RATE_LIMIT"] = 2
    try:
        assert [first.get("/api/v1/sites").status_code for _ in range(3)] == [200, 200, 429]
        assert second.get("/api/v1/sites").status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = 600


@pytest.mark.parametrize("field", ["name", "condition", "quantity", "notes", "extra", "place"])
def test_null_is_refused_where_an_item_always_has_a_value(api_as, make_user, make_item,
                                                          db_session, field):  # fmt: skip
    item = make_item("Desk")
    api = api_as(make_user(Role.STAFF))
    response = api.patch(f"/api/v1/items/{item.tag}", json={"version": item.version, field: None})
    assert response.status_code == 422 and response.json["error"]["field"] == field
    created = api.post("/api/v1/items", json={"name": "Chair", "place": "Hall", field: None})
    assert created.status_code == 422
    db_session.refresh(item)
    assert item.version == 1


def test_null_clears_what_may_be_empty(api_as, make_user, make_item, make_category, db_session):
    item = make_item("Desk", category=make_category("Desks"), purchase_price=100)
    response = api_as(make_user(Role.STAFF)).patch(
        f"/api/v1/items/{item.tag}",
        json={"version": item.version, "category_id": None, "purchase_price": None},
    )
    assert response.status_code == 200, response.json
    assert response.json["category"] is None and response.json["purchase_price"] is None
