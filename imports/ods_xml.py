"""What python-calamine cannot tell about an OpenDocument sheet, read from its content.xml:
formulas without a cached value, cells merged over rows, and the day dates count from."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from defusedxml import ElementTree as SafeXml
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

from imports.table import MergedRange, Uncalculated

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_NULL_DATE = re.compile(rb'null-date[^>]*?date-value="([0-9]{4})-([0-9]{2})-([0-9]{2})')


def ods_content(
    archive: zipfile.ZipFile, part: str = "content.xml"
) -> tuple[bytes | None, datetime]:
    """The content, kept if it has formulas (to find those without a value) or cells merged
    over rows, and the day from which the file counts dates (LibreOffice's null date,
    1899-12-30 unless changed)."""
    content = archive.read(part)
    null_date = _NULL_DATE.search(content)
    epoch = datetime(*map(int, null_date.groups())) if null_date else CALENDAR_WINDOWS_1900
    kept = b"table:formula" in content or b"number-rows-spanned" in content
    return (content if kept else None), epoch


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
