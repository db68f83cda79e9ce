"""Search over tag, name, serial number, notes and position: whole words, word starts, words
inside compounds, plurals, partial tags and category names.

Both databases keep a trigram index over one text per item, lower-cased, punctuation turned to
spaces and a space at each end (" inv 000012 vårdsäng carisma "); the migration c5d6e7f8a9b0
creates it. Spaces in a pattern say where a word begins and ends, so one index answers all:
" säng " a whole word, " säng" a word start, "säng" anywhere inside ("Vårdsäng"). SQLite reads
it through a contentless FTS5 trigram table (`items_search`), PostgreSQL through pg_trgm's GIN
index on the generated column `items.search_text`; both give the same matches.

A term matches an item by its text, by a Snowball stem of it in one of our four languages
("rullstolar" is matched as "rullstol"), or by the name of the item's category or of a
category above it, in any language. A term of two characters matches a word start or end
(the tag INV-000012 for "12"); trigrams need three. Whole-word matches of every term rank
first, then word starts, then the rest.
"""

import re
from functools import cache

import snowballstemmer
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.engine import Dialect

from app.folding import folded_sql
from inventory.models import Category, Item

MAX_TERMS = 8
STEM_LANGUAGES = ("swedish", "danish", "dutch", "english")
_TERM = re.compile(r"[^\W_]+")
WHOLE, START, INSIDE = 2, 1, 0  # the score of a match, highest first


def described_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """False for the search index's own tables, column and index: the migrations create them
    with raw SQL, so Alembic's model comparison must leave them out."""
    if type_ == "table":
        return not (name or "").startswith("items_search")
    return name not in ("search_text", "ix_items_search_text")


def search_terms(query: str) -> list[str]:
    """Split what the user typed into lowercase words; punctuation and NUL only separate."""
    return [word.lower() for word in _TERM.findall(query)][:MAX_TERMS]


@cache
def _stemmers() -> list:
    return [snowballstemmer.stemmer(language) for language in STEM_LANGUAGES]


def stems(term: str) -> list[str]:
    """The term's Snowball stems in our languages, other than itself, of 3 letters or more."""
    found = {stemmer.stemWord(term) for stemmer in _stemmers()}
    return sorted(stem for stem in found if stem != term and len(stem) >= 3)


def _patterns(term: str, level: int) -> list[str]:
    """The substrings of an item's indexed text that match `term` at `level` or better."""
    if level == WHOLE or len(term) == 1:
        return [f" {term} "]
    if level == START:
        return [f" {term}"]
    if len(term) == 2:  # a trigram index cannot look for two letters anywhere
        return [f" {term}", f"{term} "]
    return [term, *stems(term)]


def _sqlite_ids(patterns: list[str]) -> Select:
    """The ids of the items whose indexed text holds one of `patterns` (letters, digits and
    spaces only, so they cannot be FTS5 syntax)."""
    phrases = " OR ".join(f'"{pattern}"' for pattern in patterns)
    index = table("items_search", column("rowid"), column("items_search"))
    # An anonymous parameter: one query holds several of these conditions.
    return select(index.c.rowid).where(index.c.items_search.op("MATCH")(bindparam(None, phrases)))


def _term_match(term: str, level: int, dialect: Dialect) -> ColumnElement[bool]:
    """Items that `term` matches at `level` or better; at INSIDE, by category names too."""
    patterns = _patterns(term, level)
    in_category = select(Item.id).where(Item.category_id.in_(categories_named(term)))
    if dialect.name == "postgresql":
        indexed = literal_column("items.search_text", String)
        condition = or_(*(indexed.like(f"%{pattern}%") for pattern in patterns))
        if level != INSIDE:
            return condition
        # = ANY(ARRAY(...)), not IN (...): the planner can then OR two index scans.
        named = func.array(categories_named(term).scalar_subquery())
        return or_(condition, Item.category_id == any_(named))
    # One IN (...) per term: SQLite looks the ids up by rowid, where an OR of two IN
    # conditions made it scan every item.
    ids = _sqlite_ids(patterns)
    return Item.id.in_(ids if level != INSIDE else union_all(ids, in_category))


def categories_named(term: str) -> Select:
    """The ids of the categories with a name (in any language) that has a word starting with
    the term or one of its stems, and of every category below them."""
    names = folded_sql(cast(Category.names, String))
    conditions = []
    for word in (term, *stems(term)):
        # names is JSON text ({"en": "Wheelchair"}, other letters as \u00e4): a value follows
        # ': "'; "~" escapes nothing, so that LIKE takes the backslashes as they are.
        escaped = word.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")
        conditions += [
            Category.name_key.like(f"{word}%"),
            Category.name_key.like(f"% {word}%"),
            names.like(f'%: "{escaped}%', escape="~"),
            names.like(f"% {escaped}%", escape="~"),
        ]
    tree = select(Category.id).where(or_(*conditions)).cte(recursive=True)
    tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
    return select(tree.c.id)


def filter_matching(query: Select, terms: list[str], dialect: Dialect) -> Select:
    """Keep the items that every term matches, in any way."""
    return query.where(and_(*(_term_match(term, INSIDE, dialect) for term in terms)))


def match_score(terms: list[str], dialect: Dialect) -> ColumnElement[int]:
    """2 where every term is a whole word of the item, 1 where each starts a word, else 0."""
    whole = and_(*(_term_match(term, WHOLE, dialect) for term in terms))
    start = and_(*(_term_match(term, START, dialect) for term in terms))
    return case((whole, literal(WHOLE)), (start, literal(START)), else_=literal(INSIDE))
