"""Reading CSV as Excel and other tools write it: its encoding and delimiter found, not asked."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l

from imports.errors import ImportRejected
from imports.header import table_from_rows
from imports.table import Table

CSV_FIELD_LIMIT = 131_072


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


def read_csv(data: bytes, *, max_rows: int) -> Table:
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def rows() -> Iterator[tuple[Any, ...]]:
        once = {}.setdefault  # equal texts kept once: the rows stay in memory to the end
        try:
            for row in reader:
                yield tuple(map(once, row, row))
        except csv.Error:
            raise ImportRejected(
                _l("Malformed CSV near line %(line)d.", line=reader.line_num)
            ) from None

    table = table_from_rows(rows(), max_rows=max_rows)
    table.encoding, table.delimiter = encoding, delimiter
    return table
