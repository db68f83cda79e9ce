"""What the preview page shows of a checked file, kept on its batch as JSON: counts, every
error, the file's values and what they are, the first rows as they will be saved, guesses for
unknown columns, and what is wrong with the file as a whole."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import ngettext

from imports.content_guess import content_guesses
from imports.plan import Plan
from imports.row_checks import NO_NAME_COLUMN
from imports.table import Table
from imports.values_summary import resolved_fields, values_summary
from inventory.item_history import history_value

SAMPLE_ROWS = 10  # "the first rows as they will be saved"
SHOWN_WARNINGS = 1000


def summary(table: Table, plan: Plan, mapping: list[str]) -> dict[str, Any]:
    """The preview of a table read through `mapping`, as the batch page shows it."""
    return {
        "counts": plan.counts,
        "problems": file_problems(table, plan),
        "errors": [list(error) for error in plan.errors],
        "warnings": [
            [row.number, column, str(reason)]
            for row in plan.rows
            for column, reason in row.warnings
        ][:SHOWN_WARNINGS],
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
