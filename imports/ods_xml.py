"""What python-calamine cannot tell about an OpenDocument sheet, read from its content.xml:
formulas without a cached value, cells merged over rows, and the day dates count from; and
what calamine will allocate reading it (`ods_cost`), before it does: it reads every sheet at
once, each repeated row and cell as many times as it is repeated, each with its own copy of
its text."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

from defusedxml import ElementTree as SafeXml
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

from imports.read_budget import STRING_BYTES
from imports.table import MergedRange, Uncalculated

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_NULL_DATE = re.compile(rb'null-date[^>]*?date-value="([0-9]{4})-([0-9]{2})-([0-9]{2})')
_TABLE_NAMESPACE = (
    rb'xmlns:([\w.-]+)\s*=\s*["\']urn:oasis:names:tc:opendocument:xmlns:table:1.0["\']'
)
_REPEATED = re.compile(rb"number-(rows|columns)-repeated\s*=\s*[\"']([0-9]+)")


def ods_content(content: bytes) -> tuple[bytes | None, datetime]:
    """The content (content.xml), kept if it has formulas (to find those without a value) or
    cells merged over rows, and the day from which the file counts dates (LibreOffice's null
    date, 1899-12-30 unless changed)."""
    null_date = _NULL_DATE.search(content)
    epoch = datetime(*map(int, null_date.groups())) if null_date else CALENDAR_WINDOWS_1900
    kept = b"table:formula" in content or b"number-rows-spanned" in content
    return (content if kept else None), epoch


def ods_cost(content: bytes) -> tuple[int, int, int]:
    """The cells calamine allocates for every sheet of the content (each sheet's block from
    its first row with a cell to its last), the cells with content, and the bytes of their
    texts, each repeated cell and row counted as often as it is repeated. A cell that is not
    empty (<table:table-cell/>) counts as one with content, its text as all it encloses."""
    prefixes = set(re.findall(_TABLE_NAMESPACE, content)) or {b"table"}
    names = b"|".join(re.escape(prefix) for prefix in prefixes)
    tags = re.compile(
        rb"<(/?)(?:%s):(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>" % names
    )
    block = cells = text = 0
    sheet = _SheetCost()
    for tag in tags.finditer(content):
        closing, name, attributes = tag.groups()
        if name == b"table" and not closing:
            block, sheet = block + sheet.block(), _SheetCost()
        elif name == b"table-row":
            sheet.row_tag(closing=bool(closing), attributes=attributes)
        elif not closing:
            opened = sheet.cell_tag(attributes)
            if opened:  # its text: all it holds, to the next row or cell
                following = tags.search(content, tag.end())
                length = (following.start() if following else len(content)) - tag.end()
                cells, text = cells + opened, text + opened * (length + STRING_BYTES)
    return block + sheet.block(), cells, text


class _SheetCost:
    """Where the rows of one sheet are, as its tags go by."""

    def __init__(self) -> None:
        self.row = self.column = self.width = 0
        self.repeat, self.filled = 1, False
        self.first: int | None = None
        self.last = -1

    def row_tag(self, *, closing: bool, attributes: bytes) -> None:
        if not closing:
            self.repeat, self.column, self.filled = _repeats(attributes, b"rows"), 0, False
            if not attributes.rstrip().endswith(b"/"):
                return
        if self.filled:  # the row ends
            self.first = self.row if self.first is None else self.first
            self.last = self.row + self.repeat - 1
        self.row += self.repeat

    def cell_tag(self, attributes: bytes) -> int:
        """Cells with content the tag opens, repeated rows included (0 for an empty cell)."""
        repeat = _repeats(attributes, b"columns")
        self.column += repeat
        if attributes.rstrip().endswith(b"/"):
            return 0
        self.filled, self.width = True, max(self.width, self.column)
        return repeat * self.repeat

    def block(self) -> int:
        return 0 if self.first is None else (self.last - self.first + 1) * self.width


def _repeats(attributes: bytes, kind: bytes) -> int:
    for found in _REPEATED.finditer(attributes):
        if found.group(1) == kind:
            return int(found.group(2))
    return 1


def ods_marks(
    content: bytes | None, title: str
) -> tuple[dict[int, dict[int, Any]], list[MergedRange]]:
    """Formula cells without a value type (no cached result) in the sheet `title`, and its
    cells merged over rows (table:number-rows-spanned)."""
    if content is None:
        return {}, []
    marks: dict[int, dict[int, Any]] = {}
    merges: list[MergedRange] = []
    inside, row, column = False, -1, -1
    cells = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
    for event, element in SafeXml.iterparse(io.BytesIO(content), ("start", "end")):
        tag = element.tag
        if event == "start" and tag == f"{_TABLE}table":
            inside, row = element.get(f"{_TABLE}name") == title, -1
        elif not inside or tag not in (*cells, f"{_TABLE}table-row"):
            continue
        elif event == "start" and tag in cells:
            formula = element.get(f"{_TABLE}formula")
            repeated = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            spanned = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
            if spanned > 1:
                merges.append(MergedRange(row + 1, row + spanned, column + 1))
            if formula and element.get(f"{_OFFICE}value-type") is None:
                for offset in range(1, repeated + 1):
                    marks.setdefault(row, {})[column + offset] = Uncalculated(
                        "=" + formula.partition("=")[2]
                    )
            column += repeated
        elif event == "start":
            row, column = row + 1, -1
        elif tag == f"{_TABLE}table-row":
            row += int(element.get(f"{_TABLE}number-rows-repeated", "1")) - 1
            element.clear()
    return marks, merges
