"""Schemathesis against the API's own description, on SQLite and PostgreSQL: for every call,
generated requests (valid and invalid ones) never meet a server error, and every answer's
status, content type, headers and body are those the description gives.

A fixed budget (MAX_EXAMPLES per call, derandomised) keeps the run short and repeatable.
The description is read at collection from an app of its own (it needs no database); the
calls go to the suite's app and database."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.auth.roles import Role

MAX_EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def description() -> dict:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        return app.test_client().get("/api/v1/openapi.json").json


@pytest.fixture
def unlimited(app):
    app.config["API_RATE_LIMIT"] = 1_000_000  # the walk is one client calling fast
    yield app
    app.config["API_RATE_LIMIT"] = 600


@pytest.fixture
def token(make_user, make_token_for, make_item, make_storeroom, make_category) -> str:
    """An admin's write token, in a world with something in it to find."""
    room = make_storeroom(code="S1")
    make_item("Office chair", tag="INV-000001", storeroom=room, category=make_category())
    make_item("Care bed", tag="INV-000002")
    return make_token_for(make_user(Role.ADMIN))


schema = schemathesis.openapi.from_dict(description())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_call_keeps_to_its_description(case, unlimited, token):
    case.call_and_validate(
        app=unlimited, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
    )
