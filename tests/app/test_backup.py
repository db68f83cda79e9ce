"""`flask backup` and `flask restore`: the drill of reliability T-I5, on SQLite and PostgreSQL.

A backup of a database with users, items, history, a photo and a printed label is restored
into a fresh empty database, which then holds every row as it was: the photo's bytes, a user
who can log in, a label whose QR address opens its item. A restore into a database holding
data, or from a missing or damaged file, is refused with a message and changes nothing.
"""

import io
import random
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import Result
from flask import Flask
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url

from app import backup, backup_postgresql, create_app
from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from inventory import whereabouts
from inventory.models import EventKind, ItemEvent, ItemPhoto
from inventory.search import described_by_models
from labels.qr import scan_url

BASE_URL = "https://reshelf.test"


@pytest.fixture
def empty_database(app: Flask, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes new, empty databases of the test database's kind (URLs); drops them afterwards."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    server = url.set(drivername="postgresql").render_as_string(hide_password=False)
    made = []

    def make() -> str:
        name = f"reshelf_restore_{secrets.token_hex(4)}"
        if url.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield make
    for name in made:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app_on(empty_database) -> Iterator[Callable[[], Flask]]:
    """Makes instances of the app, each on a new, empty database."""
    made = []

    def make() -> Flask:
        database = empty_database()
        made.append(
            create_app(
                {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database, "PUBLIC_BASE_URL": BASE_URL}
            )
        )
        return made[-1]

    yield make
    for instance in made:
        with instance.app_context():
            db.engine.dispose()


@pytest.fixture
def new_app(app_on) -> Flask:
    """A second instance of the app, on a new, empty database."""
    return app_on()


def engine_of(instance: Flask) -> Engine:
    with instance.app_context():
        return db.engine


def contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table of ours there is, in primary-key order, photos' bytes too."""
    present = table_names(engine)
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
            if table.name in present
        }


def table_names(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(inspect(connection).get_table_names())


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, format="JPEG")
    return out.getvalue()


