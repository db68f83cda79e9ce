"""Reading a stock spreadsheet into a header and data rows, whatever its shape.

Facility managers bring xlsx (also .xlsm, never running its macros), OpenDocument .ods and CSV
in any of the encodings and delimiters Excel writes. Above the header there may be a title and
a date; between rows, blank rows; at the bottom, a totals row. We find the header, skip the rest
and keep each row's number in the file, so every error can point at the row the user sees.

Workbooks are read by python-calamine (Rust: a 100,000-row sheet in about a second, where
openpyxl takes half a minute), and its cells are made the ones openpyxl gives: None for an
empty cell, int for a whole number, datetime for a date. What calamine cannot tell is found in
the sheet's own XML, and only when the sheet has any: a formula without a cached value (an
error for that cell, never blank or 0) and an error value such as #N/A (calamine reads it as
empty). openpyxl stays for writing exports and error files.

A file we cannot read safely is refused with `ImportRejected` before anything else happens:
zip bombs are measured before the workbook is opened; calamine's XML parser expands no entities
(a DTD's entities are errors), and the XML we parse ourselves goes through defusedxml.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import unescape

from defusedxml import ElementTree as SafeXml
from defusedxml.common import DefusedXmlException
from flask_babel import lazy_gettext as _l
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
    XmlError,
)

from imports.mapping import guess_field
from imports.merged import merged_range, settle_merged
from imports.table import ImportRejected, MergedRange, NoHeader, Table, Uncalculated

__all__ = ["ImportRejected", "NoHeader", "Table", "Uncalculated", "gc_paused", "read_table"]

MAX_EXPANDED_BYTES = 500 * 1024 * 1024  # what an xlsx may unpack to
MAX_ZIP_ENTRIES = 2_000
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 30
CSV_FIELD_LIMIT = 131_072
TOTALS = re.compile(
    r"^\s*(summa|sum|total|totalt|totals|i alt|ialt|totaal|totaal generaal)\b", re.I
)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
SCAN_CHUNK = 1024 * 1024


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an import builds, checks or writes its rows.

    100,000 rows make millions of tuples, dicts and lists that all live until the end; every
    few thousand of them the collector walks the whole growing heap again, which costs a third
    of an import. Reference counting still frees what is dropped; only reference cycles wait.
    Turned on again on the way out, unless it was off before (an import in another thread
    may have paused it: the last one out turns it on). Also a decorator."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    name = filename.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, or an encrypted workbook
        raise ImportRejected(
            _l("This is an old .xls or a password-protected workbook. Save it as .xlsx or CSV.")
        )
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm", ".ods")):
        return _read_workbook(data, sheet=sheet, max_rows=max_rows, fill_merged=fill_merged)
    if data.startswith(b"%PDF") or data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        raise ImportRejected(_l("This is not a spreadsheet. Save it as .xlsx or UTF-8 CSV."))
    return _read_csv(data, max_rows=max_rows)


# --- workbooks: xlsx, xlsm, ods ----------------------------------------------------------------


def _damaged() -> ImportRejected:
    return ImportRejected(
        _l("The file is damaged or not a spreadsheet. Save it as .xlsx or UTF-8 CSV.")
    )


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _damaged() from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_EXPANDED_BYTES:
        raise ImportRejected(_l("The file expands beyond the limit we accept."))
    return archive


@contextmanager
def _refusing_unreadable() -> Iterator[None]:
    """Parser failures as ImportRejected, in the user's terms."""
    try:
        yield
    except ImportRejected:
        raise
    except (XmlError, DefusedXmlException, ParseError):
        raise ImportRejected(_l("The file is not a valid spreadsheet.")) from None
    except (CalamineError, zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError):
        raise _damaged() from None


