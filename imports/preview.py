"""What the preview page shows of a checked file, kept on its batch as JSON: counts, every
error (grouped by column and reason, with the rows that have it), the file's values and what
they are, the first rows as they will be saved, guesses for unknown columns, and what is wrong
with the file as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import accumulate, chain, islice
from operator import sub
from typing import Any

from flask_babel import ngettext

from imports.content_guess import content_guesses
from imports.plan import SAMPLE_ROWS, Plan
from imports.row_checks import NO_NAME_COLUMN
from imports.table import Table
from imports.values_summary import resolved_fields, values_summary
from inventory.item_history import history_value

SHOWN_WARNINGS = 1000


def summary(table: Table, plan: Plan, mapping: list[str]) -> dict[str, Any]:
    """The preview of a table read through `mapping`, as the batch page shows it."""
    return {
        "counts": plan.counts,
        "problems": file_problems(table, plan),
        "error_groups": error_groups(plan),
        "warnings": list(islice(_warnings(plan), SHOWN_WARNINGS)),
        "values": values_summary(plan),
        "sample": [_sample(row, plan) for row in plan.rows[:SAMPLE_ROWS]],
        "first_values": _first_values(table),
        "guesses": {str(index): field for index, field in content_guesses(table, mapping).items()},
        "rows": len(table.rows),
        "sheet": table.sheet,
        "sheets": table.sheets,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "header_row": table.header_row,
        "blank_rows": table.blank_rows,
        "skipped": [list(pair) for pair in table.skipped],
        "merged_filled": table.merged_filled,
    }


def _warnings(plan: Plan) -> Iterator[list[Any]]:
    for row in plan.rows:
        for column, reason in row.warnings:
            yield [row.number, column, str(reason)]


def error_groups(plan: Plan) -> list[list[Any]]:
    """Every error as [column, reason, steps], one entry per column and reason in the order
    they first occur; `steps` are its rows, the first by its number and each next one by how
    far it is from the one before (`rows_of`). 200,000 rows naming departments we do not have
    are a few entries of small numbers: the preview is read at every view of the batch page,
    and a list of every error as [row, column, reason] took a check of such a file 150 MB
    more than all its rows."""
    groups: dict[tuple[str, str], list[int]] = {}
    last: dict[tuple[str, str], int] = {}
    for row in plan.rows:
        for problem in row.errors:
            steps = groups.get(problem)
            if steps is None:
                groups[problem] = [row.number]
            else:
                steps.append(row.number - last[problem])
            last[problem] = row.number
    return [[column, reason, steps] for (column, reason), steps in groups.items()]


def rows_of(steps: list[int]) -> Iterator[int]:
    """The row numbers of an error group's steps."""
    return accumulate(steps)


def shown_error_groups(preview: dict[str, Any]) -> list[list[Any]]:
    """The error groups the batch page lists: not those of the file as a whole (a missing name
    column), which it says once above them."""
    groups = stored_error_groups(preview)
    return [group for group in groups if group[0]] if preview.get("problems") else groups


def stored_error_groups(preview: dict[str, Any]) -> list[list[Any]]:
    """The error groups of a batch's preview; one kept before errors were grouped holds each
    error as [row, column, reason]."""
    if "error_groups" in preview:
        return preview["error_groups"]
    groups: dict[tuple[str, str], list[int]] = {}
    for number, column, reason in preview.get("errors", []):
        groups.setdefault((column, reason), []).append(number)
    return [[column, reason, [rows[0], *map(sub, rows[1:], rows)]]
            for (column, reason), rows in groups.items()]  # fmt: skip


def row_ranges(steps: list[int], *, shown: int = 12) -> str:
    """A group's rows as the page shows them, rows that follow each other as one run:
    "2–14, 17, 20–25, …"."""
    runs: list[str] = []
    rows = rows_of(steps)
    first = last = next(rows)
    for number in chain(rows, [None]):
        if number is not None and number == last + 1:
            last = number
            continue
        runs.append(str(first) if first == last else f"{first}–{last}")
        if number is not None and len(runs) == shown:
            return ", ".join(runs) + ", …"
        first = last = number
    return ", ".join(runs)


def file_problems(table: Table, plan: Plan) -> list[str]:
    """What is wrong with the file as a whole, said once instead of on every row."""
    unnamed = sum(1 for row in plan.rows if ("", str(NO_NAME_COLUMN)) in row.errors)
    if not unnamed:
        return []
    columns = ", ".join(header for header in table.headers if header)
    problem = ngettext(
        "No column holds the items' names, which new items need (%(num)d row). The file's "
        "columns: %(columns)s. Choose the name column under Columns and check again.",
        "No column holds the items' names, which new items need (%(num)d rows). The file's "
        "columns: %(columns)s. Choose the name column under Columns and check again.",
        unnamed,
        columns=columns,
    )
    return [problem]


def _sample(row, plan: Plan) -> dict[str, Any]:
    fields = resolved_fields(row.fields, plan.places)
    return {
        "row": row.number,
        "action": row.action,
        "tag": row.tag or "",
        "fields": {name: history_value(value) for name, value in fields.items()},
        "extra": row.extra,
    }


def _first_values(table: Table) -> list[str]:
    """Each column's first value, as the mapping table shows it."""
    first = [""] * len(table.headers)
    for _number, cells in table.rows[:50]:
        for index, cell in enumerate(cells[: len(first)]):
            if not first[index] and cell not in (None, ""):
                first[index] = _shown(cell)[:60]
    return first


def _shown(cell: Any) -> str:
    if isinstance(cell, datetime) and cell.time() == datetime.min.time():
        return cell.date().isoformat()  # a date cell, as the user typed it
    return str(cell)
