"""Full-text search over tag, name, serial number, position in the storeroom and notes.

SQLite uses an FTS5 table and PostgreSQL a generated tsvector column with a GIN index; both
are created by the migrations and kept in step with `items` by the database itself.
"""

import re

from sqlalchemy import ColumnElement, Select, column, func, literal_column, table, text
from sqlalchemy.engine import Dialect

from inventory.models import Item

MAX_TERMS = 8
_WORD = re.compile(r"\w+")

_fts = table("items_fts", column("rowid"))


def described_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """False for the search index's own tables, column and index: the migrations create them
    with raw SQL, so Alembic's model comparison must leave them out."""
    if type_ == "table":
        return not (name or "").startswith("items_fts")
    return name not in ("search_vector", "ix_items_search_vector")


def search_terms(query: str) -> list[str]:
    """Split what the user typed into lowercase words; punctuation only separates."""
    return [word.lower() for word in _WORD.findall(query)][:MAX_TERMS]


def filter_matching(query: Select, terms: list[str], dialect: Dialect) -> Select:
    """Keep the items in which every term starts a word of the searched fields.

    On SQLite the FTS table is joined rather than used in an IN (...) subquery, so the planner
    drives the query from the index and can return the newest matches without sorting them all.
    """
    if dialect.name == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return query.where(
            literal_column("items.search_vector").op("@@")(
                func.to_tsquery(text("'simple'::regconfig"), tsquery)
            )
        )
    fts_query = " ".join(f'"{term}"*' for term in terms)
    return query.join(_fts, _fts.c.rowid == Item.id).where(
        text("items_fts MATCH :fts").bindparams(fts=fts_query)
    )


def match_order_key(dialect: Dialect) -> ColumnElement:
    """The key the search index delivers its matches in for free: the item id (newest last)."""
    return Item.id if dialect.name == "postgresql" else _fts.c.rowid
