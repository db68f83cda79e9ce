"""Reading CSV as Excel and other tools write it: its encoding and delimiter found, not asked.

The file is decoded as it is read, never whole: a 50 MB file holding one emoji would be a
200 MB string (Python keeps four bytes a character for such a text). Equal texts are kept
once, and what the rows hold is counted as a workbook's is (imports/cell_columns.py): a table
holding too much is refused.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from itertools import islice
from sys import getsizeof
from typing import Any

from flask_babel import lazy_gettext as _l

from imports.cell_columns import BLOCK_ROWS, REMEMBERED_BYTES, ROW_BYTES, HeldBytes
from imports.errors import ImportRejected
from imports.header import table_from_rows
from imports.table import Table

CSV_FIELD_LIMIT = 131_072
CHUNK = 1024 * 1024
SNIFF_BYTES = 256 * 1024  # the first lines, for the delimiter


def encoding_of(data: bytes) -> tuple[str, str]:
    """The codec to read the file with and the encoding's name: a BOM decides; else UTF-8 if it
    is valid, else Windows-1252 (what Excel writes in the Nordics); never with errors ignored."""
    if data.startswith(codecs.BOM_UTF8):
        return ("utf-8-sig", "UTF-8") if _first_error(data, "utf-8") is None else _not_text(data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _first_error(data, "utf-16") is not None:
            raise ImportRejected(_l("The file says it is UTF-16 but is not."))
        return "utf-16", "UTF-16"
    if _first_error(data, "utf-8") is None:
        return "utf-8", "UTF-8"
    if _first_error(data, "cp1252") is None:
        return "cp1252", "Windows-1252"
    return _not_text(data)


def _first_error(data: bytes, codec: str) -> int | None:
    """None if the file decodes with the codec (checked a chunk at a time, nothing kept), else
    where the chunk that fails begins."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    for start in range(0, len(data) or 1, CHUNK):
        try:
            decoder.decode(view[start : start + CHUNK], final=start + CHUNK >= len(data))
        except UnicodeDecodeError:
            return start
    return None


def _not_text(data: bytes) -> tuple[str, str]:
    """Refuse a file that is neither UTF-8 nor Windows-1252, naming where UTF-8 fails."""
    start = max((_first_error(data, "utf-8") or 0) - 3, 0)  # from a character's first byte
    try:
        data[start : start + CHUNK + 6].decode("utf-8")
        error = start
    except UnicodeDecodeError as found:
        error = start + found.start
    line = data.count(b"\n", 0, error) + 1
    raise ImportRejected(
        _l("The file is not UTF-8 (line %(line)d, byte %(byte)d) nor Windows-1252.",
           line=line, byte=error)
    )  # fmt: skip


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
    codec, encoding = encoding_of(data)
    delimiter = sniff_delimiter(codecs.getincrementaldecoder(codec)().decode(data[:SNIFF_BYTES]))
    csv.field_size_limit(CSV_FIELD_LIMIT)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    reader = csv.reader(text, delimiter=delimiter, strict=True)

    def rows() -> Iterator[tuple[Any, ...]]:
        # Equal texts kept once, all of them (the rows stay in memory to the end), and what
        # the rows hold counted a block at a time: the texts new to the block are the last
        # ones kept.
        kept: dict[str, str] = {}
        once, held, counted = kept.setdefault, HeldBytes(), 0
        try:
            while block := [tuple(map(once, row, row)) for row in islice(reader, BLOCK_ROWS)]:
                new, counted = len(kept) - counted, len(kept)
                held.add(sum(map(getsizeof, islice(reversed(kept), new)))
                         + REMEMBERED_BYTES * new + 8 * sum(map(len, block))
                         + ROW_BYTES * len(block))  # fmt: skip
                yield from block
        except csv.Error:
            raise ImportRejected(
                _l("Malformed CSV near line %(line)d.", line=reader.line_num)
            ) from None

    table = table_from_rows(rows(), max_rows=max_rows)
    table.encoding, table.delimiter = encoding, delimiter
    return table
