"""What python-calamine cannot tell about an Excel binary workbook (.xlsb), read from its records.

An .xlsb is an Office Open XML package whose parts are runs of records rather than XML: a
record's type and size are numbers in 7-bit groups (low first, the high bit saying that
another follows), then comes its body. The workbook part names each sheet and its part
(BrtBundleSh) and the date system (BrtWbProp); in a sheet, each row (BrtRowHdr) is followed by
its cells, each giving its column. calamine reads an error value (BrtCellError, or
BrtFmlaError for a formula whose cached result is one) as empty, and python-calamine has no
merged ranges for .xlsb (`merged_cell_ranges` is None): both are read here, the merges from
BrtMergeCell. An .xlsb keeps a cached result for every formula, so none is uncalculated.
The sheet's records are walked whole (about as long as calamine takes to read them), which
also tells what calamine will allocate for the sheet: its span, its cells, and a copy of the
shared string for each cell that shows one (at most the longest, BrtSSTItem in the shared
strings part); a sheet beyond the budget is refused (imports/read_budget.py).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from imports.containers import read_part, relationships, too_large
from imports.read_budget import (
    MAX_SHARED_STRINGS,
    SHARED_STRINGS_BYTES,
    SHEET_PART_BYTES,
    STRING_BYTES,
    check_whole_read,
)
from imports.table import MergedRange
from imports.xls_biff import ERRORS, CellSpan

ROW, CELL_ERROR, FORMULA_ERROR, MERGE = 0x0000, 0x0003, 0x000B, 0x00B0
SHARED_STRING_CELL, SHARED_STRING = 0x0007, 0x0013
CELLS = range(0x0002, 0x000C)  # the cells with a value, each giving its column first
LAST_ROW = 0x0010_0000
WORKBOOK_PROPERTIES, SHEET, END_OF_SHEETS = 0x0099, 0x009C, 0x0090


def _records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """Each record: its type, and where its body starts and ends. A type or size of one byte,
    which most records have, is read without a call: a sheet has a record per cell."""
    position, size = 0, len(data)
    while position < size:
        kind = data[position]
        if kind < 0x80:
            position += 1
        else:
            kind, position = _number(data, position, 2)
        if position >= size:
            return
        length = data[position]
        if length < 0x80:
            position += 1
        else:
            length, position = _number(data, position, 4)
        if position > size:
            return
        yield kind, position, min(position + length, size)
        position += length


def _number(data: bytes, position: int, most: int) -> tuple[int, int]:
    value = 0
    for shift in range(0, 7 * most, 7):
        if position >= len(data):
            return value, len(data) + 1
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            break
    return value, position


def _wide(data: bytes, position: int, end: int) -> tuple[str | None, int]:
    """A length-prefixed UTF-16 string (None for the length 0xFFFFFFFF), and where it ends."""
    if position + 4 > end:
        return None, end
    (count,) = struct.unpack_from("<I", data, position)
    if count == 0xFFFFFFFF:
        return None, position + 4
    stop = min(position + 4 + 2 * count, end)
    return data[position + 4 : stop].decode("utf-16-le", "replace"), stop


def xlsb_parts(
    archive: zipfile.ZipFile, names: dict[str, str], workbook: str
) -> tuple[dict[str, str], datetime]:
    """Each sheet's part by sheet name, and the workbook's date system (1900 or 1904)."""
    data = read_part(archive, workbook)
    targets = {rid: target for rid, (_, target) in relationships(archive, names, workbook).items()}
    parts, date1904 = {}, False
    for kind, body, end in _records(data):
        if kind == WORKBOOK_PROPERTIES and end > body:
            date1904 = bool(data[body] & 1)
        elif kind == SHEET:
            rid, after = _wide(data, body + 8, end)
            name, _ = _wide(data, after, end)
            if rid is not None and name is not None:
                parts[name] = targets.get(rid, "")
        elif kind == END_OF_SHEETS:
            break
    return parts, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900


def longest_shared_string(archive: zipfile.ZipFile, names: dict[str, str], workbook: str) -> int:
    """Bytes the longest shared string takes as calamine keeps it (UTF-8, from UTF-16: at most
    three bytes for two); the part refused beyond its limit. Read before calamine opens the
    workbook, which reads the whole part."""
    parts = [
        target for kind, target in relationships(archive, names, workbook).values()
        if kind == "sharedStrings" and target in archive.NameToInfo
    ]  # fmt: skip
    longest = count = 0
    for part in parts:
        data = read_part(archive, part, SHARED_STRINGS_BYTES)
        for kind, body, end in _records(data):
            if kind == SHARED_STRING:
                longest, count = max(longest, end - body), count + 1
    if count > MAX_SHARED_STRINGS:
        raise too_large()
    return longest * 3 // 2


def xlsb_marks(
    archive: zipfile.ZipFile, part: str | None, longest: int
) -> tuple[dict[int, dict[int, Any]], list[MergedRange]]:
    """The error cells calamine reads as empty, by row and column (from 0), with their text
    (#N/A), and the merged ranges that span rows; refused if the sheet spans more cells than
    calamine should allocate (imports/xls_biff.CellSpan), or would take more than a read may
    (`longest`: bytes of the longest shared string). Read before calamine reads it."""
    if part is None or part not in archive.NameToInfo:
        return {}, []
    data = read_part(archive, part, SHEET_PART_BYTES)
    marks: dict[int, dict[int, Any]] = {}
    merges: list[MergedRange] = []
    row, unpack = 0, struct.unpack_from
    top = left = 2**32
    bottom = right = -1
    cells = strings = 0
    for kind, body, end in _records(data):
        if kind in CELLS and end - body >= 4:
            cells += 1
            strings += kind == SHARED_STRING_CELL
            (column,) = unpack("<I", data, body)
            if column < left or column > right or row < top or row > bottom:  # rarely
                top, bottom = min(top, row), max(bottom, row)
                left, right = min(left, column), max(right, column)
            if kind in (CELL_ERROR, FORMULA_ERROR) and end - body >= 9:
                marks.setdefault(row, {})[column] = ERRORS.get(data[body + 8], "#N/A")
        elif kind == ROW and end - body >= 4:
            (row,) = unpack("<I", data, body)
            if row > LAST_ROW:
                break  # where calamine stops reading
        elif kind == MERGE and end - body >= 16:
            first, last, column, _ = unpack("<IIII", data, body)
            if last > first:
                merges.append(MergedRange(first + 1, last + 1, column))
    text = len(data) + strings * (longest + STRING_BYTES)  # inline texts are in the records
    check_whole_read(span=_block(top, bottom, left, right), cells=cells, text=text)
    return marks, merges


def _block(top: int, bottom: int, left: int, right: int) -> int:
    """The cells calamine allocates for a sheet whose used cells lie from row `top`, column
    `left` to row `bottom`, column `right` (none if `bottom` is below 0); refused as CellSpan
    refuses a span."""
    span = CellSpan()
    if bottom >= 0:
        span.add(top, left, right)
        span.add(bottom, left, right)
    span.check()
    return (bottom - top + 1) * (right - left + 1) if bottom >= 0 else 0
