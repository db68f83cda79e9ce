"""Case-folded keys: what makes "ÅSA-1" and "åsa-1" one tag on every database.

A name or tag that is unique "regardless of case" has a key column beside it (`tag_key`
beside `tag`), filled in Python by `folded` whenever the ORM sets the value and by the bulk
writer for the rows it writes, and a plain index on the key. Look-ups compare the key with
`folded(what was typed)`. The database folds nothing itself: SQLite's own lower() folds only
ASCII, and an index on a lower() we replaced with Python's (as the app once did) held keys a
file opened by any other program (the sqlite3 shell, a backup script) could not reproduce.

`folded` is `str.lower`, not `str.casefold`: it is what the unique indexes held before the
keys (Python's lower() on SQLite, and PostgreSQL's, which agree on the letters of names and
tags), so no two existing values that were apart come together when the keys are filled; and
casefold would join what users keep apart ("straße" and "STRASSE" as one tag).

Columns without a key (a town, a listing's reason) fold in queries with `folded_sql`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, mapped_column
from sqlalchemy.sql.functions import FunctionElement


def folded(text: str | None) -> str | None:
    """The key of a name or tag: what it is compared and made unique by."""
    return None if text is None else text.lower()


def key_column(length: int, **kw: Any):
    """A key column for a value of `length` characters. Twice as long: one letter can lower
    to two (İ to i and a combining dot)."""
    return mapped_column(String(2 * length), **kw)


def keeps_key(attribute: InstrumentedAttribute, key: str) -> None:
    """Whenever the ORM sets `attribute` (constructor included), set the key column `key`
    to its folded value."""

    @event.listens_for(attribute, "set", propagate=True)
    def fill_key(target: Any, value: Any, _old: Any, _initiator: Any) -> None:
        setattr(target, key, folded(value))


class folded_sql(FunctionElement):  # noqa: N801 (used as a SQL function: folded_sql(column))
    """A column folded as `folded` folds it, in a query, for columns without a key column:
    PostgreSQL's lower(); on SQLite, Python's (app/sqlite.py registers it for queries only:
    no index may use it, so that any program can open the file)."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded_sql)
def _lower(element: folded_sql, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded_sql, "sqlite")
def _python_lower(element: folded_sql, compiler: Any, **kw: Any) -> str:
    return f"python_lower({compiler.process(element.clauses, **kw)})"
