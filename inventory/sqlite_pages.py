"""SQLite's page cache during a large write of items: the one trick of the bulk writer that
only one database needs (PostgreSQL's shared buffers are the server's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

SQLITE_CACHE_KIB = 32 * 1024


@contextmanager
def larger_page_cache(session: Session) -> Iterator[None]:
    """SQLite keeps 2 MB of database pages per connection; the items' dozen indexes need more
    while a large import goes in, or the same pages are read again and again. 32 MB for the
    write, then back to what it was."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar())
    connection.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")
