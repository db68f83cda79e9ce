"""Departments, categories, sites and storerooms as a file names them: by folded name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.models import Category, Department, Site, Storeroom

PLACE_FIELDS = ("department", "category", "site", "storeroom")


@dataclass
class Places:
    """Existing departments, categories, sites and storerooms by folded name (and code)."""

    department: dict[str, Department]
    category: dict[str, Category]
    site: dict[str, Site]
    storeroom: dict[str, Storeroom]


@lru_cache(maxsize=8_192)  # a file names the same few places on every row
def key(name: str) -> str:
    return " ".join(name.split()).casefold()


def load_places(session: Session) -> Places:
    rooms: dict[str, Storeroom] = {}
    for room in session.scalars(select(Storeroom)):
        rooms.setdefault(key(room.code), room)
        rooms.setdefault(key(room.name), room)
    return Places(
        department={key(d.name): d for d in session.scalars(select(Department))},
        category={key(c.name): c for c in session.scalars(select(Category).order_by(Category.id))},
        site={key(s.name): s for s in session.scalars(select(Site))},
        storeroom=rooms,
    )
