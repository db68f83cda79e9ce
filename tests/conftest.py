"""Shared fixtures: the app on a migrated database, a client, a login helper and factories.

The schema is built once per run by the real migrations (never create_all), on SQLite by
default or on PostgreSQL when TEST_DATABASE_URL is set. Every test starts from empty tables.
Factories commit, so other connections (threads, the browser tests' server) see their rows.
"""

import os
import re
import time
from collections.abc import Callable, Iterator
from itertools import count

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import create_app
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import create_user
from app.background import background
from app.extensions import db
from app.timeutil import utcnow
from config import database_url
from inventory import item_records, place_records
from inventory.models import Category, CategoryKind, Department, Item, Site, Storeroom

PASSWORD = "correct horse battery"
_numbers = count(1)


def test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return database_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def reset_schema(url: str) -> None:
    """Start PostgreSQL from an empty schema, so the migrations run from scratch."""
    if url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


# Tables whose triggers refuse DELETE; on SQLite they are set aside while the table is emptied.
APPEND_ONLY = {"audit_events"}


def delete_rows(connection, table: str) -> None:
    """DELETE every row of `table`, setting aside for the moment its triggers if it is
    append-only, and making them again (SQLite cannot switch a trigger off)."""
    triggers = []
    if table in APPEND_ONLY:
        triggers = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": table},
        ).all()
    for name, _sql in triggers:
        connection.execute(text(f"DROP TRIGGER {name}"))
    connection.execute(text(f"DELETE FROM {table}"))
    for _name, sql in triggers:
        connection.execute(text(sql))


def empty_all_tables(attempts: int = 5) -> None:
    """Empty every table. A request the browser tests' server is still finishing can make
    PostgreSQL's TRUNCATE deadlock with it; PostgreSQL then cancels one side, so try again."""
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    for attempt in range(attempts):
        try:
            with db.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                    )
                else:
                    for table in tables:
                        delete_rows(connection, table)
                connection.execute(
                    text("INSERT INTO counters (name, value) VALUES ('item_tag', 0)")
                )
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = test_database_url(tmp_path_factory)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "PUBLIC_BASE_URL": "https://reshelf.test",
        }
    )
    with app.app_context():
        reset_schema(url)
        upgrade()
        empty_all_tables()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            empty_all_tables()


@pytest.fixture
def queued(app: Flask) -> Iterator[None]:
    """Tasks go on the queue in the database, as in production, for a worker to run
    (tests/background.py), instead of running at once in the caller."""
    huey = background(app).huey
    huey.immediate = False
    yield
    huey.immediate = True


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session of the test's own, outside any app context.

    Requests made with `client` run in their own app context, as in production, so they never
    share an identity map (or Flask's `g`) with the test. Reload objects with
    `db_session.refresh(obj)` or `db_session.expire_all()` to see what a request changed.
    """
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        yield session
        session.rollback()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def csrf_app(app: Flask) -> Iterator[Flask]:
    """The same app and database, with CSRF protection on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def csrf_token(client: FlaskClient, path: str) -> str:
    """The token of the first form on a page, as a browser would send it back."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).text).group(1)


@pytest.fixture
def login(db_session) -> Callable[[FlaskClient, User], None]:
    def log_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "login failed"

    return log_in


# --- factories -------------------------------------------------------------------------------


@pytest.fixture
def make_department(db_session) -> Callable[..., Department]:
    def make(name: str | None = None) -> Department:
        department = place_records.save_department(
            db_session, name or f"Department {next(_numbers)}"
        )
        db_session.commit()
        return department

    return make


@pytest.fixture
def make_user(db_session, make_department) -> Callable[..., User]:
    def make(role: Role = Role.STAFF, department: Department | None = None, **kw) -> User:
        user = create_user(
            db_session,
            kw.pop("email", f"user{next(_numbers)}@example.org"),
            role=role,
            department=department or make_department(),
            password=kw.pop("password", PASSWORD),
            **kw,
        )
        db_session.commit()
        return user

    return make


@pytest.fixture
def make_storeroom(db_session) -> Callable[..., Storeroom]:
    def make(code: str | None = None, site: Site | None = None, **kw) -> Storeroom:
        site = site or place_records.save_site(
            db_session, name=f"Site {next(_numbers)}", town="Sundby"
        )
        room = place_records.save_storeroom(
            db_session,
            code=code or f"R{next(_numbers)}",
            name=kw.pop("name", "Basement"),
            site=site,
            **kw,
        )
        db_session.commit()
        return room

    return make


@pytest.fixture
def make_category(db_session) -> Callable[..., Category]:
    def make(name: str | None = None, parent: Category | None = None, **kw) -> Category:
        category = place_records.save_category(
            db_session,
            name=name or f"Category {next(_numbers)}",
            parent=parent,
            kind=kw.pop("kind", CategoryKind.FURNITURE),
            replacement_value=kw.pop("replacement_value", None),
            co2e_kg=kw.pop("co2e_kg", None),
            names=kw.pop("names", None),
        )
        db_session.commit()
        return category

    return make


@pytest.fixture
def make_item(db_session, make_department, app) -> Callable[..., Item]:
    def make(
        name: str = "Office chair",
        *,
        department: Department | None = None,
        storeroom: Storeroom | None = None,
        tag: str | None = None,
        by: User | None = None,
        **fields,
    ) -> Item:
        fields.setdefault("place", "" if storeroom else "Room 101")
        item = item_records.create_item(
            db_session,
            {"name": name, "department": department or make_department(), **fields},
            tag=tag,
            storeroom=storeroom,
            by=by,
            now=utcnow(),
            tag_prefix=app.config["TAG_PREFIX"],
            tag_digits=app.config["TAG_DIGITS"],
        )
        db_session.commit()
        return item

    return make
