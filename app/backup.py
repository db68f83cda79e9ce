"""Back up the whole database to one file, and restore such a file into an empty database.

SQLite: the file is a copy made with SQLite's online backup API, consistent while the app runs;
photos live in the database, so they are in it. PostgreSQL: pg_dump's custom format (-Fc),
see `app.backup_postgresql`.

A restore goes only into an empty database (`refuse_unless_empty`), so it can never mix a
backup with data, and it writes all or nothing: SQLite's backup API replaces the file in one
transaction, and on PostgreSQL the dropping of an empty migrated schema and the whole archive
load in one transaction. The database is then at the backup's migration revision; `flask db
upgrade` brings it to the code's.
"""

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, select, table, text
from sqlalchemy.engine import URL

from app import backup_postgresql as postgresql
from app import task_queue
from app.extensions import db
from inventory.search import described_by_models

SQLITE_MAGIC = b"SQLite format 3\x00"
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables that may hold rows in an empty database: the migrations write them, and a worker
# started early queues its periodic tasks.
SCHEMA_TABLES = {"alembic_version", "counters", *task_queue.TABLES}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


def back_up(engine: Engine, output: Path) -> str:
    """Write a backup of the database to `output` and return its migration revision.

    The backup is written beside `output` under a temporary name and renamed when complete,
    so `output` is never a half-written file.
    """
    if not output.parent.is_dir():
        raise BackupError(f"There is no directory {output.parent} to write the backup to.")
    handle, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    os.close(handle)
    try:
        if engine.dialect.name == "sqlite":
            _back_up_sqlite(_sqlite_path(engine.url), Path(partial), output)
        else:
            postgresql.dump(engine.url, Path(partial))
        revision = read_revision(Path(partial), engine.dialect.name)
        if revision is None:
            raise BackupError("The database has no schema yet; there is nothing to back up.")
        os.replace(partial, output)
    except postgresql.ClientError as error:
        raise BackupError(f"{error}.") from None
    finally:
        Path(partial).unlink(missing_ok=True)
    return revision


def restore(engine: Engine, source: Path, scripts: ScriptDirectory) -> str:
    """Restore the backup `source` into the empty database and return the backup's revision.

    Everything is checked before anything is written: the file (`check_backup`), then that
    the database is empty.
    """
    revision = check_backup(source, engine.dialect.name, scripts)
    with engine.connect() as connection:
        refuse_unless_empty(connection)
    engine.dispose()  # no pooled connection of ours may hold the old file or schema
    if engine.dialect.name == "sqlite":
        _restore_sqlite(source, _sqlite_path(engine.url))
    else:
        _restore_postgresql(source, engine)
    return revision


def check_backup(source: Path, dialect: str, scripts: ScriptDirectory) -> str:
    """The revision of the backup `source`, once it is known to be a whole backup of this
    kind of database at a revision this code's migrations know."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    kind = backup_kind(source)
    if kind is None:
        raise BackupError(
            f"{source} is not a backup made by `flask --app app backup` "
            "(neither an SQLite database nor a pg_dump archive)."
        )
    if kind != dialect:
        raise BackupError(
            f"{source} is a backup of a {DATABASE_NAMES[kind]} database; "
            f"this database is {DATABASE_NAMES.get(dialect, dialect)}."
        )
    try:
        if kind == "postgresql":
            postgresql.require("pg_restore", "psql")  # a missing tool is not a damaged file
    except postgresql.ClientError as error:
        raise BackupError(f"{error}.") from None
    try:
        revision = read_revision(source, kind)
    except (BackupError, postgresql.ClientError) as error:
        raise BackupError(
            f"{source} is damaged or incomplete ({error}); nothing was changed."
        ) from None
    if revision is None:
        raise BackupError(
            f"{source} holds no migration revision: it is damaged or not a Reshelf backup."
        )
    check_revision(scripts, revision)
    return revision


def backup_kind(path: Path) -> str | None:
    """'sqlite' or 'postgresql' by the file's first bytes, None for anything else."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(postgresql.MAGIC):
        return "postgresql"
    return None


