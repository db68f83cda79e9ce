"""Fixtures of the reuse tests."""

import pytest

from app.extensions import db
from tests.reuse.processes import Racers


@pytest.fixture(scope="module")
def racers(app):
    """Two worker processes on the test database, started once per test module."""
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    racers = Racers(url)
    yield racers
    racers.stop()
