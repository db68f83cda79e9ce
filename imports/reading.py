"""Reading a stock spreadsheet into a header and data rows, whatever its shape.

Facility managers bring xlsx (also .xlsm, never running its macros), .xlsb, Excel 97-2003
.xls, OpenDocument .ods and CSV (imports/csv_reading.py) in any of the encodings and
delimiters Excel writes; what a file is, its content decides, not its name
(imports/workbooks.py). The header is found below titles and blank rows (imports/header.py).

Workbooks are read by python-calamine (Rust: a 100,000-row sheet in about a second, where
openpyxl takes half a minute), and its cells are made the ones openpyxl gives: None for an
empty cell, int for a whole number, datetime for a date. What calamine cannot tell is read from
the file itself, per format (imports/workbooks.py): formulas without a cached value, error
values, merged cells. openpyxl stays for writing exports and error files.

A file we cannot read safely is refused with `ImportRejected` before anything else happens:
a workbook locked with a password gets a message of its own; zip bombs are measured before the
workbook is opened; calamine's XML parser expands no entities (a DTD's entities are errors),
and the XML we parse ourselves goes through defusedxml.

Memory is bounded whatever the file declares (imports/read_budget.py): an xlsx sheet is read a
slice of rows at a time and reading stops at the row cap, so no more of a sheet than the cap
is ever held (imports/xlsx_slices.py); a sheet of another format, which calamine reads whole,
is refused if reading it would take more than a read may; a table holds at most
header.MAX_CELLS cells; CSV is decoded as it is read.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice, repeat
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml.common import DefusedXmlException
from flask_babel import lazy_gettext as _l
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
    XmlError,
)

from imports.cell_columns import BLOCK_ROWS, CellColumns
from imports.containers import damaged, invalid_xml, not_a_spreadsheet, password_protected
from imports.csv_reading import read_csv
from imports.errors import ImportRejected, NoHeader
from imports.freed_memory import giving_back
from imports.gc_pause import gc_paused
from imports.header import table_from_rows
from imports.merged import settle_merged
from imports.table import Table, Uncalculated
from imports.workbooks import Workbook, is_workbook, open_workbook
from imports.xlsx_slices import SheetPiece

__all__ = ["ImportRejected", "NoHeader", "Table", "Uncalculated", "read_table"]

# Named so but neither a zip nor an OLE2 file: damaged. Not .xls: programs export
# tab-separated text so named, which is read as CSV.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")


@giving_back
@gc_paused()
def read_table(
    data: bytes, filename: str, *, sheet: str | None = None, max_rows: int,
    fill_merged: bool = False,
) -> Table:  # fmt: skip
    """The header and data rows of an uploaded file; ImportRejected if it cannot be read.

    :param fill_merged: give every row of a merged range reaching the data its top-left
        value; otherwise such ranges are kept on the table as `merged` (imports/merged.py).
    """
    if not data:
        raise ImportRejected(_l("The file is empty: no data rows."))
    if is_workbook(data):
        with _refusing_unreadable():
            workbook = open_workbook(data)
            return _read_workbook(workbook, sheet=sheet, max_rows=max_rows, fill_merged=fill_merged)
    if filename.lower().endswith(WORKBOOK_SUFFIXES):
        raise damaged()
    if data.startswith(b"%PDF") or data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        raise not_a_spreadsheet()
    return read_csv(data, max_rows=max_rows)


# --- workbooks: xlsx, xlsm, xlsb, ods, xls -------------------------------------------------------


# What the readers raise on a broken file. zipfile raises EOFError for an entry cut short and
# NotImplementedError for one compressed by a method it does not know.
_BROKEN = (CalamineError, zipfile.BadZipFile, zlib.error, struct.error, EOFError, KeyError)
_BROKEN += (IndexError, NotImplementedError, OSError, ValueError)


@contextmanager
def _refusing_unreadable() -> Iterator[None]:
    """Parser failures as ImportRejected, in the user's terms. calamine panics on some broken
    files (a Rust panic, pyo3's PanicException, which is no Exception): damaged too."""
    try:
        yield
    except ImportRejected:
        raise
    except PasswordError:
        raise password_protected() from None
    except (XmlError, DefusedXmlException, ParseError):
        raise invalid_xml() from None
    except _BROKEN:
        raise damaged() from None
    except BaseException as error:
        if type(error).__name__ == "PanicException":
            raise damaged() from None
        raise


def _read_workbook(
    workbook: Workbook, *, sheet: str | None, max_rows: int, fill_merged: bool
) -> Table:
    book = workbook.book
    title, visible = _choose_sheet(book, sheet)
    # No sheet named: the first visible one with a header we recognise (a workbook may
    # open on a cover or notes sheet); if none has one, the first sheet's reason.
    candidates = [title] if sheet else visible
    first_refusal = None
    for title in candidates:
        pieces = workbook.sheet(title)
        try:
            table = table_from_rows(_workbook_rows(pieces), max_rows=max_rows)
        except NoHeader as refusal:
            first_refusal = first_refusal or refusal
            continue
        table.sheet, table.sheets, table.epoch = title, visible, workbook.epoch
        settle_merged(table, pieces.merges, fill=fill_merged)
        return table
    raise first_refusal


def _choose_sheet(book: CalamineWorkbook, sheet: str | None) -> tuple[str, list[str]]:
    """The sheet asked for, else the first visible worksheet; and every visible worksheet."""
    worksheets = [meta for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
    visible = [meta.name for meta in worksheets if meta.visible == SheetVisibleEnum.Visible]
    if not visible:
        raise ImportRejected(_l("The workbook has no sheet with data."))
    title = sheet or visible[0]
    if title not in {meta.name for meta in worksheets}:
        raise ImportRejected(_l("The workbook has no sheet called %(name)s.", name=title))
    return title, visible


def _workbook_rows(pieces: Iterable[SheetPiece]) -> Iterator[tuple[Any, ...]]:
    """Every row from the sheet's first, cells as openpyxl gives them, marked cells put in;
    a blank row as (). Refused as damaged should a piece begin before the one before ended
    (rows out of order across slices of an xlsx sheet, which Excel would repair)."""
    cells = CellColumns()
    count = 0
    for piece in pieces:
        for index, row in _piece_rows(piece, cells):
            if index < count:
                raise damaged()
            for _ in range(count, index):
                yield ()
            yield row
            count = index + 1


def _piece_rows(piece: SheetPiece, cells: CellColumns) -> Iterator[tuple[int, tuple]]:
    """A piece's rows by their index in the sheet, marked cells put in.

    calamine gives a whole sheet's rows from the sheet's first row (iter_rows, one at a time),
    a slice's from its first used row (to_python, all at once: a slice is small); either way
    cells from the first used column, and "" for an empty cell. Rows before the first used
    one are left to the caller, as blank. A row may hold nothing but an uncalculated formula,
    which calamine does not count as data: such rows come before or after its rows."""
    sheet, marks = piece.sheet, piece.marks
    start = sheet.start
    index = start[0] if start else None
    if start is not None:
        yield from ((row, _marked((), marks[row])) for row in sorted(marks) if row < index)
        pad = [repeat(None)] * start[1]
        source = iter(
            sheet.to_python() if not piece.whole else islice(sheet.iter_rows(), index, None)
        )
        while block := list(islice(source, BLOCK_ROWS)):
            for row in zip(*pad, *cells.read(block), strict=False):  # pad repeats None
                yield index, (_marked(row, marks[index]) if index in marks else row)
                index += 1
    after = (row for row in sorted(marks) if index is None or row >= index)
    yield from ((row, _marked((), marks[row])) for row in after)


def _marked(cells: tuple[Any, ...], marks: dict[int, Any]) -> tuple[Any, ...]:
    width = max(len(cells), max(marks, default=-1) + 1)
    out = list(cells) + [None] * (width - len(cells))
    for column, value in marks.items():
        out[column] = value
    return tuple(out)
