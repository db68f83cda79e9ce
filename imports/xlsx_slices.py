"""Reading an xlsx sheet a slice of rows at a time, so that no more of it than a slice is held.

python-calamine reads a sheet whole (imports/read_budget.py). So the sheet's XML is unpacked a
chunk at a time and cut between rows into slices of a few megabytes; each slice goes to
calamine as the sheet of a package of its own (imports/xlsx_package.py), and its rows are
handed on before the next slice is unpacked. When no more rows are wanted (the row cap,
imports/header.py), the rest of the sheet is never unpacked.

A slice is cut only before a row written as spreadsheet programs write it, `<row r="7" ...>`:
calamine then places every cell of the slice where it would in the whole sheet. Before calamine
reads a slice, what it will allocate is estimated: the block its cells span (rows from the
slice's first row to its last, unless a cell lies outside them; columns as far as
imports/xlsx_span.py finds them; a slice with a cell written otherwise than programs write it
is measured tag by tag), its cells, and its texts (a shared string at most the longest). A
slice over the budget is cut in two, and a single row over it refuses the sheet. What calamine
cannot tell (imports/xlsx_xml.py) is read from each slice; the merged ranges, which follow
the rows, once the last slice is read.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

from python_calamine import CalamineSheet

from imports.containers import too_large
from imports.read_budget import READ_BUDGET, STRING_BYTES, estimate
from imports.table import MergedRange
from imports.xlsx_package import Package
from imports.xlsx_span import SheetSpan, cell_span
from imports.xlsx_xml import merged_ranges, slice_marks

CHUNK = 1024 * 1024
SLICE_BYTES = 4 * 1024 * 1024  # the rows of a slice, as XML, before it is measured
LONGEST_CUT = 32 * 1024 * 1024  # XML without a row to cut before it: beyond this, refused
MAX_MERGES = 100_000  # merged ranges spanning rows, in one sheet

_CUT = b'<row r="'
_ROW_R = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s>/])")
_DATA_OPEN = re.compile(rb"<((?:[\w.-]+:)?sheetData)(?=[\s>])")
_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\s*/>")
_ROOT = re.compile(rb"<(?![?!])([\w.:-]+)")
_ODD_STRING = re.compile(rb"""t\s*=\s*["']\s*s\s*["']""")

Marks = dict[int, dict[int, Any]]


@dataclass(frozen=True)
class SheetPiece:
    """Rows of a sheet as calamine read them, and the cells it cannot tell of them. `whole`:
    the sheet read at once (its rows from the first of the sheet), not a slice (from its
    first used row)."""

    sheet: CalamineSheet
    marks: Marks
    whole: bool = False


@dataclass
class SheetSlices:
    """The slices of one sheet, each read by calamine when the rows before it are used; the
    sheet's merged ranges once the last has been."""

    archive: zipfile.ZipFile
    part: str
    title: str
    package: Package
    merges: list[MergedRange] = field(default_factory=list)

    def __iter__(self) -> Iterator[SheetPiece]:
        shared: dict[str, str] = {}  # a shared formula's text by its id, across slices
        with self.archive.open(self.part) as stream:
            part = _Unpacked(stream)
            names = _head(part)
            if names is None:
                return
            head, closing = names
            for region in _regions(part):
                for rows in self._fitted(region):
                    xml = head + rows + closing
                    book = self.package.with_sheet(self.part, xml)
                    yield SheetPiece(book.get_sheet_by_name(self.title), slice_marks(xml, shared))
            self.merges = _merges(part)

    def _fitted(self, region: bytes) -> Iterator[bytes]:
        """The region, or its halves, within the budget: the first rows first."""
        pending = [region]
        while pending:
            rows = pending.pop()
            if self._estimate(rows) <= READ_BUDGET:
                yield rows
                continue
            middle = _middle_cut(rows)
            if middle is None:
                raise too_large()  # a single row beyond what a read may take
            pending += [rows[middle:], rows[:middle]]

    def _estimate(self, rows: bytes) -> int:
        span = SheetSpan()
        span.scan(rows, last=True)
        numbers = [int(found) for found in _ROW_R.findall(rows)]
        if span.odd or not numbers or _outside(min(numbers), max(numbers)).search(rows):
            cells = cell_span(rows)
            block = (cells.bottom - cells.top + 1) * (cells.right - cells.left + 1)
            block = block if cells.bottom >= 0 else 0
            count, strings = rows.count(b"<") // 2, len(_ODD_STRING.findall(rows))
        else:
            block = (max(numbers) - min(numbers) + 1) * span.column_bound()
            count, strings = rows.count(b"<c"), rows.count(b't="s"')
        text = strings * (self.package.longest_string + STRING_BYTES) + len(rows)
        return estimate(span=block, cells=count, text=text)


class _Unpacked:
    """A part's bytes, unpacked into a buffer a chunk at a time."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.buffer, self.done = stream, bytearray(), False

    def fill(self, size: int) -> None:
        """Unpack until the buffer holds `size` bytes, or the part has ended."""
        while len(self.buffer) < size and not self.done:
            chunk = self.stream.read(CHUNK)
            self.buffer += chunk
            self.done = not chunk

    def take(self, size: int) -> bytes:
        taken = bytes(self.buffer[:size])
        del self.buffer[:size]
        return taken


def _head(part: _Unpacked) -> tuple[bytes, bytes] | None:
    """What precedes the first row (up to and with <sheetData>), taken from the part, and the
    tags that close a slice after its rows; None if the sheet has no rows."""
    position = 0
    while True:
        part.fill(len(part.buffer) + CHUNK)
        row = _ROW_TAG.search(part.buffer, position)
        end = _DATA_END.search(part.buffer, position)
        if end is not None and (row is None or end.start() < row.start()):
            return None
        if row is not None:
            break
        if part.done:
            return None
        if len(part.buffer) > LONGEST_CUT:
            raise too_large()
        position = max(len(part.buffer) - 64, 0)
    head = part.take(row.start())
    root, data = _ROOT.search(head), _DATA_OPEN.search(head)
    if root is None or data is None:
        return None  # rows outside sheetData: calamine reads none of them
    return head, b"</%s></%s>" % (data.group(1), root.group(1))


def _regions(part: _Unpacked) -> Iterator[bytes]:
    """The rows of the sheet, taken from the part a region at a time, each cut before a row."""
    while True:
        part.fill(SLICE_BYTES + 1)
        end = _data_end(part.buffer, SLICE_BYTES + 1)
        if end is not None:
            if end:
                yield part.take(end)
            return
        if part.done:  # a sheet cut short: its rows as they are (calamine will say)
            if part.buffer:
                yield part.take(len(part.buffer))
            return
        yield part.take(_cut_before(part.buffer, SLICE_BYTES) or _next_cut(part))


def _data_end(buffer: bytearray, stop: int) -> int | None:
    """Where </sheetData> begins, if it does before `stop`."""
    found = buffer.find(b"sheetData", 0, stop + 9)
    while found >= 0:
        tag = buffer.rfind(b"<", 0, found)
        if tag >= 0 and _DATA_END.match(buffer, tag) and tag < stop:
            return tag
        found = buffer.find(b"sheetData", found + 9, stop + 9)
    return None


def _cut_before(buffer: bytes | bytearray, limit: int) -> int | None:
    """The last row written <row r="N" that begins after the first byte and by `limit`."""
    found = buffer.rfind(_CUT, 1, limit + len(_CUT))
    while found > 0 and not _ROW_R.match(buffer, found):
        found = buffer.rfind(_CUT, 1, found + len(_CUT) - 1)
    return found if found > 0 else None


def _next_cut(part: _Unpacked) -> int:
    """The first row written <row r="N" after the first byte, or the end of the rows; refused
    if there is none within LONGEST_CUT (a row without r, or one row that large)."""
    position = 1
    while True:
        found = part.buffer.find(_CUT, position)
        while found > 0 and not _ROW_R.match(part.buffer, found):
            found = part.buffer.find(_CUT, found + 1)
        end = _data_end(part.buffer, len(part.buffer))
        cuts = [cut for cut in (found, end) if cut is not None and cut > 0]
        if cuts:
            return min(cuts)
        if part.done:
            return len(part.buffer)
        if len(part.buffer) > LONGEST_CUT:
            raise too_large()
        position = max(len(part.buffer) - len(_CUT), 1)
        part.fill(len(part.buffer) + CHUNK)


def _middle_cut(rows: bytes) -> int | None:
    """A row to cut before near the middle of the rows, if there is one after the first."""
    return _cut_before(rows, len(rows) // 2) or _cut_before(rows, len(rows) - 1)


def _merges(part: _Unpacked) -> list[MergedRange]:
    """The merged ranges spanning rows, from the rest of the part (they follow the rows)."""
    merges: list[MergedRange] = []
    while True:
        part.fill(len(part.buffer) + CHUNK)
        window = part.buffer
        end = -1 if part.done else window.rfind(b"<", max(len(window) - 4096, 0))
        end = len(window) if end < 0 else end  # a tag cut by the chunk's end: with the next
        merges += merged_ranges(bytes(window[:end]))
        if len(merges) > MAX_MERGES:
            raise too_large()
        del window[:end]
        if part.done:
            return merges


@lru_cache(maxsize=16)
def _outside(low: int, high: int) -> re.Pattern[bytes]:
    """A cell written <c r="B7" whose row is not from `low` to `high` (or begins with 0)."""
    return re.compile(rb'<c r="[A-Z]{1,3}(?:%s|%s)"' % (_below(low), _above(high)))


def _below(number: int) -> bytes:
    """A pattern for the numbers below `number`, and any written with a leading 0."""
    digits = str(number).encode()
    found = [b"0[0-9]*"]
    if len(digits) > 1:
        found.append(b"[1-9][0-9]{0,%d}" % (len(digits) - 2))
    for index, digit in enumerate(digits):
        lowest = 49 if index == 0 else 48  # no leading 0
        if digit > lowest:
            rest = len(digits) - index - 1
            found.append(b"%s[%c-%c][0-9]{%d}" % (digits[:index], lowest, digit - 1, rest))
    return b"|".join(found)


def _above(number: int) -> bytes:
    """A pattern for the numbers above `number` (written without a leading 0)."""
    digits = str(number).encode()
    found = [b"[1-9][0-9]{%d,}" % len(digits)]
    for index, digit in enumerate(digits):
        if digit < 57:
            rest = len(digits) - index - 1
            found.append(b"%s[%c-9][0-9]{%d}" % (digits[:index], digit + 1, rest))
    return b"|".join(found)
