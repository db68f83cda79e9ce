"""What a row read from the file does: a new item, an update of the item with its tag (only
the fields that differ), nothing, or errors, each naming its column."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from app.folding import folded
from imports.places import Places
from imports.resolve import KINDS, RESOLVED, Resolver, Status, Value
from imports.row_values import TEXT_LIMITS, ExistingItem, RowPlan
from imports.value_problems import value_problem
from inventory import access, item_states, vocabulary
from inventory.models import Condition, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User

ITEM_PLACES = {
    "department": "department_id",
    "category": "category_id",
    "storeroom": "storeroom_id",
}


def mark_duplicate_tags(rows: list[RowPlan], column: str) -> None:
    """A tag twice in one file is an error for every row that has it."""
    by_tag: dict[str, list[RowPlan]] = defaultdict(list)
    for row in rows:
        if row.tag:
            by_tag[folded(row.tag)].append(row)
    for same in by_tag.values():
        if len(same) > 1:
            numbers = ", ".join(str(row.number) for row in same)
            problem = (
                column,
                str(_l("the tag appears more than once (rows %(rows)s)", rows=numbers)),
            )
            for row in same:
                row.error(problem)


class Judge:
    """What a valid row does to a new or an existing item, with what is the same for every row
    (the user's rights, the file's values resolved) worked out once."""

    def __init__(
        self, places: Places, user: User, headers: dict[str, str], *, create_missing: bool
    ) -> None:
        self.places, self.user, self.headers = places, user, headers
        self.create_missing = create_missing
        self.editable: dict[int, bool] = {}  # by department: all that can_edit_item looks at

    def name_places(self, rows: list[RowPlan], resolver: Resolver) -> None:
        """Point each row at the values it names, resolved once each; a row naming one that
        cannot be used is an error of that value's column. A column at a time, each distinct
        value once: 100,000 rows name a few dozen places."""
        for kind in KINDS:
            if kind not in self.headers:
                continue  # no column gives this kind of value
            texts = [row.fields.get(kind) for row in rows]
            sites = [row.fields.get("site") for row in rows] if kind == "storeroom" else None
            found: dict[Any, Value] = {}
            for pair, count in Counter(_named(texts, sites)).items():
                text, site = pair if sites else (pair, None)
                if text is not None:
                    found[pair] = value = resolver.value(kind, text, site)
                    value.rows += count
            named = list(map(found.get, _named(texts, sites)))
            if kind != "condition":
                for row, value in zip(rows, named, strict=True):
                    if value is not None:
                        row.fields[kind] = value
            self._refuse_or_settle(rows, named, kind)

    def _refuse_or_settle(self, rows: list[RowPlan], named: list[Value | None], kind: str) -> None:
        """Errors for the rows naming a value that cannot be used (a site only matters to a
        row with a storeroom); conditions' words made our conditions."""
        problems = {value: self._problem(value) for value in set(named) if value is not None}
        if any(problems.values()):
            column = self.headers[kind]
            refusals = {value: (column, problem) for value, problem in problems.items() if problem}
            for row, value in zip(rows, named, strict=True):
                refusal = refusals.get(value)
                if refusal is not None and (kind != "site" or "storeroom" in row.fields):
                    row.error(refusal)
        if kind == "condition":
            conditions = {v: Condition(v.target) for v in problems if not problems[v] and v.target}
            for row, value in zip(rows, named, strict=True):
                if value in conditions:
                    row.fields["condition"] = conditions[value]

    def _problem(self, value: Value) -> str | None:
        """Why rows naming this value cannot be imported, or None."""
        department = value.kind == "department"
        if department and not access.can_choose_department(self.user):
            own = value.status in RESOLVED and value.target == self.user.department_id
            if not own:
                return str(_l("you may import only into your own department"))
        if value.status == Status.NEW and self.create_missing:
            if access.can_manage_places(self.user):
                return None
            return str(_l("only facility managers and admins may create what is missing"))
        return value_problem(value, self.places, create_missing=self.create_missing)

    def new(self, row: RowPlan) -> None:
        if "place" in row.fields or "position" in row.fields:
            self._settle_place(row, in_storeroom="storeroom" in row.fields)
        if not row.fields.get("name"):
            if "name" in self.headers:
                row.error((self.headers["name"], str(_l("a new item needs a name"))))
            else:
                row.error(("", str(NO_NAME_COLUMN)))
        row.action = "error" if row.errors else "new"

    def update(self, row: RowPlan, item: ExistingItem) -> None:
        row.item_id, row.current = item.id, item
        column = self.headers.get("tag", "")
        editable = self.editable.get(item.department_id)
        if editable is None:
            editable = self.editable[item.department_id] = access.can_edit_item(self.user, item)
        if not editable:
            row.error((column, str(_l("this tag belongs to another department's item"))))
        elif item.status == ItemStatus.DISPOSED:
            row.error((column, str(_l("this item has been disposed of"))))
        if row.errors:
            row.action = "error"
            return
        fields, changes = row.fields, {}
        if "place" in fields or "position" in fields:
            in_storeroom = "storeroom" in fields or item.storeroom_id is not None
            self._settle_place(row, in_storeroom=in_storeroom)
        for name, new in fields.items():
            column = ITEM_PLACES.get(name)
            if column is not None:  # a place the item points at: compared by id
                current = getattr(item, column)
                if new.target is None or new.target != current:
                    before = None if current is None else self.places.label(name, current)
                    changes[name] = (before, new.text)
            elif name != "site" and getattr(item, name) != new:
                changes[name] = (getattr(item, name), new)
        if "storeroom" in changes and "position" not in row.fields and item.position:
            changes["position"] = (item.position, "")  # a new storeroom, no shelf given
        merged = {**(item.extra or {}), **row.extra}
        if merged != (item.extra or {}):
            changes["extra"] = (item.extra, merged)
        refusal = self._refusal(item, changes) if changes else None
        if refusal is not None:
            row.error(refusal)
        elif changes:
            row.changes = changes
        row.action = "error" if row.errors else "update" if changes else "unchanged"

    def _settle_place(self, row: RowPlan, *, in_storeroom: bool) -> None:
        """A place on a row of an item in a storeroom is where in it (a shelf, a pallet: a
        stock list's "Placering" beside its "Förråd"); a position on a row of an item in use
        is where it is used. An item is never both in a storeroom and at a place; what would
        be both is kept as an extra attribute, never dropped."""
        fields = row.fields
        have, want = ("place", "position") if in_storeroom else ("position", "place")
        if have not in fields:
            return
        value, column = fields.pop(have), self.headers[have]
        if want in fields:
            row.keep_extra(column, value)
        elif len(value) > TEXT_LIMITS[want]:
            row.error((column, str(_l("%(field)s longer than %(n)d characters",
                                      field=column, n=TEXT_LIMITS[want]))))  # fmt: skip
        else:
            fields[want] = value

    def _refusal(
        self, item: ExistingItem, changes: dict[str, tuple[Any, Any]]
    ) -> tuple[str, str] | None:
        """Why the item cannot take these changes now, with the column to blame."""
        if "storeroom" in changes and item.status not in item_states.ACTIVE:
            status = vocabulary.STATUS[item.status]
            return self.headers["storeroom"], str(
                _l("This item cannot be moved now. Its status: %(s)s.", s=status)
            )
        bound = [name for name in item_states.HELD_FIELDS if name in changes]
        if bound and item.status in (ItemStatus.OFFERED, ItemStatus.RESERVED):
            return self.headers.get(bound[0], ""), str(_l(
                "this item is offered for reuse: its quantity and department stay until its "
                "listing is withdrawn or closed"))  # fmt: skip
        return None


def _named(texts: list[Any], sites: list[Any] | None) -> Iterable[Any]:
    """What rows name of a kind: a text, or a storeroom's (text, site). Made when asked, not
    kept: 200,000 pairs are 11 MB."""
    return zip(texts, sites, strict=True) if sites else texts


NO_NAME_COLUMN = _l("a new item needs a name, and no column holds names")
