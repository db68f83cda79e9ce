"""The database out of reach (F9, T-I3): a page answers 503 with Retry-After, never 500, and
the pool recovers by itself once the database is back.

The drops are real: PostgreSQL's pg_terminate_backend ends the app's connections from a second
connection, as a restart or a network cut does; a URL pointing at a closed port (or an SQLite
file that cannot be opened) stands for a database that is down.
"""

import socket
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from app import create_app
from app.auth.roles import Role
from app.errors import database_unreachable
from app.extensions import db
from inventory.models import ItemEvent
from reuse.listings.models import Listing
from reuse.notices.models import Notification
from reuse.requests import services
from reuse.requests.models import RequestStatus, TransferRequest
from tests.reuse import making


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["postgresql", "sqlite"])
def down_app(request, tmp_path) -> Iterator[Flask]:
    """An app whose database cannot be reached: PostgreSQL on a closed port (no server is
    needed for that, so it runs on both test databases), or an SQLite file in a missing
    directory."""
    if request.param == "postgresql":
        url = f"postgresql+psycopg://reshelf@127.0.0.1:{closed_port()}/reshelf"
    else:
        url = f"sqlite:///{tmp_path}/missing/reshelf.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_page_answers_503_with_retry_after_when_the_database_is_down(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:  # someone who was logged in before
        session["_user_id"] = "1:token"
    response = client.get("/items")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "Temporarily unavailable" in response.text
    assert "cannot reach its database" in response.text
    assert "Log out" not in response.text  # nobody could be looked up
    assert "Traceback" not in response.text and "psycopg" not in response.text


def test_the_outage_page_is_translated_and_scripts_get_json(down_app):
    client = down_app.test_client()
    page = client.get("/", headers={"Accept-Language": "sv-SE,sv;q=0.9"})
    assert page.status_code == 503
    assert '<html lang="sv">' in page.text and "Tillfälligt otillgängligt" in page.text
    sync = client.post("/scan/sync", json={"scans": []})
    assert sync.status_code == 503 and "Retry-After" in sync.headers
    assert "cannot reach its database" in sync.get_json()["error"]


def sqlstate_error(sqlstate: str | None) -> object:
    return SimpleNamespace(sqlstate=sqlstate)


@pytest.mark.parametrize(
    "error, unreachable",
    [
        (OperationalError(None, None, sqlstate_error(None)), True),  # refused while connecting
        (OperationalError("SELECT 1", {}, sqlstate_error("57P01")), True),  # terminated
        (OperationalError("SELECT 1", {}, sqlstate_error("08006")), True),  # connection failure
        (DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True), True),
        (OperationalError("SELECT 1", {}, sqlstate_error("40001")), False),  # serialization
        (OperationalError("SELECT * FROM nope", {}, Exception("no such table")), False),
        (ProgrammingError("SELEC", {}, sqlstate_error("42601")), False),  # a bug: 500
    ],
)
def test_only_a_lost_connection_counts_as_an_outage(error, unreachable):
    assert database_unreachable(error) is unreachable


# --- PostgreSQL: connections terminated by the server ----------------------------------------


@pytest.fixture
def postgresql(app) -> Iterator[object]:
    """A second connection to the test database, to terminate the app's from outside."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("SQLite has no server connection to drop; the closed-port tests cover it")
    engine = create_engine(url, poolclass=NullPool)
    yield engine
    engine.dispose()


def terminate(outside, pids: list[int] | None = None) -> None:
    """End the given backends (default: every other one on this database) and wait until
    they are gone, as after a restart of the server."""
    scope = "pid = ANY(:pids)" if pids is not None else "pid <> pg_backend_pid()"
    where = f"datname = current_database() AND {scope}"
    with outside.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {where}"),
            {"pids": pids},
        )
        for _attempt in range(200):
            left = connection.execute(
                text(f"SELECT count(*) FROM pg_stat_activity WHERE {where}"), {"pids": pids}
            ).scalar()
            if not left:
                return
            time.sleep(0.01)
    raise AssertionError("the terminated backends did not go away")


def test_pooled_connections_dropped_between_requests_are_replaced(
    postgresql, client, login, db_session, make_user, make_item
):
    login(client, make_user(Role.STAFF))
    page = f"/items/{make_item('Desk').id}"
    assert client.get(page).status_code == 200
    db_session.rollback()  # the test's own connection goes back to the pool, to be dropped too
    terminate(postgresql)
    assert client.get(page).status_code == 200  # the pool's pre-ping replaced the dead ones


@pytest.fixture
def pending_request(db_session, app, make_user, make_department, make_item):
    """A listing of North with a pending request from the school; returns (request, manager)."""
    north = make_department("North")
    manager = make_user(Role.MANAGER, department=north)
    requester = make_user(Role.REQUESTER, department=make_department("School"))
    desk = make_item("Standing desk", department=north)
    with app.test_request_context():
        listing = making.flag(db_session, desk, quantity=1, by=manager)
        request = making.ask(db_session, listing, user=requester, deliver_place="Room 4")
    db_session.commit()
    return request, manager


def test_a_connection_dropped_mid_approval_answers_503_and_keeps_nothing(
    postgresql, client, login, db_session, pending_request, monkeypatch
):
    """T-F9: the connection dies after the approval's UPDATEs, history and notification were
    written, before the commit: the whole approval is gone, and the next request works."""
    request, manager = pending_request
    approve = services.approve

    def approve_then_lose_the_connection(session, transfer, **kw):
        approve(session, transfer, **kw)
        terminate(postgresql, [session.scalar(select(func.pg_backend_pid()))])

    monkeypatch.setattr(services, "approve", approve_then_lose_the_connection)
    login(client, manager)
    events_before = db_session.scalar(select(func.count()).select_from(ItemEvent))
    response = client.post(f"/reuse/requests/{request.id}/approve")
    assert response.status_code == 503 and "Retry-After" in response.headers
    db_session.expire_all()
    assert db_session.get(TransferRequest, request.id).status == RequestStatus.PENDING
    assert db_session.scalar(select(Listing)).reserved == 0
    assert db_session.scalar(select(func.count()).select_from(ItemEvent)) == events_before
    assert (
        db_session.scalar(select(Notification).where(Notification.kind == "request_approved"))
        is None
    )
    monkeypatch.undo()
    assert client.get("/reuse/requests").status_code == 200
