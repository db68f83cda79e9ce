"""SQLite settings applied to every new connection."""

from sqlalchemy import Engine, event

from app.folding import folded


def configure_sqlite(engine: Engine) -> None:
    """Enforce foreign keys, allow readers during writes, wait instead of failing on locks.

    Queries that fold a column without a key column (app/folding.py) call Python's lower()
    as `python_lower`: SQLite's own lower() folds only ASCII. No index or constraint uses it,
    so a file opened without it (the sqlite3 shell, a script) holds and checks the same.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.create_function("python_lower", 1, folded, deterministic=True)
        # A transaction that writes begins with BEGIN IMMEDIATE (Python's driver begins one
        # only before a write): the write lock is then taken first, waiting for another
        # writer, rather than after a read. The full-text index reads its settings before it
        # writes, and a transaction that has read cannot wait for the lock: it failed at once
        # with "database is locked" when two people saved the same item (test_concurrency).
        dbapi_connection.isolation_level = "IMMEDIATE"
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
