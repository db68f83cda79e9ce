"""What a row read from the file does: a new item, an update of the item with its tag (only
the fields that differ), nothing, or errors; and the places it names that do not exist yet."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from imports.places import PLACE_FIELDS, Places, key
from imports.row_values import ExistingItem, RowPlan
from inventory import access, vocabulary
from inventory.models import ItemStatus
from inventory.services import ACTIVE_STATUSES, OFFER_BOUND

if TYPE_CHECKING:
    from app.auth.models import User


def mark_duplicate_tags(rows: list[RowPlan], column: str) -> None:
    """A tag twice in one file is an error for every row that has it."""
    by_tag: dict[str, list[RowPlan]] = defaultdict(list)
    for row in rows:
        if row.tag:
            by_tag[row.tag.casefold()].append(row)
    for same in by_tag.values():
        if len(same) > 1:
            numbers = ", ".join(str(row.number) for row in same)
            for row in same:
                row.errors.append(
                    (
                        column,
                        str(_l("the tag appears more than once (rows %(rows)s)", rows=numbers)),
                    )
                )


def _missing_reason(kind: str, name: str):
    reasons = {
        "department": _l("no department called %(name)s (tick “create missing”)", name=name),
        "category": _l("no category called %(name)s (tick “create missing”)", name=name),
        "site": _l("no site called %(name)s (tick “create missing”)", name=name),
        "storeroom": _l("no storeroom called %(name)s (tick “create missing”)", name=name),
    }
    return reasons[kind]


class Judge:
    """What a valid row does to a new or an existing item, with what is the same for every row
    (the user's rights, places by id) worked out once."""

    def __init__(
        self, places: Places, user: User, headers: dict[str, str], *, create_missing: bool
    ) -> None:
        self.places, self.user, self.headers = places, user, headers
        self.create_missing = create_missing
        self.known = {kind: getattr(places, kind) for kind in PLACE_FIELDS}
        self.missing: dict[str, dict[str, str]] = {kind: {} for kind in PLACE_FIELDS}
        self.own = key(user.department.name) if user.department else None
        self.any_department = access.can_choose_department(user)
        self.ids = {  # ORM attributes cost, and every row asks
            kind: {name: place.id for name, place in self.known[kind].items()}
            for kind in PLACE_FIELDS
        }
        self.names = {
            kind: {place.id: place.name for place in self.known[kind].values()}
            for kind in PLACE_FIELDS
        }
        self.editable: dict[int, bool] = {}  # by department: all that can_edit_item looks at

    def places_named(self, rows: list[RowPlan]) -> None:
        """Note the places the rows name that do not exist (to create, as first written in the
        file), or make them errors; each name is looked up once, not on every row."""
        for kind in PLACE_FIELDS:
            if kind not in self.headers:
                continue  # no column gives this kind of place
            names = [row.fields.get(kind) for row in rows]
            unknown = {
                name: str(_missing_reason(kind, name))
                for name in dict.fromkeys(names)
                if name and key(name) not in self.known[kind]
            }
            for name in unknown:
                self.missing[kind].setdefault(key(name), name)
            if unknown and not self.create_missing:
                for row, name in zip(rows, names, strict=True):
                    if name in unknown:
                        row.errors.append((self.headers[kind], unknown[name]))

    def new(self, row: RowPlan) -> None:
        if not row.fields.get("name"):
            row.errors.append((self.headers.get("name", ""), str(_l("a new item needs a name"))))
        department = row.fields.get("department")
        if department and key(department) != self.own and not self.any_department:
            row.errors.append(
                (
                    self.headers["department"],
                    str(_l("you may import only into your own department")),
                )
            )
        row.action = "error" if row.errors else "new"

    def update(self, row: RowPlan, item: ExistingItem) -> None:
        row.item_id, row.current = item.id, item
        column = self.headers.get("tag", "")
        editable = self.editable.get(item.department_id)
        if editable is None:
            editable = self.editable[item.department_id] = access.can_edit_item(self.user, item)
        if not editable:
            row.errors.append((column, str(_l("this tag belongs to another department's item"))))
        elif item.status == ItemStatus.DISPOSED:
            row.errors.append((column, str(_l("this item has been disposed of"))))
        if row.errors:
            row.action = "error"
            return
        for name, new in row.fields.items():
            if name not in PLACE_FIELDS:
                if getattr(item, name) != new:
                    row.changes[name] = (getattr(item, name), new)
            elif name != "site":  # a site is where a new storeroom goes, not an item's field
                self._place_change(row, item, name, new)
        merged = {**(item.extra or {}), **row.extra}
        if merged != (item.extra or {}):
            row.changes["extra"] = (item.extra, merged)
        if "storeroom" in row.changes and item.status not in ACTIVE_STATUSES:
            row.changes.clear()
            row.errors.append(
                (self.headers["storeroom"], str(_l("This item cannot be moved now. Its status: "
                                                   "%(s)s.", s=vocabulary.STATUS[item.status])))
            )  # fmt: skip
            row.action = "error"
            return
        bound = [name for name in OFFER_BOUND if name in row.changes]
        if bound and item.status in (ItemStatus.OFFERED, ItemStatus.RESERVED):
            row.changes.clear()
            row.errors.append((self.headers.get(bound[0], ""), str(_l(
                "this item is offered for reuse: its quantity and department stay until its "
                "listing is withdrawn or closed"))))  # fmt: skip
            row.action = "error"
            return
        row.action = "update" if row.changes else "unchanged"

    def _place_change(self, row: RowPlan, item: ExistingItem, name: str, new: str) -> None:
        current = getattr(item, f"{name}_id")
        if current is not None and self.ids[name].get(key(new)) == current:
            return
        row.changes[name] = (self.names[name].get(current), new)
