"""What python-calamine cannot tell about an Excel 97-2003 workbook (.xls), read from its records.

The Workbook stream is a run of BIFF records (type and length, two bytes each, then the body):
first the workbook's globals (FILEPASS when the file is encrypted, DATEMODE, a BOUNDSHEET per
sheet with the offset of the sheet's own records), then each sheet's records, from its BOF to
its EOF, charts embedded in it nested between a BOF and an EOF of their own. calamine reads an
error value (a BOOLERR cell, or a formula whose cached result is an error) as empty; here it
is found and given back as its text (#N/A), as openpyxl gives it in an xlsx, with the merged
ranges (MERGEDCELLS). An .xls keeps a cached result for every formula, so none is
uncalculated. calamine reads every sheet when it opens the file, so every sheet is walked
first, once, and one spanning more cells than calamine should allocate refuses the file; so
does a workbook whose sheets together would take more than a read may (imports/read_budget.py),
counting a copy of the shared string (SST) for every cell that shows one (LABELSST).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from imports.containers import password_protected, too_large
from imports.read_budget import STRING_BYTES, check_whole_read
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
LABELSST, SST, CONTINUE = 0x00FD, 0x00FC, 0x003C
CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, LABELSST, FORMULA}  # row, column first
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
    if a sheet spans more cells than calamine should allocate (CellSpan), or if reading the
    whole workbook would take more than a read may."""
    offsets, date1904, strings, in_table = [], False, [], False
    for kind, body, end in _records(stream, 0):
        if kind == FILEPASS:
            raise password_protected()
        if kind == DATEMODE and end - body >= 2:
            date1904 = stream[body] == 1
        elif kind == BOUNDSHEET and end - body >= 4:
            offsets.append(struct.unpack_from("<I", stream, body)[0])
        elif kind == EOF:
            break
        if kind == SST or (kind == CONTINUE and in_table):
            strings.append(stream[body:end])
        in_table = kind in (SST, CONTINUE) and (in_table or kind == SST)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    sheets = [_sheet(stream, offset) for offset in offsets]
    longest = longest_string(strings)
    check_whole_read(
        span=sum(sheet.block for sheet in sheets),
        cells=sum(sheet.cells for sheet in sheets),
        text=len(stream) + sum(sheet.strings for sheet in sheets) * (longest + STRING_BYTES),
    )
    return XlsBook([(sheet.marks, sheet.merges) for sheet in sheets], epoch)


@dataclass(frozen=True)
class _Sheet:
    marks: Marks
    merges: list[MergedRange]
    block: int  # the cells between the first and last used one
    cells: int
    strings: int  # cells showing a shared string


def _sheet(stream: bytes, start: int) -> _Sheet:
    """The error cells of the sheet whose records begin at `start`, its merged ranges that
    span rows, and what calamine allocates for it; its charts' records (a BOF and EOF of
    their own, nested) left out."""
    errors: Marks = {}
    merges: list[MergedRange] = []
    span, depth, cells, strings = CellSpan(), 0, 0, 0
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
            cells, strings = cells + 1, strings + (kind == LABELSST)
            error = _error_of(kind, stream[body:end])
            if error is not None:
                errors.setdefault(row, {})[column] = error
        elif kind == MULRK and end - body >= 6:
            row, first = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, end - 2)[0]
            span.add(row, first, last)
            cells += max(last - first + 1, 0)
        elif kind == DIMENSIONS:
            _check_dimensions(stream[body:end])
        elif kind == MERGEDCELLS and end - body >= 2:
            merges += _merged(stream[body + 2 : end])
    span.check()
    return _Sheet(errors, merges, span.block(), cells, strings)


def longest_string(records: list[bytes]) -> int:
    """Bytes the longest string of the shared string table (SST and its CONTINUE records)
    takes as calamine keeps it: UTF-8, at most three bytes a character. A string's characters
    may go on in the next record, which then begins with their flags again; its formatting
    runs and phonetic text follow them."""
    reader, longest = _Records(records), 0
    reader.skip(8)  # the strings in all, and the distinct ones
    while reader.left():
        header = reader.take(3)
        if len(header) < 3:
            break
        count, flags = struct.unpack("<HB", header)
        runs = struct.unpack("<H", reader.take(2))[0] if flags & 0x08 and reader.left() else 0
        extra = struct.unpack("<I", reader.take(4))[0] if flags & 0x04 and reader.left() else 0
        longest = max(longest, count)
        reader.characters(count, wide=bool(flags & 0x01))
        reader.skip(4 * runs + extra)
    return 3 * longest


class _Records:
    """Bytes read across records, as the shared string table is."""

    def __init__(self, records: list[bytes]) -> None:
        self.records, self.index, self.position = records, 0, 0

    def left(self) -> bool:
        while self.index < len(self.records) and self.position >= len(self.records[self.index]):
            self.index, self.position = self.index + 1, 0
        return self.index < len(self.records)

    def take(self, size: int) -> bytes:
        out = b""
        while len(out) < size and self.left():
            record = self.records[self.index]
            piece = record[self.position : self.position + size - len(out)]
            out, self.position = out + piece, self.position + len(piece)
        return out

    def skip(self, size: int) -> None:
        while size > 0 and self.left():
            step = min(size, len(self.records[self.index]) - self.position)
            self.position, size = self.position + step, size - step

    def characters(self, count: int, *, wide: bool) -> None:
        """Skip `count` characters; at a record's end, the next begins with their flags."""
        while count > 0 and self.left():
            record = self.records[self.index]
            step = min(count, (len(record) - self.position) // (2 if wide else 1))
            self.position, count = self.position + step * (2 if wide else 1), count - step
            if count > 0:
                self.index, self.position = self.index + 1, 0
                if self.index < len(self.records) and self.records[self.index]:
                    wide, self.position = bool(self.records[self.index][0] & 0x01), 1


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

    def block(self) -> int:
        """The cells between the first and last used one."""
        if self.bottom < 0:
            return 0
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def add(self, row: int, first: int, last: int) -> None:
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, first), max(self.right, last)

    def check(self) -> None:
        if (
            self.bottom >= 0
            and (self.bottom - self.top + 1) * (self.right - self.left + 1) > MAX_CELLS
        ):
            raise too_large()
