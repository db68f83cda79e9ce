"""The databases the import benchmark writes into: a fresh migrated one for each case, made
from an empty one (one department, its admin) that is migrated once.

SQLite: files in the work directory, each a copy of `empty.db`. PostgreSQL: databases on the
server of --database-url named after its database, `<name>_empty` as the template of each
`<name>_<case>` (CREATE DATABASE ... TEMPLATE copies the files, no migration per case); all of
them are dropped at the end. Point it only at a server where such names may be thrown away.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, make_url, text


class Databases:
    """Fresh databases of one kind, by the name of a case; `url` gives the one to open."""

    def __init__(self, work: Path, url: str | None) -> None:
        self.work, self.server = work, make_url(url) if url else None
        self.kind = "postgresql" if self.server else "sqlite"
        self.made: list[str] = []

    def url(self, name: str) -> str:
        if self.server is None:
            return f"sqlite:///{self.work / f'{name}.db'}"
        return self.server.set(database=f"{self.server.database}_{name}").render_as_string(
            hide_password=False
        )

    def prepare(self) -> None:
        """Make the empty database every case starts from (not timed)."""
        if self.server is not None:
            self._admin(f'DROP DATABASE IF EXISTS "{self._name("empty")}" WITH (FORCE)',
                        f'CREATE DATABASE "{self._name("empty")}"')  # fmt: skip
            self.made.append("empty")
        migrate_and_seed(self.url("empty"))
        if self.server is None:
            with sqlite3.connect(self.work / "empty.db") as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def fresh(self, name: str) -> str:
        return self.copy("empty", name)

    def copy(self, source: str, name: str) -> str:
        """A copy of the database `source` (a case's name) as `name`; its URL."""
        if self.server is None:
            shutil.copy(self.work / f"{source}.db", self.work / f"{name}.db")
        else:
            self.drop(name)
            self._admin(f'CREATE DATABASE "{self._name(name)}" TEMPLATE "{self._name(source)}"')
            self.made.append(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        if self.server is None:
            for suffix in ("", "-wal", "-shm"):
                (self.work / f"{name}.db{suffix}").unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self._name(name)}" WITH (FORCE)')

    def drop_all(self) -> None:
        for name in dict.fromkeys(self.made):
            self.drop(name)

    def _name(self, name: str) -> str:
        assert self.server is not None
        return f"{self.server.database}_{name}"

    def _admin(self, *statements: str) -> None:
        """Run statements outside a transaction in the server's maintenance database."""
        assert self.server is not None
        engine = create_engine(self.server.set(database="postgres"),
                               isolation_level="AUTOCOMMIT")  # fmt: skip
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
        engine.dispose()


def migrate_and_seed(url: str) -> None:
    """Migrate an empty database and give it one department and its admin."""
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.roles import Role
    from app.auth.services import create_user
    from app.extensions import db
    from inventory.place_records import save_department

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        facilities = save_department(db.session, "Facilities")
        create_user(db.session, "admin@bench.example", role=Role.ADMIN, department=facilities,
                    name="Bench Admin", password="bench password 123")  # fmt: skip
        db.session.commit()
        db.engine.dispose()


def created_tags(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        tags = list(connection.scalars(text("SELECT tag FROM items ORDER BY id")))
    engine.dispose()
    return tags
