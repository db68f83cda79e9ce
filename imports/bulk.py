"""INSERTs and UPDATEs of many rows at the speed of the database driver, for imports.

An import writes a hundred thousand items, as many history events and as many batch rows.
SQLAlchemy's own executemany would process and check every value of every row, which costs as
much as the database's work; here values come column by column, each column's values are put
in the database's form by its type's bind processor once per distinct value (a stock list
repeats a few hundred of them), values the same for every row once in all, and the rows go to
the driver as tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

import orjson
from sqlalchemy import JSON, Dialect, Table
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
    connection = session.connection()
    for statement in insert_statements(connection.dialect, target, columns,
                                       constants=constants, ready=ready):  # fmt: skip
        connection.exec_driver_sql(*statement)


def insert_statements(
    dialect: Dialect, target: Table, columns: dict[str, list[Any]], *,
    constants: dict[str, Any] | None = None, ready: tuple[str, ...] = (),
) -> Iterator[tuple[str, tuple[Any, ...]]]:  # fmt: skip
    """The statements and parameters of insert_rows, for a caller that executes them itself.

    Multi-row INSERTs of up to a thousand rows: SQLite takes them in about half the time an
    executemany of the same rows takes, and its full-text index takes a thousand rows at
    once."""
    constants = constants or {}
    count = len(next(iter(columns.values()), ()))
    if not count:
        return
    names = [*columns, *constants]
    missing = [
        c.name for c in target.columns
        if c.name not in names and not c.nullable and c.server_default is None
        and c.autoincrement is not True and not c.primary_key
    ]  # fmt: skip
    if missing:  # their Python-side defaults would not be applied here
        raise ValueError(f"{target.name}: no values for {missing}")
    lists = []
    for name, values in columns.items():
        process = None if name in ready else _processor(target, name, dialect)
        lists.append(values if process is None else _processed(values, process, target, name))
    for name, value in constants.items():
        process = None if name in ready else _processor(target, name, dialect)
        lists.append([value if process is None else process(value)] * count)
    rows = list(zip(*lists, strict=True))
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    head = f"INSERT INTO {quote(target.name)} ({', '.join(map(quote, names))}) VALUES "
    one = f"({', '.join([mark] * len(names))})"
    per = max(1, min(MAX_ROWS_PER_STATEMENT, dialect.insertmanyvalues_max_parameters // len(names)))
    for start in range(0, count, per):
        chunk = rows[start : start + per]
        yield head + ", ".join([one] * len(chunk)), tuple(chain.from_iterable(chunk))


def update_rows(
    session: Session, target: Table, columns: dict[str, list[Any]], *,
    where: tuple[tuple[str, list[Any]], ...],
) -> int:  # fmt: skip
    """UPDATE each row (a position in the lists) of a table, setting `columns` where the
    `where` columns have the given values; one executemany of tuples, each column's values
    in the database's form once per distinct value. The number of rows changed.

    SQLAlchemy's executemany would make and check a parameter dict per row, which cost an
    update of 50,000 items more than the database's work (docs/benchmarks.md)."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    given = [*columns.items(), *where]
    lists = []
    for name, values in given:
        process = _processor(target, name, dialect)
        lists.append(values if process is None else _processed(values, process, target, name))
    sets = ", ".join(f"{quote(name)} = {mark}" for name in columns)
    tests = " AND ".join(f"{quote(name)} = {mark}" for name, _ in where)
    statement = f"UPDATE {quote(target.name)} SET {sets} WHERE {tests}"
    return connection.exec_driver_sql(statement, list(zip(*lists, strict=True))).rowcount


def _processor(target: Table, name: str, dialect) -> Callable[[Any], Any] | None:
    return target.c[name].type.dialect_impl(dialect).bind_processor(dialect)


def by_object(values: list[Any], process: Callable[[Any], Any]) -> list[Any]:
    """[process(value) for value in values], calling it once per distinct object.

    An import's values come from a memo per column (imports/plan.py), so a repeated cell is the
    same object on every row, and an object's id is a cheaper key than its value (an enum
    member hashes in Python). The ids stay unique while `values` holds the objects."""
    ids = list(map(id, values))
    done = {key: process(value) for key, value in dict(zip(ids, values, strict=True)).items()}
    return [done[key] for key in ids]


def _processed(
    values: list[Any], process: Callable[[Any], Any], target: Table, name: str
) -> list[Any]:
    """The values in the database's form, each distinct value processed once; JSON (extra
    attributes, history changes, what the batch keeps for undo) is written by orjson, compact
    and with its letters as they are, about six times faster than the standard library's
    encoder that the column type would use (100,000 updated items make 160,000 such values),
    each value on its own: most are made per row."""
    if not isinstance(target.c[name].type, JSON):
        return by_object(values, process)
    try:
        return [orjson.dumps(value).decode() for value in values]
    except TypeError:  # what orjson does not take (say, a Decimal): as the column type would
        return [process(value) for value in values]
