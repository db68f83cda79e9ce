"""Many rows into a table at the speed of the database driver: COPY on PostgreSQL, multi-row
INSERTs on SQLite; UPDATEs of many rows as one executemany.

An import writes a hundred thousand items, as many history events and as many batch rows.
SQLAlchemy's own executemany would process and check every value of every row, which costs as
much as the database's work; here values come column by column, each column's values are put
in the database's form by its type's bind processor once per distinct value (a stock list
repeats a few hundred of them), values the same for every row once in all, and the rows go to
the driver as tuples.

PostgreSQL takes rows fastest by COPY (psycopg's `cursor.copy`), which parses no statement and
plans nothing per row. SQLite has no COPY; a multi-row INSERT of up to a thousand rows sets up
and resets its virtual machine once for them all, where an executemany does it for every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice, repeat
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Dialect, Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

MAX_ROWS_PER_STATEMENT = 1_000


def insert_rows(
    session: Session, target: Table, columns: dict[str, list[Any]], *,
    constants: dict[str, Any] | None = None, ready: tuple[str, ...] = (),
) -> None:  # fmt: skip
    """INSERT rows given as columns (lists of one length) and constants (the same value for
    every row) into a table.

    :param ready: columns and constants already in the database's form (JSON text).
    """
    insert_row_chunks(session, target, [columns], constants=constants, ready=ready)


def insert_row_chunks(
    session: Session, target: Table, chunks: Iterable[dict[str, list[Any]]], *,
    constants: dict[str, Any] | None = None, ready: tuple[str, ...] = (),
) -> None:  # fmt: skip
    """insert_rows for rows that come a chunk of columns at a time, each chunk made only when
    the one before is written, all with the same columns.

    On PostgreSQL they go as one COPY, so the server works on the rows already sent while
    Python makes the next chunk; a COPY per chunk would wait at its end for the server to
    finish, and the server would wait idle for the next."""
    connection = session.connection()
    dialect = connection.dialect
    chunks = (chunk for chunk in chunks if len(next(iter(chunk.values()), ())))
    first = next(chunks, None)
    if first is None:
        return
    names = [*first, *(constants or {})]

    def rows() -> Iterator[tuple[Any, ...]]:
        for chunk in chain([first], chunks):
            chunk_names, chunk_rows = _rows(dialect, target, chunk, constants or {}, ready)
            if chunk_names != names:
                raise ValueError(f"{target.name}: a chunk with other columns: {chunk_names}")
            yield from chunk_rows

    if dialect.name == "postgresql":
        _copy(connection, target, names, rows())
    else:
        for statement in _insert_statements(dialect, target, names, rows()):
            connection.exec_driver_sql(*statement)


def update_rows(
    session: Session, target: Table, columns: dict[str, list[Any]], *,
    where: tuple[tuple[str, list[Any]], ...], among: tuple[str, list[Any]] | None = None,
) -> int:  # fmt: skip
    """UPDATE each row (a position in the lists) of a table, setting `columns` where the
    `where` columns have the given values; one executemany of tuples (pipelined by psycopg),
    each column's values in the database's form once per distinct value. The number of rows
    changed.

    :param among: a column and the values it may have, the same for every row (a
        compare-and-set of states)."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    lists = [_processed(values, target, name, dialect)
             for name, values in (*columns.items(), *where)]  # fmt: skip
    tests = [f"{quote(name)} = {mark}" for name, _ in where]
    if among:
        name, allowed = among
        tests.append(f"{quote(name)} IN ({', '.join([mark] * len(allowed))})")
        lists += [[value] * len(lists[0]) for value in _processed(allowed, target, name, dialect)]
    sets = ", ".join(f"{quote(name)} = {mark}" for name in columns)
    statement = f"UPDATE {quote(target.name)} SET {sets} WHERE {' AND '.join(tests)}"
    return connection.exec_driver_sql(statement, list(zip(*lists, strict=True))).rowcount


def _rows(
    dialect: Dialect, target: Table, columns: dict[str, list[Any]], constants: dict[str, Any],
    ready: tuple[str, ...],
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:  # fmt: skip
    """The column names, and the rows as tuples of values in the database's form, made one at a
    time as they are written: the columns are held once, not a second time as rows."""
    count = len(next(iter(columns.values()), ()))
    names = [*columns, *constants]
    missing = [
        c.name for c in target.columns
        if c.name not in names and not c.nullable and c.server_default is None
        and c.autoincrement is not True and not c.primary_key and c.computed is None
    ]  # fmt: skip
    if missing:  # their Python-side defaults would not be applied here
        raise ValueError(f"{target.name}: no values for {missing}")
    lists = [values if name in ready else _processed(values, target, name, dialect)
             for name, values in columns.items()]  # fmt: skip
    for name, value in constants.items():
        process = None if name in ready else _processor(target, name, dialect)
        lists.append(repeat(value if process is None else process(value), count))
    return names, zip(*lists, strict=True)


def _copy(connection: Connection, target: Table, names: list[str], rows: Iterable[tuple]) -> None:
    """COPY the rows in, through the session's own connection (so in its transaction). psycopg
    formats each row as it is given and sends the data on whenever its buffer fills, so the
    COPY's text is never all in memory at once."""
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(target.name)} ({', '.join(map(quote, names))}) FROM STDIN"
    dbapi = connection.dialect.loaded_dbapi
    try:
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi.Error as error:  # as SQLAlchemy raises it for a statement it executes
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error


def _insert_statements(
    dialect: Dialect, target: Table, names: list[str], rows: Iterator[tuple]
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Multi-row INSERTs of up to a thousand rows (fewer for wide rows: SQLite takes at most
    32,766 parameters a statement)."""
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    head = f"INSERT INTO {quote(target.name)} ({', '.join(map(quote, names))}) VALUES "
    one = f"({', '.join([mark] * len(names))})"
    per = max(1, min(MAX_ROWS_PER_STATEMENT, dialect.insertmanyvalues_max_parameters // len(names)))
    while chunk := list(islice(rows, per)):
        yield head + ", ".join([one] * len(chunk)), tuple(chain.from_iterable(chunk))


def _processor(target: Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    return target.c[name].type.dialect_impl(dialect).bind_processor(dialect)


def by_object(values: list[Any], process: Callable[[Any], Any]) -> list[Any]:
    """[process(value) for value in values], calling it once per distinct object.

    An import's values come from a memo per column (imports/plan.py), so a repeated cell is the
    same object on every row, and an object's id is a cheaper key than its value (an enum
    member hashes in Python). The ids stay unique while `values` holds the objects."""
    ids = list(map(id, values))
    done = {key: process(value) for key, value in dict(zip(ids, values, strict=True)).items()}
    return [done[key] for key in ids]


def _processed(values: list[Any], target: Table, name: str, dialect: Dialect) -> list[Any]:
    """The values in the database's form, each distinct value processed once; JSON (extra
    attributes, history changes, what the batch keeps for undo) is written by orjson, compact
    and with its letters as they are, several times faster than the standard library's
    encoder that the column type would use (an updated item makes two or three such values),
    each value on its own: most are made per row."""
    process = _processor(target, name, dialect)
    if process is None:
        return values
    if not isinstance(target.c[name].type, JSON):
        return by_object(values, process)
    try:
        return [orjson.dumps(value).decode() for value in values]
    except TypeError:  # what orjson does not take (say, a Decimal): as the column type would
        return [process(value) for value in values]
