"""Search over tag, name, serial number, notes, position and category: whole words, word
starts, words inside compounds, plurals, partial tags and category names.

Both databases keep a trigram index over one text per item, lower-cased, punctuation turned to
spaces and a space at each end (" inv 000012 vårdsäng carisma "); the migrations c5d6e7f8a9b0
and d1e2f3a4b5c6 create it. Spaces in a pattern say where a word begins and ends, so one index
answers all: " säng " a whole word, " säng" a word start, "säng" anywhere inside ("Vårdsäng").
SQLite reads it through a contentless FTS5 trigram table (`items_search`, which also holds the
category id as " 17 "), PostgreSQL through pg_trgm's GIN index on the generated column
`items.search_text`; both give the same matches.

A term matches an item by its text, by a Snowball stem of it in one of our four languages
("rullstolar" is matched as "rullstol"), or by the name of the item's category or of a
category above it, in any language. A term of two characters matches a word start or end
(the tag INV-000012 for "12"); trigrams need three.

Results rank in tiers: items where every term is a whole word, then those where every term
starts a word, then the rest; newest registered first within a tier. Scoring every match and
sorting them cost 40 ms for a common word at 100,000 items, so a list page asks each tier for
its newest rows in turn (`tier_rows`), which the index answers without reading further than
the page: SQLite's FTS5 in rowid order, PostgreSQL by the primary key or the trigram index,
whichever its planner finds cheaper. `score` ranks a whole list (exports, labels) instead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import snowballstemmer
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    column,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from inventory.models import Category, Item

MAX_TERMS = 8
STEM_LANGUAGES = ("swedish", "danish", "dutch", "english")
_TERM = re.compile(r"[^\W_]+")
WHOLE, START, INSIDE = 2, 1, 0  # the score of a match, highest first
TIERS = (WHOLE, START, INSIDE)

_index = table("items_search", column("rowid"), column("items_search"))


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


def categories_named(session: Session, terms: tuple[str, ...]) -> tuple[tuple[int, ...], ...]:
    """For each term, the ids of the categories with a name (in any language) that has a word
    starting with the term or one of its stems, and of every category below them.

    Read in Python from one query: an organisation has tens of categories, not thousands, and
    the names in other languages are JSON, which SQL could only compare as escaped text."""
    rows = session.execute(select(Category.id, Category.parent_id, Category.name, Category.names))
    children: dict[int | None, list[int]] = defaultdict(list)
    words: dict[int, set[str]] = {}
    for id_, parent_id, name, names in rows:
        children[parent_id].append(id_)
        words[id_] = {w.lower() for n in (name, *(names or {}).values()) for w in _TERM.findall(n)}
    found = []
    for term in terms:
        starts = (term, *stems(term))
        named = [id_ for id_, ws in words.items() if any(w.startswith(starts) for w in ws)]
        below, queue = set(named), list(named)
        while queue:
            for child in children[queue.pop()]:
                if child not in below:
                    below.add(child)
                    queue.append(child)
        found.append(tuple(sorted(below)))
    return tuple(found)


@dataclass(frozen=True)
class Search:
    """What the user typed, ready to query: the terms and, for each, the categories its name
    matches, looked up once (SQLite's index is asked with the ids written into the query)."""

    terms: tuple[str, ...]
    categories: tuple[tuple[int, ...], ...]
    dialect: Dialect

    @classmethod
    def prepare(cls, session: Session, text: str) -> Search | None:
        """The search for `text`, or None when it holds no word."""
        terms = search_terms(text)
        if not terms:
            return None
        terms = tuple(terms)
        return cls(terms, categories_named(session, terms), session.get_bind().dialect)

    @property
    def _sqlite(self) -> bool:
        return self.dialect.name != "postgresql"

    def matches(self) -> ColumnElement[bool]:
        """Items that every term matches, in any way."""
        return self.at_least(INSIDE)

    def at_least(self, tier: int) -> ColumnElement[bool]:
        """Items that every term matches at `tier` or better."""
        if self._sqlite:
            ids = select(_index.c.rowid).where(_match(self._fts_at_least(tier)))
            return Item.id.in_(ids)
        return and_(*(self._like(n, tier) for n in range(len(self.terms))))

    def score(self) -> ColumnElement[int]:
        """The tier of each item: for ranking a whole list at once."""
        return case(
            (self.at_least(WHOLE), literal(WHOLE)),
            (self.at_least(START), literal(START)),
            else_=literal(INSIDE),
        )

    def tier_rows(self, query: Select, tier: int) -> tuple[Select, ColumnElement[int]]:
        """`query` kept to the items in exactly `tier`, and the column giving them in
        registration order straight from the index (order and bound the page by it)."""
        if self._sqlite:
            matched = query.join(_index, _index.c.rowid == Item.id)
            return matched.where(_match(self._fts_exactly(tier))), _index.c.rowid
        exactly = self.at_least(tier)
        if tier != WHOLE:
            exactly = and_(exactly, not_(self.at_least(tier + 1)))
        # With several terms the planner takes their shares as unrelated ("bord" in 8% of
        # items, "hp" in 5%: 400 of 100,000 both), so it walks the primary key backwards to
        # find the newest, through every item when none match (30 ms). Ordering by id + 0,
        # which no index holds, leaves it the trigram index, which intersects the terms.
        return query.where(exactly), Item.id + 0 if len(self.terms) > 1 else Item.id

    def tier_of(self, session: Session, item_id: int) -> int:
        """The tier of one item; INSIDE for one the search does not match (a page reached by
        a link made before the item changed)."""
        for tier in (WHOLE, START):
            if self._sqlite:
                found = select(_index.c.rowid).where(
                    _match(self._fts_at_least(tier)), _index.c.rowid == item_id
                )
            else:
                found = select(Item.id).where(Item.id == item_id, self.at_least(tier))
            if session.scalar(found) is not None:
                return tier
        return INSIDE

    def _like(self, n: int, tier: int) -> ColumnElement[bool]:
        """PostgreSQL: term `n` matches at `tier` or better. The patterns are written into
        the statement, so the planner sees them and does not reuse a plan made for another."""
        text = literal_column("items.search_text", String)
        condition = or_(
            *(
                text.like(bindparam(None, f"%{pattern}%", literal_execute=True))
                for pattern in _patterns(self.terms[n], tier)
            )
        )
        if tier == INSIDE and self.categories[n]:
            condition = or_(condition, Item.category_id.in_(self.categories[n]))
        return condition

    def _fts_at_least(self, tier: int) -> str:
        """SQLite: the FTS5 expression for every term matching at `tier` or better. Terms hold
        only letters and digits (`search_terms`), so they cannot be FTS5 syntax."""
        parts = []
        for term, categories in zip(self.terms, self.categories, strict=True):
            phrases = " OR ".join(f'"{pattern}"' for pattern in _patterns(term, tier))
            part = f"words : ({phrases})"
            if tier == INSIDE and categories:
                part += " OR category : (" + " OR ".join(f'" {c} "' for c in categories) + ")"
            parts.append(f"({part})")
        return " AND ".join(parts)

    def _fts_exactly(self, tier: int) -> str:
        if tier == WHOLE:
            return self._fts_at_least(WHOLE)
        return f"({self._fts_at_least(tier)}) NOT ({self._fts_at_least(tier + 1)})"


def _match(expression: str) -> ColumnElement[bool]:
    # An anonymous parameter: one query may hold several of these conditions.
    return _index.c.items_search.op("MATCH")(bindparam(None, expression))