def _read_workbook(data: bytes, *, sheet: str | None, max_rows: int, fill_merged: bool) -> Table:
    archive = _check_zip(data)
    with _refusing_unreadable():
        ods = "mimetype" in archive.NameToInfo and archive.read("mimetype") == ODS_MIMETYPE
        if not ods and "xl/workbook.xml" not in archive.NameToInfo:
            raise _damaged()  # an .xlsb, or no workbook at all
        if ods:
            content, epoch = _ods_content(archive)
        else:
            parts, epoch = _xlsx_parts(archive)
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        title, visible = _choose_sheet(book, sheet)
        # No sheet named: the first visible one with a header we recognise (a workbook may
        # open on a cover or notes sheet); if none has one, the first sheet's reason.
        candidates = [title] if sheet else visible
        first_refusal = None
        for title in candidates:
            marks, merges = (
                _ods_marks(content, title) if ods else _xlsx_marks(archive, parts.get(title))
            )
            rows = _workbook_rows(book.get_sheet_by_name(title), marks)
            try:
                table = _table(rows, max_rows=max_rows)
            except NoHeader as refusal:
                first_refusal = first_refusal or refusal
                continue
            table.sheet, table.sheets, table.epoch = title, visible, epoch
            settle_merged(table, merges, fill=fill_merged)
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


def _workbook_rows(
    sheet: CalamineSheet, marks: dict[int, dict[int, Any]]
) -> Iterator[tuple[Any, ...]]:
    """Every row from the sheet's first, cells as openpyxl gives them, marked cells put in.

    calamine yields rows from the first row of the sheet but cells from its first used column,
    and "" for an empty cell. A row may hold nothing but an uncalculated formula, which calamine
    does not count as data: those rows come after its last. Equal texts are kept once (calamine
    makes a string per cell), which saves a third of the memory of a typical stock list."""
    pad = (None,) * sheet.start[1] if sheet.start else ()
    once = {}.setdefault
    count = 0
    for index, row in enumerate(sheet.iter_rows()):
        cells = pad + tuple(
            [
                None if cell == "" else once(cell, cell) if type(cell) is str else _cell(cell)
                for cell in row
            ]
        )
        yield _marked(cells, marks[index]) if index in marks else cells
        count = index + 1
    for index in range(count, max(marks, default=-1) + 1):
        yield _marked((), marks.get(index, {}))


def _cell(value: Any) -> Any:
    kind = type(value)
    if kind is float:  # calamine reads every number as float; openpyxl "12" as int
        return int(value) if value.is_integer() and -(2**53) < value < 2**53 else value
    if kind is date:  # openpyxl gives datetime for every date cell
        return datetime(value.year, value.month, value.day)
    return value


def _marked(cells: tuple[Any, ...], marks: dict[int, Any]) -> tuple[Any, ...]:
    width = max(len(cells), max(marks, default=-1) + 1)
    out = list(cells) + [None] * (width - len(cells))
    for column, value in marks.items():
        out[column] = value
    return tuple(out)


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


# --- xlsx: parts, and the cells calamine cannot tell ------------------------------------------

_RELS = "xl/_rels/workbook.xml.rels"
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


def _xlsx_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], datetime]:
    """Each sheet's XML part by sheet name, and the workbook's date system (1900 or 1904)."""
    workbook = SafeXml.fromstring(archive.read("xl/workbook.xml"))
    relations = SafeXml.fromstring(archive.read(_RELS)) if _RELS in archive.NameToInfo else []
    targets = {relation.get("Id"): relation.get("Target", "") for relation in relations}
    parts, date1904 = {}, False
    for element in workbook.iter():
        if _local(element.tag) == "workbookPr":
            date1904 = element.get("date1904", "").lower() in ("1", "true")
        elif _local(element.tag) == "sheet":
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            parts[element.get("name", "")] = (
                target[1:] if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            )
    return parts, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900


def _mentions(
    archive: zipfile.ZipFile, name: str, groups: dict[str, tuple[bytes, ...]]
) -> set[str]:
    """Which groups of markers a part holds, read in chunks rather than unpacked whole."""
    found: set[str] = set()
    tail = b""
    with archive.open(name) as stream:
        while len(found) < len(groups) and (chunk := stream.read(SCAN_CHUNK)):
            window = tail + chunk
            found.update(
                group for group, markers in groups.items()
                if group not in found and any(marker in window for marker in markers)
            )  # fmt: skip
            tail = window[-16:]
    return found


