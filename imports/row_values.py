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


# An existing item's columns that an import compares and writes from: a named tuple made per
# import (the columns follow the mapping) by imports/plan.py. Its attributes are read a million
# times when 100,000 rows update, and a Row's cost ten times more.
ExistingItem = tuple


@dataclass(slots=True)
class RowPlan:
    number: int  # the row in the file
    action: str = "new"  # new, update, unchanged, error
    tag: str | None = None
    # Parsed item fields; a department, site, storeroom or category as the file's value it
    # resolved to (imports/resolve.Value), a condition as ours once its word is known.
    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    item_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    current: ExistingItem | None = (
        None  # the item's columns as planned from; commit writes from these
    )


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
