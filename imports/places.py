"""Our departments, sites, storerooms and categories, indexed the ways a file names them.

Read once per check (a few small tables) and kept as plain ids and names, so that every row's
lookup is a dict's: the ORM's attributes would cost more than the whole lookup.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from imports.similar import same_key
from inventory.models import Category, Department, Site, Storeroom

PLACE_FIELDS = ("department", "category", "site", "storeroom")


@dataclass
class Places:
    """Ids by the folded names (and storeroom codes) a file may use, and names by id."""

    department: dict[str, int] = field(default_factory=dict)
    site: dict[str, int] = field(default_factory=dict)
    room_by_code: dict[str, int] = field(default_factory=dict)
    rooms_by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    categories_by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # by id: what history and the preview call them
    department_names: dict[int, str] = field(default_factory=dict)
    site_names: dict[int, str] = field(default_factory=dict)
    room_names: dict[int, str] = field(default_factory=dict)  # "B1 Basement", as history shows
    room_site: dict[int, int] = field(default_factory=dict)
    room_plain_names: dict[int, str] = field(default_factory=dict)
    category_names: dict[int, str] = field(default_factory=dict)
    category_parent: dict[int, int | None] = field(default_factory=dict)
    category_keys: dict[int, tuple[str, ...]] = field(default_factory=dict)  # every name's key

    def add_department(self, id_: int, name: str) -> None:
        self.department.setdefault(same_key(name), id_)
        self.department_names[id_] = name

    def add_site(self, id_: int, name: str) -> None:
        self.site.setdefault(same_key(name), id_)
        self.site_names[id_] = name

    def add_storeroom(self, id_: int, code: str, name: str, site_id: int) -> None:
        self.room_by_code.setdefault(same_key(code), id_)
        self.rooms_by_name[same_key(name)].append(id_)
        self.room_names[id_] = f"{code} {name}"
        self.room_plain_names[id_] = name
        self.room_site[id_] = site_id

    def add_category(
        self, id_: int, name: str, parent_id: int | None, names: dict[str, str] | None = None
    ) -> None:
        """A category, found by its main name and by its name in each language (a Danish list
        names "Kontorstol" what is "Kontorsstol" here); shown by its main name."""
        keys = tuple(dict.fromkeys(same_key(text) for text in (name, *(names or {}).values())))
        for key in keys:
            self.categories_by_name[key].append(id_)
        self.category_keys[id_] = keys
        self.category_names[id_] = name
        self.category_parent[id_] = parent_id

    def ends_path(self, id_: int, keys: list[str]) -> bool:
        """Whether the category's path ends with these names (keys), each level named in any
        of its languages."""
        node: int | None = id_
        for key in reversed(keys):
            if node is None or key not in self.category_keys[node]:
                return False
            node = self.category_parent[node]
        return True

    def category_path(self, id_: int) -> list[str]:
        """The names from the root down to this category."""
        names: list[str] = []
        node: int | None = id_
        while node is not None:
            names.append(self.category_names[node])
            node = self.category_parent[node]
        return names[::-1]

    def category_label(self, id_: int) -> str:
        return " > ".join(self.category_path(id_))

    def room_label(self, id_: int) -> str:
        """A storeroom as the preview names it: "Vinden (Rudsskolan)"."""
        return f"{self.room_plain_names[id_]} ({self.site_names[self.room_site[id_]]})"

    def choices(self, kind: str) -> list[tuple[str, str]]:
        """(id, name) of every place of a kind, by name, for the preview's choices; storerooms
        with their site and code, categories by path."""
        ids = {"department": self.department_names, "site": self.site_names,
               "storeroom": self.room_names, "category": self.category_names}[kind]  # fmt: skip
        if kind == "storeroom":
            labels = {id_: f"{self.room_label(id_)} · {self.room_names[id_].split(' ', 1)[0]}"
                      for id_ in ids}  # fmt: skip
        else:
            labels = {id_: self.label(kind, id_) for id_ in ids}
        return sorted(((str(id_), label) for id_, label in labels.items()),
                      key=lambda pair: pair[1].casefold())  # fmt: skip

    def label(self, kind: str, id_: int) -> str:
        """How history names a place of this kind (a category by its path)."""
        if kind == "department":
            return self.department_names[id_]
        if kind == "site":
            return self.site_names[id_]
        if kind == "storeroom":
            return self.room_names[id_]
        return self.category_label(id_)


def load_places(session: Session) -> Places:
    places = Places()
    for department in session.execute(select(Department.id, Department.name)):
        places.add_department(*department)
    for site in session.execute(select(Site.id, Site.name)):
        places.add_site(*site)
    rooms = select(Storeroom.id, Storeroom.code, Storeroom.name, Storeroom.site_id)
    for room in session.execute(rooms.order_by(Storeroom.id)):
        places.add_storeroom(*room)
    categories = select(Category.id, Category.name, Category.parent_id, Category.names)
    categories = categories.order_by(Category.id)
    for category in session.execute(categories):
        places.add_category(*category)
    return places
