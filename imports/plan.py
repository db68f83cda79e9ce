"""The preview of an import: what every row would do, before anything changes.

`plan_import` reads each row through the mapping, normalises its values, matches its tag to an
existing item and its department, storeroom, site and category to existing ones by name
(ignoring case), and says per row: new, updated (with the fields that differ), unchanged or
error (with every error's column and a plain reason). Committing (imports/commit.py) writes
exactly what the plan says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from imports import values
from imports.mapping import EXTRA, IGNORE
from imports.merged import refuse_merged
from imports.reading import Table, Uncalculated, gc_paused
from inventory import access, vocabulary
from inventory.models import Category, Department, Item, ItemStatus, Site, Storeroom
from inventory.services import ACTIVE_STATUSES

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
LOOKUP_CHUNK = 5_000  # tags looked up in one query
PROGRESS_EVERY = 2_000  # rows between two progress reports
MEMO_LIMIT = 20_000  # distinct cells remembered per column (most columns repeat a few values)

Progress = Callable[[str, int, int], None]  # (stage, rows done, rows in all)


@dataclass(slots=True)
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
    current: Row | None = None  # the item's columns as planned from; commit writes from these


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


def _parser(target: str, header: str, epoch: datetime | None) -> Callable[[Any], Any]:
    """The function reading one cell of a column as the field's value; ValueProblem says why not."""
    if target == EXTRA:
        return _extra_value
    if target == "tag":
        return values.parse_identifier
    if target == "quantity":
        return values.parse_quantity
    if target == "condition":
        return values.parse_condition
    if target == "purchase_date":
        return lambda cell: values.parse_date(cell, epoch=epoch)
    if target in ("purchase_price", "replacement_value"):
        return values.parse_money
    limit = TEXT_LIMITS[target]
    return lambda cell: values.parse_text(cell, max_length=limit, field_label=header)


def _outcome(parse: Callable[[Any], Any], cell: Any) -> tuple[Any, str | None]:
    """A cell read: (value, None), or (None, the reason it cannot be used)."""
    if isinstance(cell, Uncalculated):
        return None, str(
            _l("value not calculated (formula); open and save in Excel or paste values")
        )
    try:
        return parse(cell), None
    except values.ValueProblem as problem:
        return None, str(problem)


def _extra_value(cell: Any) -> Any:
    """An unmapped cell as a JSON value kept under the column's name."""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, (bool, int, float)):
        return cell
    return values.parse_text(cell, max_length=2_000, field_label="")


def _columns(table: Table, mapping: list[str]) -> list[tuple[int, str, str, Any, dict]]:
    """(index, header, target, parser, the cells read so far) for each column read."""
    return [
        (index, header, target, _parser(target, header, table.epoch), {})
        for index, (header, target) in enumerate(zip(table.headers, mapping, strict=False))
        if target != IGNORE
    ]


def read_rows(
    table: Table, mapping: list[str], *, progress: Progress | None = None
) -> list[RowPlan]:
    """Every data row's values through the mapping, with an error per unreadable cell.

    Rows are read a few thousand at a time and, within those, a column at a time; each column
    remembers the cells it has read: a stock list repeats its conditions, departments,
    storerooms, quantities and prices thousands of times."""
    columns = _columns(table, mapping)
    width, total = len(columns) and columns[-1][0] + 1, len(table.rows)
    rows: list[RowPlan] = []
    for start in range(0, total, PROGRESS_EVERY):
        chunk = table.rows[start : start + PROGRESS_EVERY]
        plans = [RowPlan(number) for number, _ in chunk]
        lines = [cells for _, cells in chunk]
        if lines and min(map(len, lines)) < width:
            lines = [(*cells, *(None,) * (width - len(cells))) for cells in lines]
        for index, header, target, parse, memo in columns:
            cells = list(map(itemgetter(index), lines))
            _take(plans, header, target, _outcomes(cells, parse, memo))
        rows += plans
        if progress and len(rows) % PROGRESS_EVERY == 0:
            progress("checking", len(rows), total)
    return rows