def _xlsx_marks(
    archive: zipfile.ZipFile, part: str | None
) -> tuple[dict[int, dict[int, Any]], list[MergedRange]]:
    """Cells calamine reads as empty that are not, by row and column (from 0); and the
    merged ranges that span rows. The sheet is parsed only for what it mentions."""
    if part is None or part not in archive.NameToInfo:
        return {}, []
    found = _mentions(archive, part, {"special": _MARKERS, "merged": (b"mergeCell",)})
    if not found:
        return {}, []
    xml = archive.read(part)
    marks = _special_cells(xml) if "special" in found else {}
    return marks, (_merged_ranges(xml) if "merged" in found else [])


def _merged_ranges(xml: bytes) -> list[MergedRange]:
    """The sheet's <mergeCell ref="B4:B9"/> ranges that span rows (they follow the cells)."""
    tags = _MERGE_CELL.findall(xml, max(xml.find(b"mergeCell"), 0))
    ranges = (merged_range(dict(_attributes(tag)).get("ref", "")) for tag in tags)
    return [merged for merged in ranges if merged is not None]


def _special_cells(xml: bytes) -> dict[int, dict[int, Any]]:
    """Only the cells with a formula or an error: each is found by its <f> or t="e", and read
    from its <c> tag to its end. A sheet written otherwise than Excel writes (cells without
    r="B2", or <f> not first in its cell) is parsed whole instead."""
    marks: dict[int, dict[int, Any]] = {}
    shared: dict[str, str] = {}
    done = 0
    data_start, data_end = xml.find(b"sheetData"), xml.rfind(b"sheetData")
    for found in _SPECIAL.finditer(xml, max(data_start, 0), max(data_end, 0)):
        start = xml.rfind(b"<", 0, found.start())
        if start < done:
            continue  # the cell just read: found by both its type and its formula
        tag = _CELL_TAG.match(xml, start)
        if tag is None:
            if found.group().startswith(b"<"):
                return _special_cells_parsed(xml)
            continue  # t="e" in a text, not a cell's type
        attributes = dict(_attributes(tag.group(1)))
        ref = _REF.fullmatch(attributes.get("r", ""))
        end = None if tag.group(1).endswith(b"/") else _CELL_END.search(xml, tag.end())
        if ref is None or (end is None and not tag.group(1).endswith(b"/")):
            return _special_cells_parsed(xml)
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


def _special_cells_parsed(xml: bytes) -> dict[int, dict[int, Any]]:
    """The same as _special_cells, parsing the whole sheet (slower, for unusual writers)."""
    marks: dict[int, dict[int, Any]] = {}
    shared: dict[str, str] = {}
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


# --- ods ---------------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_NULL_DATE = re.compile(rb'null-date[^>]*?date-value="([0-9]{4})-([0-9]{2})-([0-9]{2})')


def _ods_content(archive: zipfile.ZipFile) -> tuple[bytes | None, datetime]:
    """The content, kept if it has formulas (to find those without a value) or cells merged
    over rows, and the day from which the file counts dates (LibreOffice's null date,
    1899-12-30 unless changed)."""
    content = archive.read("content.xml")
    null_date = _NULL_DATE.search(content)
    epoch = datetime(*map(int, null_date.groups())) if null_date else CALENDAR_WINDOWS_1900
    kept = b"table:formula" in content or b"number-rows-spanned" in content
    return (content if kept else None), epoch


def _ods_marks(
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


# --- csv --------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: a BOM decides; else UTF-8 if it is valid,
    else Windows-1252 (what Excel writes in the Nordics); never with errors ignored."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportRejected(_l("The file says it is UTF-16 but is not.")) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise ImportRejected(
                _l("The file is not UTF-8 (line %(line)d, byte %(byte)d) nor Windows-1252.",
                   line=line, byte=utf8_error.start)
            ) from None  # fmt: skip


