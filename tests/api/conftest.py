"""Fixtures for the API: a token for a user, and a client that sends it."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.api.tokens import TokenScope, make_token
from app.auth.models import User
from app.timeutil import utcnow


class ApiClient:
    """The test client with `Authorization: Bearer TOKEN` on every call."""

    def __init__(self, client: FlaskClient, secret: str) -> None:
        self.client, self.secret = client, secret

    def call(self, method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {self.secret}", **kw.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kw)

    def get(self, path: str, **kw):
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw):
        return self.call("POST", path, **kw)

    def patch(self, path: str, **kw):
        return self.call("PATCH", path, **kw)

    def delete(self, path: str, **kw):
        return self.call("DELETE", path, **kw)


@pytest.fixture
def make_token_for(db_session) -> Callable[..., str]:
    """Make a token for `user` and return its secret."""

    def make(user: User, scope: TokenScope = TokenScope.WRITE, **kw) -> str:
        made = make_token(db_session, user, name=kw.pop("name", "test"), scope=scope,
                          now=kw.pop("now", utcnow()), **kw)  # fmt: skip
        db_session.commit()
        return made.secret

    return make


@pytest.fixture
def api_as(client, make_token_for) -> Callable[..., ApiClient]:
    """An API client acting as `user` with a token of `scope`."""

    def make(user: User, scope: TokenScope = TokenScope.WRITE) -> ApiClient:
        return ApiClient(client, make_token_for(user, scope))

    return make


from tests.aids.fixtures import depot, make_aid, step  # noqa: E402, F401  (the aid calls)