def _outcomes(
    cells: list[Any], parse: Callable[[Any], Any], memo: dict[Any, tuple[Any, str | None]]
) -> list[tuple[Any, str | None]]:
    """Each cell read (see _outcome), each distinct cell once (typed: 1 is not True)."""
    keys = list(zip(map(type, cells), cells, strict=True))
    found = {}
    for key in dict.fromkeys(keys):
        outcome = memo.get(key)
        if outcome is None:
            outcome = _outcome(parse, key[1])
            if len(memo) < MEMO_LIMIT:
                memo[key] = outcome
        found[key] = outcome
    return [found[key] for key in keys]


def _take(
    rows: list[RowPlan], header: str, target: str, outcomes: list[tuple[Any, str | None]]
) -> None:
    """Put a column's values on its rows: into the field, the extra attributes or the tag, or
    an error naming the column."""
    pairs = zip(rows, outcomes, strict=True)
    if target not in (EXTRA, "tag"):
        for row, (value, problem) in pairs:
            if problem is not None:
                row.errors.append((header, problem))
            elif value is not None:
                row.fields[target] = value
        return
    for row, (value, problem) in pairs:
        if problem is not None:
            row.errors.append((header, problem))
        elif target == EXTRA:
            if value not in (None, ""):
                row.extra[header] = value
        else:
            row.tag, warning = value
            if warning:
                row.warnings.append((header, str(warning)))


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


ITEM_COLUMNS = ("id", "tag", "department_id", "category_id", "storeroom_id", "place", "status",
                "version", "extra")  # fmt: skip


def _existing_items(session: Session, tags: list[str], fields: set[str]) -> dict[str, Row]:
    """The items with these tags (ignoring case), as plain rows of the columns an update
    compares (the mapped fields) and writes from."""
    columns = Item.__table__.c
    wanted = [columns[name] for name in (*ITEM_COLUMNS, *sorted(fields)) if name in columns]
    query = select(*wanted).where(func.lower(Item.tag).in_(bindparam("tags", expanding=True)))
    found: dict[str, Row] = {}
    for start in range(0, len(tags), LOOKUP_CHUNK):
        chunk = [tag.lower() for tag in tags[start : start + LOOKUP_CHUNK]]
        for item in session.connection().execute(query, {"tags": chunk}):
            found[item.tag.casefold()] = item
    return found


@gc_paused()
def plan_import(
    session: Session,
    table: Table,
    mapping: list[str],
    *,
    user: User,
    create_missing: bool,
    progress: Progress | None = None,
) -> Plan:
    """What committing would do, row by row; nothing is written, not even what the session
    holds unflushed: a progress callback writing through a connection of its own is then never
    kept waiting by this transaction (SQLite has one writer).

    :param progress: called as progress("checking", rows done, rows in all) every few thousand
        rows and once at the end.
    """
    refuse_merged(table)
    rows = read_rows(table, mapping, progress=progress)
    tag_column = next((h for h, t in zip(table.headers, mapping, strict=False) if t == "tag"), "")
    _mark_duplicate_tags(rows, tag_column)
    headers = {target: header for header, target in zip(table.headers, mapping, strict=False)}
    fields = {target for target in mapping if target not in ITEM_COLUMNS}
    with session.no_autoflush:
        places = load_places(session)
        items = _existing_items(session, [row.tag for row in rows if row.tag], fields)
    judge = _Judge(places, user, headers, create_missing=create_missing)
    judge.places_named(rows)
    for row in rows:
        item = items.get(row.tag.casefold()) if row.tag else None
        if row.errors:
            row.action = "error"
        elif item is not None:
            judge.update(row, item)
        else:
            judge.new(row)
    if progress:
        progress("checking", len(rows), len(rows))
    return Plan(rows, {kind: list(names.values()) for kind, names in judge.missing.items()}, places)


def _missing_reason(kind: str, name: str):
    reasons = {
        "department": _l("no department called %(name)s (tick “create missing”)", name=name),
        "category": _l("no category called %(name)s (tick “create missing”)", name=name),
        "site": _l("no site called %(name)s (tick “create missing”)", name=name),
        "storeroom": _l("no storeroom called %(name)s (tick “create missing”)", name=name),
    }
    return reasons[kind]


class _Judge:
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

    def update(self, row: RowPlan, item: Row) -> None:
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
        row.action = "update" if row.changes else "unchanged"

    def _place_change(self, row: RowPlan, item: Row, name: str, new: str) -> None:
        current = getattr(item, f"{name}_id")
        if current is not None and self.ids[name].get(key(new)) == current:
            return
        row.changes[name] = (self.names[name].get(current), new)
