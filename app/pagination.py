"""Keyset pagination: "next" and "previous" carry the id of the row at the page's edge.

OFFSET makes the database walk every skipped row, so a deep page of a big list cost as much
as the rows before it; a keyset page starts from the edge row's sort key through the index and
costs the same wherever it is. Nothing is counted either: counting every match of a common
word over 100,000 items costs more than the page itself. The price is that a list cannot jump
to page N, which nobody does with an inventory list; they refine the search instead.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import ColumnElement, Select, literal, tuple_
from sqlalchemy.orm import Session

from app.request_values import MAX_ID, bounded_int


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the row with id `after`, or ends: before `before`."""

    after: int | None = None
    before: int | None = None

    @property
    def anchor(self) -> int | None:
        return self.after if self.after is not None else self.before


@dataclass
class Page:
    items: list[Any]
    has_next: bool
    has_previous: bool

    @property
    def next_after(self) -> int:
        return self.items[-1].id

    @property
    def previous_before(self) -> int:
        return self.items[0].id


def page_number(last: int = 10_000) -> int:
    """The ?page= argument of an offset-paged list, within 1..last; junk gives page 1."""
    return bounded_int(request.args.get("page"), default=1, low=1, high=last)


def cursor_from_args() -> Cursor:
    """The ?after= or ?before= argument: a row id; anything else is a 404."""
    values = {}
    for name in ("after", "before"):
        raw = request.args.get(name)
        if raw is None:
            continue
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            abort(404)
        values[name] = int(raw)
    if len(values) > 1:
        abort(404)
    return Cursor(**values)


def keyset_page(
    session: Session,
    query: Select,
    *,
    order: Sequence[ColumnElement],
    descending: bool,
    anchor: Sequence[Any] | None,
    backwards: bool,
    per_page: int,
) -> Page:
    """One page of `query` in `order` (unique, its last column the row id), from `anchor`.

    `anchor` holds the order values of the edge row; `backwards` fetches the page before it.
    One row more than a page is fetched to know whether there is another page beyond.
    """
    ascending = descending == backwards
    if anchor is not None:
        first, anchor_first = order[0], literal(anchor[0], order[0].type)
        edge = tuple_(*order)
        values = tuple_(*(literal(v, c.type) for v, c in zip(anchor, order, strict=True)))
        # The single-column bound lets the database start from the index; the row value
        # comparison then settles ties in the first column.
        if ascending:
            query = query.where(first >= anchor_first, edge > values)
        else:
            query = query.where(first <= anchor_first, edge < values)
    query = query.order_by(None).order_by(*(c.asc() if ascending else c.desc() for c in order))
    rows = list(session.execute(query.limit(per_page + 1)).all())
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        return Page(items=rows[::-1], has_next=True, has_previous=more)
    return Page(items=rows, has_next=more, has_previous=anchor is not None)


def tiered_page(
    session: Session,
    tiers: Sequence[tuple[Select, ColumnElement[int]]],
    *,
    anchor: tuple[int, int] | None,
    backwards: bool,
    per_page: int,
) -> Page:
    """One page of several lists shown one after another (the best matches of a search, then
    the next best), each a query and the id column it is ordered by, newest first.

    `anchor` is the edge row's list (its index in `tiers`) and id. Each list is asked only for
    the rows the page still lacks, so a page costs the same wherever it is, and a list that
    fills the page leaves the ones after it unread.
    """
    start, edge_id = anchor if anchor is not None else (0, None)
    order = range(start, -1, -1) if backwards else range(start, len(tiers))
    rows: list[Any] = []
    for index in order:
        query, id_column = tiers[index]
        if index == start and edge_id is not None:
            query = query.where(id_column > edge_id if backwards else id_column < edge_id)
        query = query.order_by(None).order_by(id_column.asc() if backwards else id_column.desc())
        rows += session.execute(query.limit(per_page + 1 - len(rows))).all()
        if len(rows) > per_page:
            break
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        return Page(items=rows[::-1], has_next=True, has_previous=more)
    return Page(items=rows, has_next=more, has_previous=anchor is not None)
