"""What python-calamine cannot tell about an xlsx sheet, read from the sheet's own XML.

Read from each slice of the sheet as it is read (imports/xlsx_slices.py), and only from a
slice that mentions any: a formula without a cached value (an error for that cell, never blank
or 0) and an error value such as #N/A (calamine reads both as empty). Such cells are read
from their <c> tag to its end, not by parsing the whole slice; a slice written otherwise than
Excel writes is parsed whole with defusedxml. Cells merged over rows (<mergeCell ref="B4:B9"/>)
are read from what follows the rows. Also the workbook's date system (1900 or 1904) and which
part holds which sheet, by the workbook's relationships.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.sax.saxutils import unescape

from defusedxml import ElementTree as SafeXml
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from imports.containers import read_part, relationships
from imports.merged import merged_range
from imports.table import MergedRange, Uncalculated

_MARKERS = (b"<f", b":f", b't="e"', b"t='e'")  # a formula, with or without a prefix; an error
_SPECIAL = re.compile(rb"""<(?:[\w.-]+:)?f[\s>/]|\st\s*=\s*["']e["']""")
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s>/])([^>]*)>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_REF = re.compile(r"""\$?([A-Z]{1,3})\$?([0-9]+)""")
_ATTRIBUTE = re.compile(rb"""\s([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?f\s*>)", re.S)
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v\s*>)", re.S)
_ENTITIES = {"&quot;": '"', "&apos;": "'"}
_MERGE_CELL = re.compile(rb"<(?:[\w.-]+:)?mergeCell(\s[^>]*)>")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def xlsx_parts(
    archive: zipfile.ZipFile, names: dict[str, str], workbook: str
) -> tuple[dict[str, str], datetime]:
    """Each sheet's XML part by sheet name, and the workbook's date system (1900 or 1904).

    :param names: the package's entries by folded name (imports/containers.part_names).
    :param workbook: the entry of the workbook part, as the package's relationships name it."""
    root = SafeXml.fromstring(read_part(archive, workbook))
    targets = {rid: target for rid, (_, target) in relationships(archive, names, workbook).items()}
    parts, date1904 = {}, False
    for element in root.iter():
        if _local(element.tag) == "workbookPr":
            date1904 = element.get("date1904", "").lower() in ("1", "true")
        elif _local(element.tag) == "sheet":
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            # calamine reads the first sheet of a name, should a workbook repeat it
            parts.setdefault(element.get("name", ""), targets.get(rid, ""))
    return parts, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900


def slice_marks(xml: bytes, shared: dict[str, str]) -> dict[int, dict[int, Any]]:
    """Cells calamine reads as empty that are not, by row and column (from 0), in a sheet or a
    slice of one (imports/xlsx_slices.py); parsed only if it mentions any.

    :param shared: shared formulas by id, from the slices before; added to."""
    if not any(_holds(xml, marker) for marker in _MARKERS):
        return {}
    return special_cells(xml, shared)


def _holds(window: bytes, marker: bytes) -> bool:
    """Whether the window holds the marker. Its bytes are looked for one by one first: a
    byte is found or ruled out at the speed of memchr, many times faster than the marker,
    and most slices of a sheet lack some byte of each marker (the e of t="e")."""
    return all(bytes((byte,)) in window for byte in set(marker)) and marker in window


def merged_ranges(xml: bytes) -> list[MergedRange]:
    """The <mergeCell ref="B4:B9"/> ranges in this part of a sheet that span rows."""
    tags = _MERGE_CELL.findall(xml, max(xml.find(b"mergeCell"), 0))
    ranges = (merged_range(dict(_attributes(tag)).get("ref", "")) for tag in tags)
    return [merged for merged in ranges if merged is not None]


def special_cells(xml: bytes, shared: dict[str, str] | None = None) -> dict[int, dict[int, Any]]:
    """Only the cells with a formula or an error: each is found by its <f> or t="e", and read
    from its <c> tag to its end. A sheet written otherwise than Excel writes (cells without
    r="B2", or <f> not first in its cell) is parsed whole instead."""
    marks: dict[int, dict[int, Any]] = {}
    shared = {} if shared is None else shared
    done = 0
    data_start, data_end = xml.find(b"sheetData"), xml.rfind(b"sheetData")
    for found in _SPECIAL.finditer(xml, max(data_start, 0), max(data_end, 0)):
        start = xml.rfind(b"<", 0, found.start())
        if start < done:
            continue  # the cell just read: found by both its type and its formula
        tag = _CELL_TAG.match(xml, start)
        if tag is None:
            if found.group().startswith(b"<"):
                return special_cells_parsed(xml, shared)
            continue  # t="e" in a text, not a cell's type
        attributes = dict(_attributes(tag.group(1)))
        ref = _REF.fullmatch(attributes.get("r", ""))
        end = None if tag.group(1).endswith(b"/") else _CELL_END.search(xml, tag.end())
        if ref is None or (end is None and not tag.group(1).endswith(b"/")):
            return special_cells_parsed(xml, shared)
        content = xml[tag.end() : end.start()] if end else b""
        done = end.end() if end else tag.end()
        formula, value = _FORMULA.search(content), _VALUE.search(content)
        formula_attributes = dict(_attributes(formula.group(1))) if formula else {}
        mark = _mark(
            attributes.get("t"), _text(formula.group(2) or b"") if formula else None,
            formula_attributes.get("si"), _text(value.group(1) or b"") if value else None, shared,
        )  # fmt: skip
        if mark is not None:
            column = column_index_from_string(ref.group(1)) - 1
            marks.setdefault(int(ref.group(2)) - 1, {})[column] = mark
    return marks


def _attributes(text: bytes) -> Iterator[tuple[str, str]]:
    for name, double, single in _ATTRIBUTE.findall(text):
        yield _local(name.decode()).rpartition(":")[2], _text(double or single)


def _text(raw: bytes) -> str:
    return unescape(raw.decode("utf-8"), _ENTITIES)


def special_cells_parsed(
    xml: bytes, shared: dict[str, str] | None = None
) -> dict[int, dict[int, Any]]:
    """The same as special_cells, parsing the whole sheet (slower, for unusual writers)."""
    marks: dict[int, dict[int, Any]] = {}
    shared = {} if shared is None else shared
    row = column = -1
    for event, element in SafeXml.iterparse(io.BytesIO(xml), events=("start", "end")):
        name = _local(element.tag)
        if event == "start" and name in ("row", "c"):
            ref = _REF.fullmatch(element.get("r", ""))
            if name == "row":
                row, column = (int(element.get("r")) - 1 if element.get("r") else row + 1), -1
            else:
                column = column_index_from_string(ref.group(1)) - 1 if ref else column + 1
        elif event == "end" and name == "c":
            children = {_local(child.tag): child for child in element}
            formula, value = children.get("f"), children.get("v")
            mark = _mark(
                element.get("t"), None if formula is None else formula.text or "",
                None if formula is None else formula.get("si"),
                None if value is None else value.text or "", shared,
            )  # fmt: skip
            if mark is not None:
                marks.setdefault(row, {})[column] = mark
            element.clear()
    return marks


def _mark(
    kind: str | None, formula: str | None, shared_id: str | None, value: str | None,
    shared: dict[str, str],
) -> Any:  # fmt: skip
    """What openpyxl gives for a cell calamine reads as empty: Uncalculated for a formula
    without a cached value, the error text (#N/A) for an error; None for any other cell.

    openpyxl writes an uncalculated formula with an empty <v/>; Excel writes a formula that
    came out as "" with t="str" and an empty <v></v>, which is a value."""
    if formula is not None:
        if shared_id is not None:  # a shared formula's cells name its first cell's formula
            formula = shared.setdefault(shared_id, formula) if formula else shared.get(shared_id)
        if value is None or (not value and kind != "str"):
            return Uncalculated("=" + (formula or ""))
    if kind == "e" and value:
        return value
    return None
