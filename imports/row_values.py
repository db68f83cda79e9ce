"""Each data row read through the mapping: its item fields, extra attributes and tag, and an
error naming the column for every cell that cannot be used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from flask_babel import lazy_gettext as _l

from imports import values
from imports.mapping import EXTRA, IGNORE
from imports.progress import PROGRESS_EVERY, Progress
from imports.table import Table, Uncalculated

TEXT_LIMITS = {
    "name": 200,
    "serial_number": 120,
    "manufacturer": 120,
    "model": 120,
    "position": 100,
    "place": 200,
    "notes": 10_000,
    "department": 200,
    "category": 200,
    "site": 200,
    "storeroom": 200,
    "condition": 100,  # a word, resolved with the file's other values (imports/resolve.py)
}
MEMO_LIMIT = 20_000  # distinct cells remembered per column (most columns repeat a few values)
# A column whose distinct cells pass this share of its rows read so far (names, serial numbers,
# notes) is no longer remembered: nothing repeats to save, and remembering every cell of a wide
# sheet of distinct texts cost more than the sheet itself.
DISTINCT_SHARE = 0.5


# An existing item's columns that an import compares and writes from: a named tuple made per
# import (the columns follow the mapping) by imports/plan.py. Its attributes are read a million
# times when 100,000 rows update, and a Row's cost ten times more.
ExistingItem = tuple


NO_FIELDS: dict[str, Any] = {}  # a refused row's fields once the check is done; never changed
NO_CHANGES: dict[str, tuple[Any, Any]] = {}  # a row's changes until it updates an item


@dataclass(slots=True)
class RowPlan:
    """One row's plan. Its errors, warnings, extra attributes and changes are made when the row
    first has some (`error`, `warn`, `keep_extra`): a check holds 200,000 of these at once, and
    four empty lists and dicts made a third of each."""

    number: int  # the row in the file
    action: str = "new"  # new, update, unchanged, error
    tag: str | None = None
    # Parsed item fields; a department, site, storeroom or category as the file's value it
    # resolved to (imports/resolve.Value), a condition as ours once its word is known.
    fields: dict[str, Any] = field(default_factory=dict)
    # The extra attributes as (column, value, column, value, ...): a tuple of two takes a third
    # of what a dict of one key does (`extra` makes the dict).
    extra_items: tuple[Any, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()  # (column, reason)
    warnings: tuple[tuple[str, str], ...] = ()
    item_id: int | None = None
    # field -> (before, after), for a row that updates an item
    changes: dict[str, tuple[Any, Any]] = field(default_factory=lambda: NO_CHANGES)
    current: ExistingItem | None = (
        None  # the item's columns as planned from; commit writes from these
    )

    def error(self, problem: tuple[str, str]) -> None:
        """Refuse the row: (the column to blame, the reason); one tuple may serve many rows."""
        self.errors = (*self.errors, problem)

    def warn(self, column: str, reason: str) -> None:
        self.warnings = (*self.warnings, (column, reason))

    @property
    def extra(self) -> dict[str, Any]:
        """The row's extra attributes, column name -> value (a dict made on each call)."""
        items = self.extra_items
        return dict(zip(items[::2], items[1::2], strict=True))

    def keep_extra(self, column: str, value: Any) -> None:
        """Keep a value as an extra attribute under its column's name."""
        extra = self.extra
        extra[column] = value
        self.extra_items = tuple(item for pair in extra.items() for item in pair)


def _parser(target: str, header: str, epoch: datetime | None) -> Callable[[Any], Any]:
    """The function reading one cell of a column as the field's value; ValueProblem says why not."""
    if target == EXTRA:
        return _extra_value
    if target == "tag":
        return values.parse_identifier
    if target == "quantity":
        return values.parse_quantity
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
        extras: list[tuple[str, list[Any]]] = []
        for index, header, target, parse, memo in columns:
            outcomes = _outcomes(list(map(itemgetter(index), lines)), parse, memo)
            if target == EXTRA:
                extras.append((header, _extra_values(plans, header, outcomes)))
            else:
                _take(plans, header, target, outcomes)
        if extras:
            _keep_extras(plans, extras)
        rows += plans
        _forget_distinct(columns, len(rows))
        if progress and len(rows) % PROGRESS_EVERY == 0:
            progress("checking", len(rows), total)
    return rows


def _forget_distinct(columns: list[tuple[int, str, str, Any, dict]], rows: int) -> None:
    """Stop remembering the columns whose cells hardly repeat."""
    for *_, memo in columns:
        if memo.get(_FORGET) is None and len(memo) > rows * DISTINCT_SHARE:
            memo.clear()
            memo[_FORGET] = True


_FORGET = object()  # in a column's memo: remember no more of its cells


def _outcomes(
    cells: list[Any], parse: Callable[[Any], Any], memo: dict[Any, tuple[Any, str | None]]
) -> list[tuple[Any, str | None]]:
    """Each cell read (see _outcome), each distinct cell once (typed: 1 is not True)."""
    if _FORGET in memo:
        return [_outcome(parse, cell) for cell in cells]
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
    if target != "tag":
        for row, (value, problem) in pairs:
            if problem is not None:
                row.error((header, problem))
            elif value is not None:
                row.fields[target] = value
        return
    for row, (value, problem) in pairs:
        if problem is not None:
            row.error((header, problem))
        else:
            row.tag, warning = value
            if warning:
                row.warn(header, str(warning))


def _extra_values(
    rows: list[RowPlan], header: str, outcomes: list[tuple[Any, str | None]]
) -> list[Any]:
    """A column kept as extra attributes: its values (None where empty), an error naming the
    column for a cell that cannot be kept."""
    kept = []
    for row, (value, problem) in zip(rows, outcomes, strict=True):
        if problem is not None:
            row.error((header, problem))
        kept.append(None if value == "" or problem is not None else value)
    return kept


def _keep_extras(rows: list[RowPlan], extras: list[tuple[str, list[Any]]]) -> None:
    """Put the values of the columns kept as extra attributes on their rows, each row's at once."""
    headers = [header for header, _ in extras]
    columns = zip(*(kept for _, kept in extras), strict=True)
    for row, cells in zip(rows, columns, strict=True):
        row.extra_items = tuple(
            item for pair in zip(headers, cells, strict=True) if pair[1] is not None
            for item in pair
        )  # fmt: skip
