"""Reading a stock spreadsheet into a header and data rows, whatever its shape.

Facility managers bring xlsx (also .xlsm, never running its macros) and CSV in any of the
encodings and delimiters Excel writes. Above the header there may be a title and a date;
between rows, blank rows; at the bottom, a totals row. We find the header, skip the rest and
keep each row's number in the file, so every error can point at the row the user sees.

A file we cannot read safely is refused with `ImportRejected` before anything else happens:
zip bombs are measured before openpyxl opens the file, and openpyxl parses XML through
defusedxml (installed with it), so entity expansion and external entities are refused.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.utils.exceptions import InvalidFileException

from imports.mapping import guess_field

MAX_EXPANDED_BYTES = 500 * 1024 * 1024  # what an xlsx may unpack to
MAX_ZIP_ENTRIES = 2_000
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 30
CSV_FIELD_LIMIT = 131_072
TOTALS = re.compile(
    r"^\s*(summa|sum|total|totalt|totals|i alt|ialt|totaal|totaal generaal)\b", re.I
)


class ImportRejected(Exception):
    """The whole file is refused; the message says why in the user's terms."""


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell without a cached value: an error for that cell, never blank or 0."""

    formula: str


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]  # (row number in the file, cells)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1
    blank_rows: int = 0
    totals_rows: int = 0
    epoch: datetime | None = None


def read_table(data: bytes, filename: str, *, sheet: str | None = None, max_rows: int) -> Table:
    """The header and data rows of an uploaded file; ImportRejected if it cannot be read."""
    if not data:
        raise ImportRejected(_l("The file is empty: no data rows."))
    name = filename.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, or an encrypted workbook
        raise ImportRejected(
            _l("This is an old .xls or a password-protected workbook. Save it as .xlsx or CSV.")
        )
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, sheet=sheet, max_rows=max_rows)
    if name.endswith(".ods"):
        raise ImportRejected(_l("OpenDocument files are not read yet. Save it as .xlsx or CSV."))
    if data.startswith(b"%PDF") or data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        raise ImportRejected(_l("This is not a spreadsheet. Save it as .xlsx or UTF-8 CSV."))
    return _read_csv(data, max_rows=max_rows)


# --- xlsx -------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRejected(
            _l("The file is damaged or not a spreadsheet. Save it as .xlsx or UTF-8 CSV.")
        ) from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_EXPANDED_BYTES:
        raise ImportRejected(_l("The file expands beyond the limit we accept."))
    return archive


def _read_xlsx(data: bytes, *, sheet: str | None, max_rows: int) -> Table:
    archive = _check_zip(data)
    try:
        with_formulas = any(
            b"<f" in archive.read(info)
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/")
        )
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = (
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if with_formulas
            else None
        )
    except ImportRejected:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise ImportRejected(
            _l("The file is damaged or not a spreadsheet. Save it as .xlsx or UTF-8 CSV.")
        ) from None
    except Exception as error:  # defusedxml refusals and other parser failures
        if type(error).__module__.startswith(("defusedxml", "xml")):
            raise ImportRejected(_l("The file is not a valid spreadsheet.")) from None
        raise
    # Chartsheets have no rows; worksheets' stated dimensions are not trusted (LibreOffice may
    # write A1:A1, a script none at all), so every row present is read.
    worksheets = [ws for ws in values.worksheets if hasattr(ws, "reset_dimensions")]
    for ws in worksheets + (formulas.worksheets if formulas else []):
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
    visible = [ws.title for ws in worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise ImportRejected(_l("The workbook has no sheet with data."))
    title = sheet or visible[0]
    if title not in values.sheetnames:
        raise ImportRejected(_l("The workbook has no sheet called %(name)s.", name=title))
    rows = _zip_formulas(
        values[title].iter_rows(values_only=True),
        formulas[title].iter_rows(values_only=True) if formulas else None,
    )
    try:
        table = _table(rows, max_rows=max_rows)
    except zipfile.BadZipFile:
        raise ImportRejected(_l("The file is damaged. Save it again as .xlsx or CSV.")) from None
    table.sheet, table.sheets, table.epoch = title, visible, values.epoch
    return table


def _zip_formulas(
    values: Iterable[tuple[Any, ...]], formulas: Iterable[tuple[Any, ...]] | None
) -> Iterator[tuple[Any, ...]]:
    """Cached values, with Uncalculated where a formula has none (a file never opened in
    Excel, or written by a script)."""
    if formulas is None:
        yield from values
        return
    for value_row, formula_row in zip(values, formulas, strict=False):
        yield tuple(
            Uncalculated(formula)
            if value is None and isinstance(formula, str) and formula.startswith("=")
            else value
            for value, formula in zip(value_row, formula_row, strict=False)
        ) + tuple(value_row[len(formula_row) :])


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
        try:
            for row in reader:
                yield tuple(row)
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
            raise ImportRejected(_l("The file is empty: no data rows."))
        raise ImportRejected(
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
        cells = tuple(row[:width]) + (None,) * (width - len(row))
        data.append((number, cells))
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