def read_revision(path: Path, kind: str) -> str | None:
    """The migration revision recorded in a backup file, None when it has none."""
    if kind == "sqlite":
        try:
            with closing(_open_read_only(path)) as connection:
                problems = connection.execute("PRAGMA quick_check").fetchall()
                if problems != [("ok",)]:
                    raise BackupError(problems[0][0])
                return _sqlite_revision(connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(str(error)) from None
    return postgresql.archive_revision(path)


def check_revision(scripts: ScriptDirectory, revision: str) -> None:
    """Refuse a backup whose revision this code's migrations do not know (a newer Reshelf's)."""
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"The backup is at migration revision {revision}, which this version of Reshelf "
            "does not know: it was made by a newer version. Restore it with that version's code."
        )


def refuse_unless_empty(connection: Connection) -> None:
    """Refuse unless the database holds no data: no table of ours with a row in it (bar the
    ones the migrations fill) and no table that is not ours. A freshly created database and
    one that has only been migrated are both empty."""
    ours = set(db.metadata.tables)
    known = ours | SCHEMA_TABLES
    names = inspect(connection).get_table_names()
    foreign = [n for n in names if n not in known and described_by_models(n, "table", {})]
    if foreign:
        raise BackupError(
            "The database holds tables that are not Reshelf's ("
            + ", ".join(sorted(foreign)[:5])
            + "); restore into a new, empty database. Nothing was changed."
        )
    filled = [
        name
        for name in sorted(ours - SCHEMA_TABLES)
        if name in names and connection.execute(select(1).select_from(table(name)).limit(1)).first()
    ]
    if filled:
        raise BackupError(
            "The database is not empty (rows in "
            + ", ".join(filled[:5])
            + (", ..." if len(filled) > 5 else "")
            + "). A backup is restored only into an empty database; nothing was changed."
        )


def migration_scripts(directory: str | Path) -> ScriptDirectory:
    """The code's migrations, which say what revisions a backup may be at."""
    return ScriptDirectory(str(directory))


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database has nothing to back up or restore.")
    return Path(url.database)


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:  # no such table
        return None
    return rows[0][0] if len(rows) == 1 else None


def _back_up_sqlite(database: Path, partial: Path, output: Path) -> None:
    if not database.is_file():
        raise BackupError(f"The database file {database} does not exist.")
    if output.resolve() == database.resolve():
        raise BackupError("The backup would overwrite the database itself; name another file.")
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)
        # One self-contained file, not a WAL database that expects a -wal file beside it.
        copy.execute("PRAGMA journal_mode = DELETE")


def _restore_sqlite(source: Path, database: Path) -> None:
    with closing(_open_read_only(source)) as backup, closing(sqlite3.connect(database)) as target:
        backup.backup(target)  # one step: the target is replaced in one transaction


# The functions a migration created in the schema (trigger functions), not an extension's.
OWN_FUNCTIONS = text(
    "SELECT p.oid::regprocedure::text FROM pg_proc p "
    "JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname = :schema AND NOT EXISTS ("
    "SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
)


def _restore_postgresql(source: Path, engine: Engine) -> None:
    """Load the archive, dropping first what a migrated (empty) database holds: its tables
    and the functions its migrations created, which the archive creates again."""
    with engine.connect() as connection:
        schema = inspect(connection).default_schema_name
        names = inspect(connection).get_table_names()
        functions = connection.scalars(OWN_FUNCTIONS, {"schema": schema}).all()
    engine.dispose()
    drops = "".join(f'DROP TABLE IF EXISTS "{schema}"."{name}" CASCADE;\n' for name in names)
    # regprocedure's text is already quoted and qualified as needed.
    drops += "".join(f"DROP FUNCTION IF EXISTS {function} CASCADE;\n" for function in functions)
    try:
        postgresql.load(engine.url, source, first=drops)
    except postgresql.ClientError as error:
        raise BackupError(f"The restore failed: {error}; nothing was changed.") from None
