"""Merged cells that reach below the header: refused, or filled when the user asks.

People merge a department's name over the block of rows it owns. A reader sees the value in
the block's first row and blanks below it, so those rows, imported as they are, would silently
lose their department. A merged range reaching the data rows is therefore refused, naming its
column and rows, unless the user ticks "Fill merged cells": then every row of the range gets
the value of its top-left cell, in that cell's column. A merge within one row (a title over the
columns above the header, a name over two cells) shows its value in its first cell, where the
reader finds it, so it needs nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from imports.errors import ImportRejected
from imports.table import MergedRange, Table

_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+):\$?([A-Z]{1,3})\$?([0-9]+)")


class MergedCells(ImportRejected):
    """Merged cells reach the data rows; `fillable` unless a heading is merged into them."""

    def __init__(self, message: str, *, column: str, first: int, last: int, fillable: bool):
        super().__init__(message)
        self.column, self.first, self.last, self.fillable = column, first, last, fillable


def merged_range(ref: str) -> MergedRange | None:
    """The range of a reference such as "B4:B9", if it spans rows."""
    found = _RANGE.fullmatch(ref.strip().upper())
    if found is None:
        return None
    first, last = sorted((int(found.group(2)), int(found.group(4))))
    if first == last:
        return None
    columns = (column_index_from_string(found.group(1)), column_index_from_string(found.group(3)))
    return MergedRange(first, last, min(columns) - 1)


def settle_merged(table: Table, ranges: Iterable[MergedRange], *, fill: bool) -> None:
    """Fill the ranges reaching the table's data rows if asked; keep the rest on the table
    (`table.merged`), for `refuse_merged`. A heading merged down into the data is never
    filled (its value names the column), and a range whose top-left cell is empty shows
    nothing in the sheet either, so it is left alone."""
    numbers = [number for number, _ in table.rows]
    for merged in sorted(set(ranges)):
        if merged.last_row <= table.header_row or merged.column >= len(table.headers):
            continue  # above the header (a title), or in a column the table leaves out
        if merged.first_row <= table.header_row:
            table.merged.append(merged)
            continue
        first = bisect_left(numbers, merged.first_row)
        if first == len(numbers) or numbers[first] != merged.first_row:
            continue  # the top-left cell's row is blank
        value = table.rows[first][1][merged.column]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not fill:
            table.merged.append(merged)
            continue
        column = merged.column
        for index in range(first + 1, bisect_right(numbers, merged.last_row)):
            number, cells = table.rows[index]
            if cells[column] is None:
                table.rows[index] = (number, (*cells[:column], value, *cells[column + 1 :]))
        table.merged_filled += 1


def refuse_merged(table: Table) -> None:
    """MergedCells, naming the first merged range left on the table, if there is one."""
    if not table.merged:
        return
    merged = table.merged[0]
    column = table.headers[merged.column] or get_column_letter(merged.column + 1)
    if merged.first_row <= table.header_row:
        first = table.header_row + 1
        message = _l("The heading %(column)s is merged with rows %(first)d–%(last)d below it: "
                     "unmerge it.", column=column, first=first, last=merged.last_row)  # fmt: skip
        raise MergedCells(str(message), column=column, first=first, last=merged.last_row,
                          fillable=False)  # fmt: skip
    message = _l("Merged cells in column %(column)s, rows %(first)d–%(last)d: unmerge them, or "
                 "tick “Fill merged cells” to use the value for every row.", column=column,
                 first=merged.first_row, last=merged.last_row)  # fmt: skip
    raise MergedCells(str(message), column=column, first=merged.first_row, last=merged.last_row,
                      fillable=True)  # fmt: skip
