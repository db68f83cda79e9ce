"""How far apart the cells of a slice of an xlsx sheet lie, found before python-calamine reads it.

calamine keeps a sheet as one block from its first used cell to its last and allocates it
whole (imports/read_budget.py): two cells far apart, in a sheet of a few hundred bytes, would
take gigabytes or abort the process. Spreadsheet programs write every cell as <c r="B7" ...>
in rising order, so how far the columns reach is read off the references as a slice is
measured (imports/xlsx_slices.py, which finds the rows itself): the slice is searched for a
cell tag that is not written so, or whose reference lies beyond what its last cell makes
expected (a column of more letters or a higher first letter, a row likewise), and only those
are looked at. A slice with a cell written otherwise (no r first, r given twice, a namespace
prefix, other quotes or spaces) is read again tag by tag as calamine reads it (`cell_span`):
a cell without a reference takes the place after the previous one, a row without one the
row after, the last r of a tag counts, and only cells with content. <dimension ref> is
ignored, as calamine ignores it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from imports.xls_biff import CellSpan

FAR = 2**40  # a position beyond any limit
CARRY = 4096  # a tag cut by the end of a chunk is scanned whole with the next one
_ATTRIBUTES = rb"""(?: [^\s=>/"'<r][^\s=>/"'<]*+="[^"]*+")*+/?>"""  # after r, none r...
_CANONICAL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"' + _ATTRIBUTES)
_LAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_NAME_END = b" \t\r\n/>"
_TAG = re.compile(rb"""<(/?)(?:[^\s/>:<]+:)?(c|row)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(
    rb"""[ \t\n\r\f]*([^=]*?)[ \t\n\r\f]*=[ \t\n\r\f]*(?:"([^"]*)"?|'([^']*)'?)"""
)
_SPACE = re.compile(rb"[ \t\n\r\f]*")
_POSITION = re.compile(rb"([A-Za-z]*)([0-9]+)")
_EMPTY = re.compile(rb"[ \t\n\r\f]*</")


def column_number(letters: bytes) -> int:
    """A column's number from 1 by its letters (A is 1, AA is 27), as calamine counts it."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def column_letters(number: int) -> bytes:
    """A column's letters by its number from 1."""
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes((65 + rest,)) + letters
    return letters


def _expected(furthest: bytes, low: bytes, high: bytes) -> bytes:
    """A pattern for a row's digits (a column's letters) no further than `furthest`: as many
    of them and a first no higher (most cells of a chunk, tried first), or fewer."""
    rest = len(furthest) - 1
    shorter = b"|[%s-%s]{1,%d}+" % (low, high, rest) if rest else b""
    return b"(?:[%s-%s][%s-%s]{%d}%s)" % (low, furthest[:1], low, high, rest, shorter)


@lru_cache(maxsize=64)
def _unexpected_cells(columns: bytes, rows: bytes) -> re.Pattern[bytes]:
    """Tags beginning <c that are not a cell written <c r="B7" ...> with a column as far as
    `columns` and a row as far as `rows` (each the furthest, as written)."""
    reference = _expected(columns, b"A", b"Z") + _expected(rows, b"0", b"9")
    return re.compile(rb'<c(?! r="%s"%s)' % (reference, _ATTRIBUTES))


@dataclass
class SheetSpan:
    """The furthest row and column (from 1) a sheet's cells reach, as its chunks are scanned,
    and whether a cell is written otherwise than spreadsheet programs write it."""

    row: int = 1
    column: int = 1
    odd: bool = False

    def scan(self, window: bytes, *, last: bool = False) -> int:
        """Look at the window's cells up to the tag its end may cut; return where that is."""
        end = -1 if last else window.rfind(b"<", max(len(window) - CARRY, 0))
        end = len(window) if end < 0 else end
        if self.odd:
            return end
        found = window.rfind(b'<c r="', 0, end)
        cell = _LAST_CELL.match(window, found) if found >= 0 else None
        if cell is not None:  # rows rise: the chunk's last cell tells how far its cells go
            self._reach(*cell.groups())
        for tag in self._unexpected().finditer(window, 0, end):
            if window[tag.end() : tag.end() + 1] not in _NAME_END:
                continue  # <col>, <cfRule>: another element
            cell = _CANONICAL.match(window, tag.start())
            if cell is None:
                self.odd = True
                return end
            self._reach(*cell.groups())
        if b":" in window and _PREFIXED_CELL.search(window, 0, end):
            self.odd = True
        return end

    def column_bound(self) -> int:
        """The furthest column (from 1) any cell scanned so far may reach."""
        return column_number(self._furthest()[0])

    def _unexpected(self) -> re.Pattern[bytes]:
        columns, rows = self._furthest()
        return _unexpected_cells(columns, rows)

    def _furthest(self) -> tuple[bytes, bytes]:
        """The furthest column and row a cell not looked at may have, as written: the first
        letter (digit) of the furthest seen, then Z (9) for each of the others."""
        columns, rows = column_letters(self.column), str(self.row).encode()
        return columns[:1] + b"Z" * (len(columns) - 1), rows[:1] + b"9" * (len(rows) - 1)

    def _reach(self, letters: bytes, digits: bytes) -> None:
        self.row = max(self.row, int(digits))
        self.column = max(self.column, column_number(letters))


def cell_span(xml: bytes) -> CellSpan:
    """The rows and columns the sheet's cells with content span, each where calamine puts it
    (from 0); empty if calamine will refuse the sheet for a reference it cannot read."""
    span, row, column = CellSpan(), 0, 0
    try:
        for tag in _TAG.finditer(xml):
            closing, name, raw = tag.groups()
            alone = raw.endswith(b"/")  # calamine expands <c/> to <c></c>
            raw = raw[:-1] if alone else raw
            if name == b"row":
                at = None if closing else _first_r(raw)
                row = row if at is None else _position(at, cell=False)[0]
                row, column = (row + 1, 0) if closing or alone else (row, column)
            elif not closing:
                at = _cell_r(raw)
                position = (row, column) if at is None else _position(at, cell=True)
                column = position[1] + 1
                if not alone and not _EMPTY.match(xml, tag.end()):
                    span.add(position[0], position[1], position[1])
    except _Unreadable:
        return CellSpan()
    return span


class _Unreadable(Exception):
    """A tag calamine stops reading the sheet at, with an error."""


def _attributes(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """A tag's attributes as calamine reads them: the key is all before the =, spaces at
    either end left out; an attribute without = or without a quoted value is an error."""
    position = 0
    while _SPACE.match(raw, position).end() < len(raw):
        attribute = _ATTRIBUTE.match(raw, position)
        if attribute is None:
            raise _Unreadable
        key, double, single = attribute.groups()
        yield key, double if double is not None else single
        position = attribute.end()


def _first_r(raw: bytes) -> bytes | None:
    return next((value for key, value in _attributes(raw) if key == b"r"), None)


def _cell_r(raw: bytes) -> bytes | None:
    """The r of a cell: calamine looks for r, s and t and keeps the last r it saw when it
    has seen three of them (a second r counts as one)."""
    found, value = 0, None
    for key, text in _attributes(raw):
        if key in (b"r", b"s", b"t"):
            found += 1
            value = text if key == b"r" else value
            if found == 3:
                break
    return value


def _position(reference: bytes, *, cell: bool) -> tuple[int, int]:
    """Row and column from 0, as calamine reads a reference. Beyond 10 digits or 7 letters
    calamine's numbers wrap round: such a cell is taken as beyond any limit."""
    match = _POSITION.fullmatch(reference)
    if match is None:
        raise _Unreadable
    letters, digits = match.groups()
    if len(letters) > 7 or len(digits) > 10:
        return FAR, FAR
    if int(digits) == 0 or (cell and not letters):
        raise _Unreadable
    return int(digits) - 1, column_number(letters) - 1
