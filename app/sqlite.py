"""SQLite settings applied to every new connection."""

from sqlalchemy import Engine, event


def unicode_lower(text: str | None) -> str | None:
    return None if text is None else text.lower()


def configure_sqlite(engine: Engine) -> None:
    """Enforce foreign keys, allow readers during writes, wait instead of failing on locks.

    SQLite's own lower() folds only ASCII, so "ÅSA-1" and "åsa-1" would count as different
    tags; we replace it with Python's, as PostgreSQL's lower() already does with UTF-8.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