def back_up(app: Flask, path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["backup", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.is_file()


def revision_of(engine: Engine) -> str:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def restore(instance: Flask, path: Path) -> Result:
    return instance.test_cli_runner().invoke(args=["restore", str(path)])


@pytest.fixture
def stocked(app, db_session, client, login, make_user, make_item, make_storeroom, tmp_path):
    """Users, items with history, an uploaded photo and a printed label: the chair."""
    admin = make_user(Role.ADMIN, email="admin@example.org")
    staff = make_user(Role.STAFF, department=admin.department, email="staff@example.org")
    basement, attic = make_storeroom("B1"), make_storeroom("A1")
    chair = make_item("Office chair", department=admin.department, storeroom=basement, by=staff)
    make_item("Stacking chairs", department=admin.department, quantity=40, by=admin)
    whereabouts.move_item(db_session, chair, attic, position="Shelf 3", by=staff, now=utcnow())
    db_session.commit()
    login(client, staff)
    photo_upload = {"photo": (io.BytesIO(jpeg()), "chair.jpg", "image/jpeg")}
    assert client.post(f"/items/{chair.id}/photos", data=photo_upload).status_code == 302
    labels = app.test_cli_runner().invoke(
        args=["labels", "--tags", chair.tag, "-o", str(tmp_path / "labels.pdf")]
    )
    assert labels.exit_code == 0, labels.output
    return chair


@pytest.mark.parametrize("target", ["new database", "migrated, empty database"])
def test_a_backup_restores_everything_into_an_empty_database(
    app, db_session, new_app, login, stocked, target, tmp_path
):
    chair = stocked
    photo = db_session.scalar(select(ItemPhoto).where(ItemPhoto.item_id == chair.id))
    latest = db_session.scalar(select(ItemEvent).order_by(ItemEvent.id.desc()).limit(1))
    assert latest.kind == EventKind.LABEL_PRINTED and latest.item_id == chair.id
    before = contents(engine_of(app))
    back_up(app, tmp_path / "reshelf.backup")
    if target == "migrated, empty database":
        with new_app.app_context():
            upgrade()

    restored = restore(new_app, tmp_path / "reshelf.backup")
    assert restored.exit_code == 0, restored.output
    assert revision_of(engine_of(app)) in restored.output and "db upgrade" in restored.output
    upgraded = new_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output

    assert contents(engine_of(new_app)) == before  # every row, the latest event and photo too
    staff, admin = new_app.test_client(), new_app.test_client()
    login(staff, user(db_session, "staff@example.org"))
    login(admin, user(db_session, "admin@example.org"))
    assert staff.get(f"/photos/{photo.id}/full").data == photo.data
    opened = staff.get(urlsplit(scan_url(BASE_URL, chair.tag)).path)  # the label's QR address
    assert opened.status_code == 302 and opened.location.endswith(f"/items/{chair.id}")
    assert "Shelf 3" in staff.get(f"/items/{chair.id}").text
    new_item = {"name": "Desk", "quantity": "1", "condition": "good", "place": "Room 2", "tag": ""}
    created = staff.post("/items/new", data={**new_item, "department_id": chair.department_id})
    assert created.status_code == 302  # ids and tag numbers carry on after the restored ones


def user(db_session, email: str) -> User:
    return db_session.scalar(select(User).where(User.email == email))


@pytest.mark.filterwarnings("ignore:.*expression-based index")  # lower(...) on SQLite
def test_a_backup_of_an_older_schema_is_brought_forward_by_db_upgrade(app, app_on, tmp_path):
    scripts = backup.migration_scripts(app.extensions["migrate"].directory)
    head = scripts.get_current_head()
    older = scripts.get_revision(head).down_revision
    old, new = app_on(), app_on()
    with old.app_context():
        upgrade(revision=older)
    back_up(old, tmp_path / "older.backup")

    restored = restore(new, tmp_path / "older.backup")
    assert restored.exit_code == 0, restored.output
    assert f"at migration revision {older}" in restored.output
    assert "run `flask --app app db upgrade` to bring it forward" in restored.output
    assert new.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    assert revision_of(engine_of(new)) == head
    with new.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": described_by_models})
        assert compare_metadata(context, db.metadata) == []


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("holding", ["a user", "a department", "an item"])
def test_a_restore_into_a_database_holding_data_is_refused_and_changes_nothing(
    app, make_user, make_department, make_item, holding, tmp_path
):
    back_up(app, tmp_path / "reshelf.backup")
    {"a user": make_user, "a department": make_department, "an item": make_item}[holding]()
    before = contents(engine_of(app))

    result = restore(app, tmp_path / "reshelf.backup")
    assert result.exit_code != 0
    assert "The database is not empty" in result.output
    assert "nothing was changed" in result.output and "Traceback" not in result.output
    assert contents(engine_of(app)) == before


def test_a_restore_into_another_applications_database_is_refused(app, new_app, tmp_path):
    back_up(app, tmp_path / "reshelf.backup")
    with engine_of(new_app).begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer PRIMARY KEY)"))

    result = restore(new_app, tmp_path / "reshelf.backup")
    assert result.exit_code != 0 and "not Reshelf's (invoices)" in result.output
    assert table_names(engine_of(new_app)) == ["invoices"]


def damaged_copy(backup: Path, damage: str, dialect: str) -> Path:
    """The backup with `damage` done to it."""
    data = backup.read_bytes()
    damaged = backup.with_name(damage.replace(" ", "-"))
    if damage == "cut short":
        # Far enough from its end that its header, and on PostgreSQL its table of contents
        # and revision, still read: the restore starts and must fail as a whole.
        keep = len(data) // 2 if dialect == "sqlite" else len(data) - 200
        damaged.write_bytes(data[:keep])
    elif damage == "garbled":
        damaged.write_bytes(data[:100] + random.Random(16).randbytes(len(data) - 100))
    elif damage == "not a backup":
        damaged.write_text("name,quantity\nOffice chair,4\n" * 100)
    elif damage == "of the other database":
        other = b"PGDMP" if dialect == "sqlite" else b"SQLite format 3\x00"
        damaged.write_bytes(other + data[len(other) :])
    return damaged


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing", "There is no backup file at"),
        ("not a backup", "is not a backup made by `flask --app app backup`"),
        ("garbled", "is damaged"),
        ("cut short", "is damaged"),
        ("of the other database", "is a backup of a"),
    ],
)
def test_a_missing_or_damaged_backup_is_refused_and_changes_nothing(
    app, new_app, damage, message, tmp_path
):
    dialect = engine_of(app).dialect.name
    back_up(app, tmp_path / "reshelf.backup")
    source = damaged_copy(tmp_path / "reshelf.backup", damage, dialect)
    if damage == "cut short" and dialect == "postgresql":
        assert backup_postgresql.archive_revision(source) is not None  # the load itself fails
    if damage == "cut short":  # the one refused only once the restore has begun
        with new_app.app_context():
            upgrade()  # an empty database, migrated: the restore drops its empty tables first
    before = table_names(engine_of(new_app)), contents(engine_of(new_app))

    result = restore(new_app, source)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert (table_names(engine_of(new_app)), contents(engine_of(new_app))) == before


def test_a_backup_from_a_newer_version_is_refused(app, new_app, tmp_path):
    engine = engine_of(app)
    revision = revision_of(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeedbeef'"))
    try:
        back_up(app, tmp_path / "reshelf.backup")
    finally:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = :r").bindparams(r=revision)
            )

    result = restore(new_app, tmp_path / "reshelf.backup")
    assert result.exit_code != 0
    assert "revision f00dfeedbeef, which this version of Reshelf does not know" in result.output
    assert table_names(engine_of(new_app)) == []