def sniff_delimiter(text: str) -> str:
    """`;`, tab or `,`: whichever splits the first lines most consistently."""
    sample = [line for line in text[:65536].splitlines()[:20] if line.strip()]
    best, best_score = ",", -1
    for delimiter in (";", "\t", ","):
        counts = [len(next(csv.reader([line], delimiter=delimiter), [])) - 1 for line in sample]
        if not counts or max(counts) == 0:
            continue
        score = sum(1 for count in counts if count == max(counts)) * max(counts)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, *, max_rows: int) -> Table:
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def rows() -> Iterator[tuple[Any, ...]]:
        once = {}.setdefault  # equal texts kept once: the rows stay in memory to the end
        try:
            for row in reader:
                yield tuple([once(cell, cell) for cell in row])
        except csv.Error:
            raise ImportRejected(
                _l("Malformed CSV near line %(line)d.", line=reader.line_num)
            ) from None

    table = _table(rows(), max_rows=max_rows)
    table.encoding, table.delimiter = encoding, delimiter
    return table


# --- header and rows ----------------------------------------------------------------------------


def _is_blank(row: tuple[Any, ...]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _header_score(row: tuple[Any, ...]) -> int:
    return sum(1 for cell in row if isinstance(cell, str) and guess_field(cell))


def _table(source: Iterable[tuple[Any, ...]], *, max_rows: int) -> Table:
    """Find the header in the first rows (the row naming most known fields), then collect the
    data rows below it without blank rows and trailing totals rows."""
    rows = iter(source)
    head: list[tuple[int, tuple[Any, ...]]] = []
    for number, row in enumerate(rows, start=1):
        head.append((number, row))
        if number >= HEADER_SEARCH_ROWS:
            break
    scored = [(_header_score(row), -number, number, row) for number, row in head]
    if not scored or max(scored)[0] < 2:
        if all(_is_blank(row) for _, row in head):
            raise NoHeader(_l("The file is empty: no data rows."))
        raise NoHeader(
            _l("We could not find the header row. The columns should have names such as "
               "Name, Quantity, Condition, Storeroom.")
        )  # fmt: skip
    _, _, header_number, header = max(scored)
    headers = _headers(header)
    width = len(headers)
    data: list[tuple[int, tuple[Any, ...]]] = []
    blank = 0
    after = (pair for pair in head if pair[0] > header_number)
    for number, row in _chain(after, rows, start=len(head) + 1):
        if _is_blank(row):
            blank += 1
            continue
        if len(data) >= max_rows:
            raise ImportRejected(_l("Too many rows (at most %(n)d). Split the file.", n=max_rows))
        if len(row) != width:
            row = tuple(row[:width]) + (None,) * (width - len(row))
        data.append((number, row))
    totals = 0
    while data and _is_totals(data[-1][1]):
        data.pop()
        totals += 1
    if not data:
        raise ImportRejected(_l("The file has a header but no data rows."))
    return Table(headers, data, header_row=header_number, blank_rows=blank, totals_rows=totals)


def _chain(
    head: Iterator[tuple[int, tuple[Any, ...]]], rest: Iterator[tuple[Any, ...]], *, start: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    yield from head
    yield from enumerate(rest, start=start)


def _headers(row: tuple[Any, ...]) -> list[str]:
    """The header's names, trimmed (BOM, NBSP); refused if a name repeats or there are too many."""
    names = [
        "" if cell is None else " ".join(str(cell).replace("\ufeff", "").split()) for cell in row
    ]
    while names and not names[-1]:
        names.pop()
    if len(names) > MAX_COLUMNS:
        shown = ", ".join(name for name in names[MAX_COLUMNS : MAX_COLUMNS + 5] if name)
        raise ImportRejected(
            _l("Unexpected columns (more than %(n)d): %(names)s …", n=MAX_COLUMNS, names=shown)
        )
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key and key in seen:
            raise ImportRejected(
                _l("The column %(name)s appears twice. Rename or remove one.", name=name)
            )
        seen.add(key)
    return names


def _is_totals(row: tuple[Any, ...]) -> bool:
    texts = [cell for cell in row if isinstance(cell, str) and cell.strip()]
    sums = [c for c in row if isinstance(c, Uncalculated) and "SUM(" in c.formula.upper()]
    return bool(sums) or (len(texts) <= 2 and any(TOTALS.match(text) for text in texts))
