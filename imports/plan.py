"""The preview of an import: what every row would do, before anything changes.

`plan_import` reads each row through the mapping, normalises its values, matches its tag to an
existing item and its department, storeroom, site and category to existing ones by name
(ignoring case), and says per row: new, updated (with the fields that differ), unchanged or
error (with every error's column and a plain reason). Committing (imports/commit.py) writes
exactly what the plan says.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from imports import values
from imports.mapping import EXTRA, IGNORE
from imports.reading import Table, Uncalculated
from inventory import access
from inventory.models import Category, Department, Item, Site, Storeroom

if TYPE_CHECKING:
    from app.auth.models import User

PLACE_FIELDS = ("department", "category", "site", "storeroom")
TEXT_LIMITS = {
    "name": 200,
    "serial_number": 120,
    "manufacturer": 120,
    "model": 120,
    "place": 200,
    "notes": 10_000,
    "department": 200,
    "category": 200,
    "site": 200,
    "storeroom": 200,
}
LOOKUP_CHUNK = 500


@dataclass
class RowPlan:
    number: int  # the row in the file
    action: str = "new"  # new, update, unchanged, error
    tag: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # parsed item fields (names for places)
    extra: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    item_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Places:
    """Existing departments, categories, sites and storerooms by folded name (and code)."""

    department: dict[str, Department]
    category: dict[str, Category]
    site: dict[str, Site]
    storeroom: dict[str, Storeroom]


@dataclass
class Plan:
    rows: list[RowPlan]
    missing: dict[str, list[str]]  # kind -> names to create (as first written in the file)
    places: Places

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        return [(row.number, column, reason) for row in self.rows for column, reason in row.errors]


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


def _read_cell(target: str, cell: Any, header: str, epoch: datetime | None) -> Any:
    """One cell as the field's value; ValueProblem says why not."""
    if isinstance(cell, Uncalculated):
        raise values.ValueProblem(
            _l("value not calculated (formula); open and save in Excel or paste values")
        )
    if target == "quantity":
        return values.parse_quantity(cell)
    if target == "condition":
        return values.parse_condition(cell)
    if target == "purchase_date":
        return values.parse_date(cell, epoch=epoch)
    if target in ("purchase_price", "replacement_value"):
        return values.parse_money(cell)
    return values.parse_text(cell, max_length=TEXT_LIMITS[target], field_label=header)


def _extra_value(cell: Any) -> Any:
    """An unmapped cell as a JSON value kept under the column's name."""
    if isinstance(cell, Uncalculated):
        raise values.ValueProblem(
            _l("value not calculated (formula); open and save in Excel or paste values")
        )
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, (bool, int, float)):
        return cell
    return values.parse_text(cell, max_length=2_000, field_label="")


def read_rows(table: Table, mapping: list[str]) -> list[RowPlan]:
    """Every data row's values through the mapping, with an error per unreadable cell."""
    rows = []
    for number, cells in table.rows:
        row = RowPlan(number)
        for header, target, cell in zip(table.headers, mapping, cells, strict=False):
            if target == IGNORE:
                continue
            try:
                if target == EXTRA:
                    value = _extra_value(cell)
                    if value not in (None, ""):
                        row.extra[header] = value
                elif target == "tag":
                    row.tag, warning = values.parse_identifier(cell)
                    if warning:
                        row.warnings.append((header, str(warning)))
                else:
                    value = _read_cell(target, cell, header, table.epoch)
                    if value is not None:
                        row.fields[target] = value
            except values.ValueProblem as problem:
                row.errors.append((header, str(problem)))
        rows.append(row)
    return rows


def _mark_duplicate_tags(rows: list[RowPlan], column: str) -> None:
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


def _existing_items(session: Session, tags: list[str]) -> dict[str, Item]:
    found: dict[str, Item] = {}
    for start in range(0, len(tags), LOOKUP_CHUNK):
        chunk = [tag.lower() for tag in tags[start : start + LOOKUP_CHUNK]]
        for item in session.scalars(select(Item).where(func.lower(Item.tag).in_(chunk))):
            found[item.tag.casefold()] = item
    return found


def plan_import(
    session: Session,
    table: Table,
    mapping: list[str],
    *,
    user: User,
    create_missing: bool,
) -> Plan:
    """What committing would do, row by row; nothing is written."""
    rows = read_rows(table, mapping)
    tag_column = next((h for h, t in zip(table.headers, mapping, strict=False) if t == "tag"), "")
    _mark_duplicate_tags(rows, tag_column)
    headers = {target: header for header, target in zip(table.headers, mapping, strict=False)}
    places = load_places(session)
    missing: dict[str, dict[str, str]] = {kind: {} for kind in PLACE_FIELDS}
    items = _existing_items(session, [row.tag for row in rows if row.tag])
    for row in rows:
        for kind in PLACE_FIELDS:
            name = row.fields.get(kind)
            if name and key(name) not in getattr(places, kind):
                missing[kind].setdefault(key(name), name)
                if not create_missing:
                    row.errors.append((headers[kind], str(_missing_reason(kind, name))))
        item = items.get(row.tag.casefold()) if row.tag else None
        if row.errors:
            row.action = "error"
        elif item is not None:
            _plan_update(row, item, places, user, headers)
        else:
            _plan_new(row, places, user, headers)
    return Plan(rows, {kind: list(names.values()) for kind, names in missing.items()}, places)


def _missing_reason(kind: str, name: str):
    reasons = {
        "department": _l("no department called %(name)s (tick “create missing”)", name=name),
        "category": _l("no category called %(name)s (tick “create missing”)", name=name),
        "site": _l("no site called %(name)s (tick “create missing”)", name=name),
        "storeroom": _l("no storeroom called %(name)s (tick “create missing”)", name=name),
    }
    return reasons[kind]


def _plan_new(row: RowPlan, places: Places, user: User, headers: dict[str, str]) -> None:
    if not row.fields.get("name"):
        row.errors.append((headers.get("name", ""), str(_l("a new item needs a name"))))
    department = row.fields.get("department")
    own = key(user.department.name) if user.department else None
    if department and key(department) != own and not access.can_choose_department(user):
        row.errors.append(
            (headers["department"], str(_l("you may import only into your own department")))
        )
    row.action = "error" if row.errors else "new"


def _plan_update(
    row: RowPlan, item: Item, places: Places, user: User, headers: dict[str, str]
) -> None:
    row.item_id = item.id
    column = headers.get("tag", "")
    if not access.can_edit_item(user, item):
        row.errors.append((column, str(_l("this tag belongs to another department's item"))))
    elif item.is_disposed:
        row.errors.append((column, str(_l("this item has been disposed of"))))
    if row.errors:
        row.action = "error"
        return
    for name, new in row.fields.items():
        if name in PLACE_FIELDS:
            current = getattr(item, f"{name}_id", None) if name != "site" else None
            target = getattr(places, name).get(key(new))
            if name == "site" or (target is not None and target.id == current):
                continue
            old = getattr(item, name)
            row.changes[name] = (old.name if old else None, new)
        elif getattr(item, name) != new:
            row.changes[name] = (getattr(item, name), new)
    merged = {**(item.extra or {}), **row.extra}
    if merged != (item.extra or {}):
        row.changes["extra"] = (item.extra, merged)
    row.action = "update" if row.changes else "unchanged"
