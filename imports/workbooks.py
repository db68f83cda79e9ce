"""Which workbook a file is, and what python-calamine cannot tell of it, format by format.

The content decides (imports/containers.py): a zip package is an xlsx or xlsm, an xlsb or an
.ods by what it holds, an OLE2 compound file an .xls or an encrypted workbook (refused with
a message of its own). Every format is read by calamine; what it cannot tell is read here
from the file itself, and only where the sheet may have any: in an xlsx, formulas without a
cached value, error values and merged ranges (imports/xlsx_xml.py); in an .ods, formulas
without a value and merged ranges (imports/ods_xml.py); in an .xlsb and an .xls, error values
and merged ranges (imports/xlsb_records.py, imports/xls_biff.py). A zip is measured before
anything in it is unpacked (zip bombs); an xlsx, .xls or .xlsb sheet spanning more cells than
calamine should allocate is refused before calamine reads it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from imports.containers import (
    OLE2_MAGIC,
    damaged,
    ole_workbook_stream,
    package_kind,
    part_names,
    too_large,
)
from imports.ods_xml import ods_content, ods_marks
from imports.table import MergedRange
from imports.xls_biff import xls_book
from imports.xlsb_records import xlsb_marks, xlsb_parts
from imports.xlsx_xml import xlsx_marks, xlsx_parts

MAX_EXPANDED_BYTES = 500 * 1024 * 1024  # what a zip package may unpack to
MAX_ZIP_ENTRIES = 2_000

_HUGE_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="[0-9]{7,}"')

Marks = dict[int, dict[int, Any]]  # cells put in by row and column, from 0


def is_workbook(data: bytes) -> bool:
    """Whether the file is a zip or an OLE2 compound file by its first bytes."""
    return data.startswith((b"PK\x03\x04", OLE2_MAGIC[:4]))


def open_workbook(data: bytes) -> Workbook:
    """The workbook opened by calamine, with what calamine cannot tell of each sheet;
    ImportRejected if the file is encrypted, damaged or too large unpacked."""
    return _xls(data) if data.startswith(OLE2_MAGIC[:4]) else _zip_package(data)


@dataclass(frozen=True)
class Workbook:
    """A workbook as calamine opened it, the day its dates count from, and what calamine cannot
    tell of a sheet (by its name): marked cells and the merged ranges that span rows. Asked
    before calamine reads the sheet, which it may refuse (imports/xls_biff.CellSpan)."""

    book: CalamineWorkbook
    epoch: datetime
    marks: Callable[[str], tuple[Marks, list[MergedRange]]]


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
        return Workbook(_calamine(data), epoch, lambda title: xlsb_marks(archive, parts.get(title)))
    parts, epoch = xlsx_parts(archive, names, main)
    book = _calamine(_as_calamine_finds_it(data, archive, names, main))
    return Workbook(book, epoch, lambda title: xlsx_marks(archive, parts.get(title)))


def _ods(data: bytes, archive: zipfile.ZipFile, content_part: str) -> Workbook:
    """An OpenDocument spreadsheet. calamine refuses one whose cells, repeated, would be more
    than it allocates (a row of a billion cells, repeated a billion times: a few hundred bytes
    that LibreOffice, which keeps repeats as they are, may open): too large, not damaged."""
    content, epoch = ods_content(archive, content_part)
    try:
        book = _calamine(data)
    except CalamineError:
        if _HUGE_REPEAT.search(archive.read(content_part)):
            raise too_large() from None
        raise
    return Workbook(book, epoch, lambda title: ods_marks(content, title))


def _as_calamine_finds_it(
    data: bytes, archive: zipfile.ZipFile, names: dict[str, str], main: str
) -> bytes:
    """The package, with its workbook part copied to workbook.xml in its folder if it is called
    otherwise: calamine takes the folder from the package's relationships, not the name."""
    folder, file = posixpath.split(main)
    alias = posixpath.join(folder, "workbook.xml")
    alias_rels = posixpath.join(folder, "_rels", "workbook.xml.rels")
    if file.lower() == "workbook.xml" or {alias.lower(), alias_rels.lower()} & names.keys():
        return data
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as package:
        package.writestr(alias, archive.read(main))
        rels = names.get(posixpath.join(folder, "_rels", f"{file}.rels").lower())
        if rels is not None:
            package.writestr(alias_rels, archive.read(rels))
    return out.getvalue()


def _xls(data: bytes) -> Workbook:
    """An Excel 97-2003 workbook, or an encrypted one (refused)."""
    records = xls_book(ole_workbook_stream(data))  # first: calamine reads every sheet at once
    book = _calamine(data)

    def marks(title: str) -> tuple[Marks, list[MergedRange]]:
        index = book.sheet_names.index(title)
        return records.sheets[index] if index < len(records.sheets) else ({}, [])

    return Workbook(book, records.epoch, marks)
