"""What python-calamine cannot tell about an Excel 97-2003 workbook (.xls), read from its records.

The Workbook stream is a run of BIFF records (type and length, two bytes each, then the body):
first the workbook's globals (FILEPASS when the file is encrypted, DATEMODE, a BOUNDSHEET per
sheet with the offset of the sheet's own records), then each sheet's records, from its BOF to
its EOF, charts embedded in it nested between a BOF and an EOF of their own. calamine reads an
error value (a BOOLERR cell, or a formula whose cached result is an error) as empty; here it
is found and given back as its text (#N/A), as openpyxl gives it in an xlsx, with the merged
ranges (MERGEDCELLS). An .xls keeps a cached result for every formula, so none is
uncalculated. calamine reads every sheet when it opens the file, so every sheet is walked
first, once, and one spanning more cells than calamine should allocate refuses the file.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from imports.containers import password_protected, too_large
from imports.table import MergedRange

MAX_CELLS = 20_000_000  # a sheet's span of rows and columns; 16.7 million at most in Excel 97
BOF, EOF, FILEPASS, DATEMODE, BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0022, 0x0085
FORMULA, BOOLERR = 0x0006, 0x0205
Marks = dict[int, dict[int, Any]]
ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, FORMULA}  # row, column first
MULRK, DIMENSIONS, MERGEDCELLS = 0x00BD, 0x0200, 0x00E5


@dataclass(frozen=True)
class XlsBook:
    """Each sheet's error cells and merged ranges (in the workbook's order of sheets, which is
    calamine's), and the day dates count from."""

    sheets: list[tuple[Marks, list[MergedRange]]]
    epoch: datetime


def _records(stream: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """Each record from `start`: its type, and where its body starts and ends."""
    position, size = start, len(stream)
    while position + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, position)
        yield kind, position + 4, min(position + 4 + length, size)
        position += 4 + length


def xls_book(stream: bytes) -> XlsBook:
    """The workbook's sheets as calamine will not tell them; refused if it is encrypted, or
    if a sheet spans more cells than calamine should allocate (CellSpan)."""
    offsets, date1904 = [], False
    for kind, body, end in _records(stream, 0):
        if kind == FILEPASS:
            raise password_protected()
        if kind == DATEMODE and end - body >= 2:
            date1904 = stream[body] == 1
        elif kind == BOUNDSHEET and end - body >= 4:
            offsets.append(struct.unpack_from("<I", stream, body)[0])
        elif kind == EOF:
            break
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    return XlsBook([_sheet(stream, offset) for offset in offsets], epoch)


def _sheet(stream: bytes, start: int) -> tuple[Marks, list[MergedRange]]:
    """The error cells of the sheet whose records begin at `start`, and its merged ranges
    that span rows; its charts' records (a BOF and EOF of their own, nested) left out."""
    errors: Marks = {}
    merges: list[MergedRange] = []
    span, depth = CellSpan(), 0
    for kind, body, end in _records(stream, start):
        if kind in (BOF, EOF):
            depth += 1 if kind == BOF else -1
            if depth <= 0:
                break
        elif depth != 1:
            continue
        elif kind in CELLS and end - body >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            span.add(row, column, column)
            error = _error_of(kind, stream[body:end])
            if error is not None:
                errors.setdefault(row, {})[column] = error
        elif kind == MULRK and end - body >= 6:
            row, first = struct.unpack_from("<HH", stream, body)
            span.add(row, first, struct.unpack_from("<H", stream, end - 2)[0])
        elif kind == DIMENSIONS:
            _check_dimensions(stream[body:end])
        elif kind == MERGEDCELLS and end - body >= 2:
            merges += _merged(stream[body + 2 : end])
    span.check()
    return errors, merges


def _error_of(kind: int, body: bytes) -> str | None:
    """The error a BOOLERR holds, or a FORMULA's cached result (type 2, then 0xFFFF)."""
    if kind == BOOLERR and len(body) >= 8 and body[7] == 1:
        return ERRORS.get(body[6], "#N/A")
    if kind == FORMULA and len(body) >= 14 and body[6] == 2 and body[12:14] == b"\xff\xff":
        return ERRORS.get(body[8], "#N/A")
    return None


def _check_dimensions(body: bytes) -> None:
    """calamine reserves room for the rows and columns DIMENSIONS states, before any cell."""
    if len(body) not in (10, 14):
        return
    form = "<IIHH" if len(body) == 14 else "<HHHH"
    first_row, end_row, first_column, end_column = struct.unpack_from(form, body)
    if end_row < 1 or end_column < 1:
        return
    first_column = 0 if first_column > 0xFF or end_column < first_column else first_column
    rows = (end_row - 1 - first_row) % 2**32 + 1  # as calamine counts them, wrapping
    if rows * ((end_column - 1 - first_column) % 2**32 + 1) > MAX_CELLS:
        raise too_large()


def _merged(refs: bytes) -> list[MergedRange]:
    """MERGEDCELLS' ranges (first and last row, first and last column) that span rows."""
    ranges = struct.iter_unpack("<HHHH", refs[: len(refs) // 8 * 8])
    return [
        MergedRange(top + 1, bottom + 1, left) for top, bottom, left, _ in ranges if bottom > top
    ]


class CellSpan:
    """The rows and columns a sheet's cells span. calamine allocates the whole span at once,
    some 32 bytes a cell, empty or not: two cells far apart in a file of a few hundred bytes
    are billions, and a failed allocation aborts the process. Such a sheet is refused."""

    def __init__(self) -> None:
        self.top = self.left = 2**32
        self.bottom = self.right = -1

    def add(self, row: int, first: int, last: int) -> None:
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, first), max(self.right, last)

    def check(self) -> None:
        if (
            self.bottom >= 0
            and (self.bottom - self.top + 1) * (self.right - self.left + 1) > MAX_CELLS
        ):
            raise too_large()
