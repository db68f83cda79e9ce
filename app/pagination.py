"""Keyset-free, count-free pagination: fetch one row more than a page to know if there is a next.

Counting every match of a common word over 100,000 items costs more than the page itself,
so lists show "next" instead of a page count.
"""

from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import Select
from sqlalchemy.orm import Session

MAX_PAGE = 100_000


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


def page_number() -> int:
    """The ?page= argument; anything but a positive whole number is a 404."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(404)
    return int(raw)


def paginate(session: Session, query: Select, *, number: int, per_page: int) -> Page:
    rows = session.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)).all()
    return Page(
        items=list(rows[:per_page]), number=number, per_page=per_page, has_next=len(rows) > per_page
    )
