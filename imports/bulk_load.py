"""Loading many rows into a table on SQLite: its plain indexes built once afterwards.

SQLite keeps every index up to date row by row, each new key sought and put in place in its
B-tree. Building an index from the finished table sorts the keys once instead, which costs
far less when the load is large next to what the table held: 100,000 new items into an empty
inventory took SQLite 0.98 s of CPU with the items' indexes kept up to date and 0.71 s with
them dropped before and created again after (docs/benchmarks.md). PostgreSQL's documentation
gives the same advice for bulk loads; an import there is left as it is.

Unique indexes are set aside too: with none left, SQLite's work for a row calls no Python
(the tag's index is on our Python `lower()`), which is what lets the rows be written by a
thread of their own (imports/writer.py). The import has checked its tags against the items
and each other before writing, inside the write lock; the unique index, built again before
the commit, refuses the whole write should a tag be there twice all the same.

The indexes are dropped and created again inside the import's own transaction (SQLite's
schema changes are transactional): if the import fails, the rollback brings them back as they
were, and readers see the old schema until the commit, then the new rows with every index in
place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session


@contextmanager
def bulk_loading(session: Session, table: Table, new_rows: int) -> Iterator[bool]:
    """For a block inserting `new_rows` rows into `table`: on SQLite, when the load at least
    doubles the table (rebuilding its indexes costs what it holds), its indexes are dropped
    before the block and created again after it, with the SQL they were made with, so exactly
    as the migrations made them. Gives whether they were set aside."""
    connection = session.connection()
    if not _worth_it(connection, table, new_rows):
        yield False
        return
    indexes = connection.exec_driver_sql(  # not those of constraints (sql IS NULL)
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table.name,),
    ).all()
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield True
    finally:  # on failure too, should a caller commit what went in before it
        for _, sql in indexes:
            connection.exec_driver_sql(sql)


def _worth_it(connection: Connection, table: Table, new_rows: int) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    if not connection.connection.dbapi_connection.in_transaction:
        return False  # the DDL would commit on its own, outside the import's transaction
    held = connection.exec_driver_sql(f'SELECT count(*) FROM "{table.name}"').scalar()
    return new_rows >= held
