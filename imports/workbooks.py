"""Which workbook a file is, and what python-calamine cannot tell of it, format by format.

The content decides (imports/containers.py): a zip package is an xlsx or xlsm, an xlsb or an
.ods by what it holds, an OLE2 compound file an .xls or an encrypted workbook (refused with
a message of its own). Every format is read by calamine; what it cannot tell is read here
from the file itself, and only where the sheet may have any: in an xlsx, formulas without a
cached value, error values and merged ranges (imports/xlsx_xml.py); in an .ods, formulas
without a value and merged ranges (imports/ods_xml.py); in an .xlsb and an .xls, error values
and merged ranges (imports/xlsb_records.py, imports/xls_biff.py). A zip is measured before
anything in it is unpacked (zip bombs). An xlsx sheet reaches calamine a slice at a time, with
only the parts calamine needs besides (imports/xlsx_slices.py, imports/xlsx_package.py); an
.xls, .xlsb or .ods, which calamine reads whole, is refused before calamine reads it if that
would take more than a read may (imports/read_budget.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from python_calamine import CalamineWorkbook

from imports.containers import (
    OLE2_MAGIC,
    damaged,
    ole_workbook_stream,
    package_kind,
    part_names,
    read_part,
    too_large,
)
from imports.ods_xml import ods_content, ods_cost, ods_marks
from imports.read_budget import SHEET_PART_BYTES, check_whole_read
from imports.table import MergedRange
from imports.xls_biff import xls_book
from imports.xlsb_records import longest_shared_string, xlsb_marks, xlsb_parts
from imports.xlsx_package import calamine_package
from imports.xlsx_slices import SheetPiece, SheetSlices
from imports.xlsx_xml import xlsx_parts

MAX_EXPANDED_BYTES = 500 * 1024 * 1024  # what a zip package may unpack to
MAX_ZIP_ENTRIES = 2_000


Marks = dict[int, dict[int, Any]]  # cells put in by row and column, from 0


def is_workbook(data: bytes) -> bool:
    """Whether the file is a zip or an OLE2 compound file by its first bytes."""
    return data.startswith((b"PK\x03\x04", OLE2_MAGIC[:4]))


def open_workbook(data: bytes) -> Workbook:
    """The workbook opened by calamine, with what calamine cannot tell of each sheet;
    ImportRejected if the file is encrypted, damaged or too large unpacked."""
    return _xls(data) if data.startswith(OLE2_MAGIC[:4]) else _zip_package(data)


class SheetRows(Iterable[SheetPiece], Protocol):
    """A sheet's rows as calamine reads them, in one piece or several, with what calamine
    cannot tell of them; its merged ranges that span rows, once its pieces are read."""

    merges: list[MergedRange]


@dataclass(frozen=True)
class Workbook:
    """A workbook as calamine opened it (for its sheets' names), the day its dates count from,
    and a sheet's rows by its name. Each piece is measured before calamine reads it, which
    may refuse the sheet (imports/read_budget.py)."""

    book: CalamineWorkbook
    epoch: datetime
    sheet: Callable[[str], SheetRows]


@dataclass
class WholeSheet:
    """A sheet calamine reads at once (.xls, .xlsb, .ods); what it cannot tell of the sheet is
    read first, which may refuse the sheet."""

    book: CalamineWorkbook
    title: str
    marks: Callable[[str], tuple[Marks, list[MergedRange]]]
    merges: list[MergedRange] = field(default_factory=list)

    def __iter__(self) -> Iterator[SheetPiece]:
        marks, self.merges = self.marks(self.title)
        yield SheetPiece(self.book.get_sheet_by_name(self.title), marks, whole=True)


def _whole(
    book: CalamineWorkbook, marks: Callable[[str], tuple[Marks, list[MergedRange]]]
) -> Callable[[str], WholeSheet]:
    return lambda title: WholeSheet(book, title, marks)


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The zip, refused unopened if broken, encrypted by zip itself or unpacking too large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise damaged() from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_EXPANDED_BYTES:
        raise too_large()
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise damaged()  # entries encrypted by zip itself, as no spreadsheet program writes
    return archive


def _calamine(data: bytes) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _zip_package(data: bytes) -> Workbook:
    """An xlsx, xlsm, xlsb or ods, by what the package holds; zip bombs refused unopened."""
    archive = check_zip(data)
    names = part_names(archive)
    kind, main = package_kind(archive, names)
    if kind == "ods":
        return _ods(data, archive, main)
    if kind == "xlsb":
        parts, epoch = xlsb_parts(archive, names, main)
        longest = longest_shared_string(archive, names, main)
        book = _calamine(data)
        return Workbook(
            book, epoch, _whole(book, lambda t: xlsb_marks(archive, parts.get(t), longest))
        )
    parts, epoch = xlsx_parts(archive, names, main)
    package = calamine_package(archive, names, main)

    def sheet(title: str) -> SheetSlices:
        part = parts.get(title)
        if part is None or part not in archive.NameToInfo:
            raise damaged()
        return SheetSlices(archive, part, title, package)

    return Workbook(package.book(), epoch, sheet)


def _ods(data: bytes, archive: zipfile.ZipFile, content_part: str) -> Workbook:
    """An OpenDocument spreadsheet, refused before calamine reads it if reading it would take
    more than a read may: calamine reads every sheet at once, each repeated row and cell as
    often as it is repeated (a row of a billion cells, repeated a billion times, is a few
    hundred bytes that LibreOffice, which keeps repeats as they are, may open)."""
    xml = read_part(archive, content_part, SHEET_PART_BYTES)
    content, epoch = ods_content(xml)
    block, cells, text = ods_cost(xml)
    del xml
    check_whole_read(span=block, cells=cells, text=text)
    book = _calamine(data)
    return Workbook(book, epoch, _whole(book, lambda title: ods_marks(content, title)))


def _xls(data: bytes) -> Workbook:
    """An Excel 97-2003 workbook, or an encrypted one (refused)."""
    records = xls_book(ole_workbook_stream(data))  # first: calamine reads every sheet at once
    book = _calamine(data)

    def marks(title: str) -> tuple[Marks, list[MergedRange]]:
        index = book.sheet_names.index(title)
        return records.sheets[index] if index < len(records.sheets) else ({}, [])

    return Workbook(book, records.epoch, _whole(book, marks))
