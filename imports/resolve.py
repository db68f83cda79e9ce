"""What the departments, sites, storerooms, categories and conditions a file names are in ours.

Each distinct value of the file is resolved once, and its rows hold it (`RowPlan.fields`):
- a storeroom is its site's: with a site on the row, a name is looked for at that site only
  ("Vinden" at Rudsskolan is not "Vinden" at Östra skolan); without one, the name must be
  unique in the organisation, else the row is an error naming the sites it could be. A code
  is unique everywhere, but must be at the row's site if the row names one;
- a category may be written as its path ("Möbler > Stolar", "Furniture/Chairs"), followed down
  the tree; a name found at two places in the tree is ambiguous, never guessed;
- a value that is not ours may be *near* one of ours ("Facility", "Facilities": see
  imports/similar.py): the user says which it is, or that it is new, in the preview;
- the user's choices in the preview win, then what the value plainly is, then a choice
  remembered from an earlier import (imports.models.ValueChoice).
A new place is created only when "create missing" is ticked, and only if a row that is
imported names it (imports/missing_places.py).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from imports.condition_words import condition_word
from imports.places import Places
from imports.similar import is_near, same_key
from inventory.models import Condition

KINDS = ("site", "storeroom", "department", "category", "condition")  # sites before storerooms
NEW = "new"  # the choice "create it", beside the ids of ours
_PATH = re.compile(r"\s*(?:>|/|\\|»|→)\s*")


class Status(enum.StrEnum):
    FOUND = "found"  # one of ours, by its name or code
    CHOSEN = "chosen"  # one of ours, as the user chose (now, or remembered from before)
    NEW = "new"  # not ours: created by "create missing"
    NEAR = "near"  # not ours, but near one of ours: the user says which, or that it is new
    AMBIGUOUS = "ambiguous"  # the name of several of ours: the user says which
    ELSEWHERE = "elsewhere"  # a storeroom's code, but of a storeroom at another site
    UNKNOWN = "unknown"  # a condition word we do not know: the user says what it means


RESOLVED = (Status.FOUND, Status.CHOSEN)


@dataclass(eq=False, slots=True)
class Value:
    """One distinct value of a kind in the file, what it is in ours, and the rows naming it."""

    kind: str
    text: str  # as first written in the file
    key: str  # the folded value: choices are kept under it
    site: Value | None = None  # a storeroom's site, when its rows name one
    rows: int = 0
    status: Status = Status.NEW
    target: int | str | None = None  # the place's id; a condition's value
    options: list[int] = field(default_factory=list)  # the near or same-named places
    path: list[str] = field(default_factory=list)  # a new category: names to create...
    parent: int | None = None  # ...under this category
    remembered: bool = False  # the choice came from an earlier import
    imported: bool = False  # a row that is imported names it


@dataclass
class Resolver:
    """Resolves the values of one file against our places and the user's choices."""

    places: Places
    choices: dict[str, dict[str, str]]  # kind -> key -> choice, made in this preview
    remembered: dict[str, dict[str, str]]  # the same, from earlier imports
    values: dict[str, dict[str, Value]] = field(default_factory=dict)  # kind -> key -> value

    def value(self, kind: str, text: str, site: Value | None = None) -> Value:
        """The file's value of this kind (one per folded text and site), resolved."""
        key = same_key(text) if site is None else f"{site.key}/{same_key(text)}"
        found = self.values.setdefault(kind, {}).get(key)
        if found is None:
            found = self.values[kind][key] = Value(kind, text, key, site)
            self._resolve(found)
        return found

    def _resolve(self, value: Value) -> None:
        getattr(self, f"_{value.kind}")(value)  # what it is as written
        choice = self.choices.get(value.kind, {}).get(value.key)
        if choice is None and value.status not in RESOLVED:
            choice = self.remembered.get(value.kind, {}).get(value.key)
            value.remembered = choice is not None and self._valid(value.kind, choice)
        if choice == NEW and value.status in (Status.NEW, Status.NEAR):
            value.status, value.target = Status.NEW, None
        elif choice is not None and self._valid(value.kind, choice):
            value.status = Status.CHOSEN
            value.target = choice if value.kind == "condition" else int(choice)

    def _valid(self, kind: str, choice: str) -> bool:
        if kind == "condition":
            return choice in {condition.value for condition in Condition}
        names = {"department": self.places.department_names, "site": self.places.site_names,
                 "storeroom": self.places.room_names, "category": self.places.category_names}  # fmt: skip
        return choice.isdigit() and int(choice) in names[kind]

    # --- each kind as it is written --------------------------------------------------------

    def _department(self, value: Value) -> None:
        self._by_name(value, self.places.department, self.places.department_names)

    def _site(self, value: Value) -> None:
        self._by_name(value, self.places.site, self.places.site_names)

    def _by_name(self, value: Value, ids: dict[str, int], names: dict[int, str]) -> None:
        found = ids.get(same_key(value.text))
        if found is not None:
            value.status, value.target = Status.FOUND, found
        else:
            self._near(value, names)

    def _near(self, value: Value, names: dict[int, str], text: str | None = None) -> None:
        value.options = [id_ for id_, name in names.items() if is_near(text or value.text, name)]
        value.status = Status.NEAR if value.options else Status.NEW

    def _storeroom(self, value: Value) -> None:
        places, key, site = self.places, same_key(value.text), value.site
        by_code = places.room_by_code.get(key)
        site_id = site.target if site is not None and site.status in RESOLVED else None
        if by_code is not None:
            elsewhere = site_id is not None and places.room_site[by_code] != site_id
            value.status = Status.ELSEWHERE if elsewhere else Status.FOUND
            value.target = by_code
            return
        named = places.rooms_by_name.get(key, [])
        if site is not None:  # a site that is not ours yet holds none of our storerooms
            named = [id_ for id_ in named if places.room_site[id_] == site_id]
        if len(named) == 1:
            value.status, value.target = Status.FOUND, named[0]
        elif named:
            value.status, value.options = Status.AMBIGUOUS, named
        elif site is None or site_id is not None:
            rooms = {id_: places.room_plain_names[id_] for id_ in places.room_names
                     if site_id is None or places.room_site[id_] == site_id}  # fmt: skip
            self._near(value, rooms)

    def _category(self, value: Value) -> None:
        places = self.places
        named = places.categories_by_name.get(same_key(value.text), [])
        parts = [part for part in _PATH.split(value.text.strip()) if part]
        if not named and len(parts) > 1:
            named = self._by_path(parts)
        if len(named) == 1:
            value.status, value.target = Status.FOUND, named[0]
            return
        if named:
            value.status, value.options = Status.AMBIGUOUS, named
            return
        parts = parts or [value.text.strip()]
        value.parent, value.path = self._deepest(parts)
        self._near(value, places.category_names, text=parts[-1])

    def _by_path(self, parts: list[str]) -> list[int]:
        """The categories whose paths end with these names (a path may start anywhere), each
        level named in any of its languages."""
        wanted = [same_key(part) for part in parts]
        return [id_ for id_ in self.places.categories_by_name.get(wanted[-1], [])
                if self.places.ends_path(id_, wanted)]  # fmt: skip

    def _deepest(self, parts: list[str]) -> tuple[int | None, list[str]]:
        """Where a new category path joins the tree: the deepest category its start names
        without doubt, and the names still to create under it."""
        for size in range(len(parts) - 1, 0, -1):
            found = self._by_path(parts[:size])
            if len(found) == 1:
                return found[0], parts[size:]
        return None, parts

    def _condition(self, value: Value) -> None:
        condition = condition_word(value.text)
        if condition is None:
            value.status = Status.UNKNOWN
        else:
            value.status, value.target = Status.FOUND, condition.value
