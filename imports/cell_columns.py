"""A workbook's cells made the ones openpyxl gives, a column at a time, and what a table
holds counted as it is read.

A table is held whole until it is checked (imports/header.py), so what it holds is counted as
its cells are made: each distinct object once, as Python sizes it, and each row's tuple. A
table past `TABLE_BYTES` is refused. Counting cells alone (header.MAX_CELLS) bounds a stock
list, whose columns repeat a few values, but not a sheet of distinct texts: 24,000 rows of 100
such columns held 200 MB and took a check to 700 MB.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import zip_longest
from sys import getsizeof
from typing import Any

from flask_babel import lazy_gettext as _l

from imports.errors import ImportRejected

BLOCK_ROWS = 4_096  # rows converted a column at a time
MAX_REMEMBERED = 5_000  # distinct cells of a column converted once and shared
# What a table may hold, as counted here: a check then takes about as much again, and a worker
# checking any upload stays under 400 MB (bench/bench_check_memory.py). A stock list of 200,000
# rows of 12 columns, each with a name and a serial number of its own, holds about 80 MB.
TABLE_BYTES = 150 * 1024 * 1024
ROW_BYTES = 120  # a row's place in the table: its tuple, its number and the pair of them
REMEMBERED_BYTES = 64  # a cell's place among a column's remembered ones, while reading
NONE_BYTES = getsizeof(None)  # None is one object, however many cells are empty


class HeldBytes:
    """What a table holds so far, as counted; ImportRejected once past TABLE_BYTES."""

    def __init__(self) -> None:
        self.held = 0

    def add(self, size: int) -> None:
        self.held += size
        if self.held > TABLE_BYTES:
            raise ImportRejected(
                _l("The file holds too much to check at once. Split it into smaller files, or "
                   "leave out the columns you do not need.")
            )  # fmt: skip


class CellColumns:
    """calamine's cells made openpyxl's a column at a time, each distinct cell of a column
    once: a stock list repeats its conditions, places, quantities and prices on every row, and
    converting 1.2 million cells one by one cost as much as calamine's reading. Equal texts
    come out as one string (calamine makes one per cell), which saves a third of the memory of
    a typical stock list. A column stops remembering its cells past MAX_REMEMBERED distinct
    ones (names, serial numbers, prices): remembering them would double what they take, and
    nothing repeats to save."""

    def __init__(self) -> None:
        self.seen: list[dict[Any, Any]] = []  # per column: cell -> the cell as openpyxl's
        self.held = HeldBytes()

    def read(self, rows: list[list[Any]]) -> list[list[Any]]:
        """These rows' cells as columns (a short row padded with None); ImportRejected once
        the rows read so far hold more than TABLE_BYTES."""
        columns = list(zip_longest(*rows, fillvalue=""))
        self.seen += [{"": None} for _ in range(len(columns) - len(self.seen))]
        read = [self._column(c, seen) for c, seen in zip(columns, self.seen, strict=False)]
        self.held.add(len(rows) * (ROW_BYTES + 8 * len(columns)))
        return read

    def _column(self, cells: tuple[Any, ...], seen: dict[Any, Any]) -> list[Any]:
        if len(seen) > MAX_REMEMBERED or bool in set(map(type, cells)):  # TRUE == 1.0
            made = [None if cell == "" else _cell(cell) for cell in cells]
            self.held.add(sum(map(getsizeof, made)) - NONE_BYTES * made.count(None))
            return made
        new = {cell: _cell(cell) for cell in set(cells).difference(seen)}
        if new:
            seen.update(new)
            self.held.add(sum(map(getsizeof, new.values())) + REMEMBERED_BYTES * len(new))
        return list(map(seen.__getitem__, cells))


def _cell(value: Any) -> Any:
    kind = type(value)
    if kind is float:  # calamine reads every number as float; openpyxl "12" as int
        return int(value) if value.is_integer() and -(2**53) < value < 2**53 else value
    if kind is date:  # openpyxl gives datetime for every date cell
        return datetime(value.year, value.month, value.day)
    return value
