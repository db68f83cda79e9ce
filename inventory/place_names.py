"""Names of categories, departments, sites and storerooms, read whole for a list page.

These tables hold tens to hundreds of rows, next to 100,000 items. Reading each whole, in one
column-only query, fills the list's filter menus and labels every row of the list, so the rows
themselves are plain columns and no related objects are loaded per page.

Categories read in the reader's language where the organisation named them in it: the
language is given, or is the current locale's, as translated words are; an export asks for
the main names (language ""), which the importer reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.formats import reader_language
from inventory.models import Category, Department, Site, Storeroom

MAX_DEPTH = 20  # a category tree deeper than this is broken data, not a taxonomy


@dataclass(frozen=True)
class PlaceNames:
    categories: dict[int, str]  # id -> path such as "Furniture > Chairs", in path order
    departments: dict[int, str]  # in name order
    sites: dict[int, str]  # "name, town", in name order
    storerooms: dict[int, tuple[str, str]]  # id -> (code, name), in code order
    storeroom_sites: dict[int, int]  # storeroom id -> its site's id

    def meta(self, row: Any) -> str:
        """The grey line under an item in a list: category, storeroom and position (or place),
        department."""
        room = self.storerooms.get(row.storeroom_id)
        parts = (
            self.categories.get(row.category_id, ""),
            " ".join(filter(None, (room[0], row.position))) if room else row.place,
            self.departments.get(row.department_id, ""),
        )
        return " · ".join(part for part in parts if part)

    def storerooms_by_site(self) -> dict[str, dict[int, str]]:
        """Each site ("name, town", in name order) with its storerooms as "code · name", in
        code order: a menu of storerooms groups them so, as two sites may each have a
        "Basement" and a code alone says nothing of where the room is."""
        groups: dict[int, dict[int, str]] = {site_id: {} for site_id in self.sites}
        for id_, (code, name) in self.storerooms.items():
            groups[self.storeroom_sites[id_]][id_] = f"{code} · {name}"
        return {self.sites[site_id]: rooms for site_id, rooms in groups.items() if rooms}


def category_paths(rows: list[tuple[int, str, int | None]]) -> dict[int, str]:
    """Each category's full path from (id, name, parent_id) rows, sorted by path."""
    by_id = {id_: (name, parent_id) for id_, name, parent_id in rows}
    paths = {}
    for id_ in by_id:
        names, node = [], id_
        while node in by_id and len(names) < MAX_DEPTH:
            name, node = by_id[node]
            names.append(name)
        paths[id_] = " > ".join(reversed(names))
    return dict(sorted(paths.items(), key=lambda pair: pair[1].lower()))


def load_category_paths(session: Session, *, language: str | None = None) -> dict[int, str]:
    """Every category's path, in `language` (None: the current locale's; "": main names)."""
    language = reader_language() if language is None else language
    rows = session.execute(
        select(Category.id, Category.name, Category.parent_id, Category.names)
    ).all()
    return category_paths(
        [(id_, (names or {}).get(language) or name, parent) for id_, name, parent, names in rows]
    )


def load_place_names(session: Session, *, language: str | None = None) -> PlaceNames:
    """The names of every place, categories in `language` (see load_category_paths)."""
    departments = session.execute(
        select(Department.id, Department.name).order_by(Department.name_key)
    ).all()
    sites = session.execute(select(Site.id, Site.name, Site.town).order_by(Site.name_key)).all()
    storerooms = session.execute(
        select(Storeroom.id, Storeroom.code, Storeroom.name, Storeroom.site_id).order_by(
            Storeroom.code_key
        )
    ).all()
    return PlaceNames(
        categories=load_category_paths(session, language=language),
        departments={id_: name for id_, name in departments},
        sites={id_: f"{name}, {town}" if town else name for id_, name, town in sites},
        storerooms={id_: (code, name) for id_, code, name, _site in storerooms},
        storeroom_sites={id_: site_id for id_, _code, _name, site_id in storerooms},
    )
