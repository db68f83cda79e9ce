"""Cells and files a spreadsheet program opens safely: every export, feed and report writes
through here.

A spreadsheet program runs a text cell that starts like a formula, so CSV text cells are
defused with a leading quote; in xlsx every text cell is typed as a string instead, which keeps
the original text for a round trip. CSV starts with a UTF-8 byte order mark (Excel reads it as
UTF-8 only with one); xlsx text loses the characters XML forbids and stops at Excel's limit.

A spreadsheet program splits a CSV line at its list separator, which follows the decimal mark
of its regional settings: where the decimal mark is a comma (Swedish, Danish, Dutch) the
separator is a semicolon, and a comma-separated file opens as one column. CSV is therefore
written in one of two styles, chosen for the reader (app/formats.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from os import PathLike
from typing import IO, TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CellValue = str | int | float | Decimal | date | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CHARS = 32_767  # Excel's limit for one cell
CUT_MARKER = "…[cut]"


@dataclass(frozen=True)
class CsvStyle:
    """How a spreadsheet program reads CSV: the field separator and the decimal mark."""

    name: str  # as asked for in a link: ?sep=comma or ?sep=semicolon
    delimiter: str
    decimal: str


COMMAS = CsvStyle("comma", ",", ".")  # English settings
SEMICOLONS = CsvStyle("semicolon", ";", ",")  # settings with a decimal comma
CSV_STYLES = {style.name: style for style in (COMMAS, SEMICOLONS)}


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def csv_text(value: CellValue, decimal: str = ".") -> str:
    """A cell as CSV text: ISO dates, the style's decimal mark, and text that cannot run."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", decimal)
    if isinstance(value, float):
        return str(value).replace(".", decimal)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_lines(rows: Iterable[list[CellValue]], style: CsvStyle = COMMAS) -> Iterator[str]:
    """The rows as CSV lines in `style`, the first one starting with a UTF-8 byte order mark
    (Excel reads the file as UTF-8 only with it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter)
    prefix = "\ufeff"
    for row in rows:
        writer.writerow([csv_text(value, style.decimal) for value in row])
        yield prefix + buffer.getvalue()
        prefix = ""
        buffer.seek(0)
        buffer.truncate()


def write_csv(rows: Iterable[list[CellValue]], out: IO[str], style: CsvStyle = COMMAS) -> int:
    """Write the rows to a text stream opened with newline=""; return how many followed the
    header."""
    lines = 0
    for line in csv_lines(rows, style):
        out.write(line)
        lines += 1
    return max(lines - 1, 0)


def xlsx_text(value: str) -> str:
    """Text an xlsx cell can hold: without the characters XML 1.0 forbids, within Excel's
    length limit. XML reads a carriage return as a line feed, so it is written as one."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > XLSX_MAX_CHARS:
        value = value[: XLSX_MAX_CHARS - len(CUT_MARKER)] + CUT_MARKER
    return value


def xlsx_cell(sheet: WriteOnlyWorksheet, value: CellValue) -> Cell | CellValue:
    """A write-only cell; text is always a string cell, never a formula or an error value."""
    if isinstance(value, str):
        if not value:
            return None
        cell = WriteOnlyCell(sheet, value=xlsx_text(value))
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.00"
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
    else:
        return value
    return cell


def write_xlsx(
    rows: Iterable[list[CellValue]],
    target: str | PathLike[str] | IO[bytes],
    *,
    title: str = "Items",
) -> int:
    """Write the rows to an xlsx file (a path or a binary stream); return how many followed
    the header."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    lines = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        lines += 1
    workbook.save(target)
    return max(lines - 1, 0)
