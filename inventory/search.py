"""Full-text search over tag, name, serial number and notes.

SQLite uses an FTS5 table and PostgreSQL a generated tsvector column with a GIN index; both
are created by the migrations and kept in step with `items` by the database itself.
"""

import re

from sqlalchemy import ColumnElement, column, func, literal_column, select, table, text
from sqlalchemy.engine import Dialect

from inventory.models import Item

MAX_TERMS = 8
_WORD = re.compile(r"\w+")

_fts = table("items_fts", column("rowid"))


def search_terms(query: str) -> list[str]:
    """Split what the user typed into lowercase words; punctuation only separates."""
    return [word.lower() for word in _WORD.findall(query)][:MAX_TERMS]


def matches(terms: list[str], dialect: Dialect) -> ColumnElement[bool]:
    """A condition on Item that holds when every term starts a word in the searched fields."""
    if dialect.name == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return literal_column("items.search_vector").op("@@")(
            func.to_tsquery(text("'simple'::regconfig"), tsquery)
        )
    fts_query = " ".join(f'"{term}"*' for term in terms)
    matching = select(_fts.c.rowid).where(text("items_fts MATCH :fts").bindparams(fts=fts_query))
    return Item.id.in_(matching)
