"""Finding the header of a sheet and its data rows, whatever sits around them.

Above the header there may be a title and a date; between rows, blank rows; at the bottom,
totals and signatures. The header is the row among the first that names most known fields;
blank rows are skipped and counted, totals, footers and a repeated header skipped and listed
(imports/non_data.py), and each row keeps its number in the file, so every error can point at
the row the user sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l

from imports.errors import ImportRejected, NoHeader
from imports.mapping import guess_field
from imports.non_data import skip_non_data
from imports.table import Table

MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 30
# Cells a table may hold (rows times the header's columns): 200,000 rows of 12 columns. A
# table is kept whole until it is checked, and a sheet within the row cap may be as wide as
# 200 columns; the rows a sheet may have shrink as it widens (docs/architecture.md, memory).
MAX_CELLS = 2_400_000


def _is_blank(row: tuple[Any, ...]) -> bool:
    # A loop that stops at the first cell with something in it (the second, in most rows):
    # asked of every row, it costs a fifth of what all() over a generator did.
    for cell in row:  # noqa: SIM110 (the point is not to use all() here)
        if cell is not None and (type(cell) is not str or cell.strip()):
            return False
    return True


def _header_score(row: tuple[Any, ...]) -> int:
    return sum(1 for cell in row if isinstance(cell, str) and guess_field(cell))


def table_from_rows(source: Iterable[tuple[Any, ...]], *, max_rows: int) -> Table:
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
    limit = min(max_rows, MAX_CELLS // max(width, 1))
    data: list[tuple[int, tuple[Any, ...]]] = []
    blank = 0
    after = (pair for pair in head if pair[0] > header_number)
    for number, row in _chain(after, rows, start=len(head) + 1):
        if _is_blank(row):
            blank += 1
            continue
        if len(data) >= limit:
            raise _too_many_rows(limit, width, max_rows=max_rows)
        if len(row) != width:
            row = tuple(row[:width]) + (None,) * (width - len(row))
        data.append((number, row))
    data, skipped = skip_non_data(data, headers, header)
    if not data:
        raise ImportRejected(_l("The file has a header but no data rows."))
    return Table(headers, data, header_row=header_number, blank_rows=blank, skipped=skipped)


def _too_many_rows(limit: int, width: int, *, max_rows: int) -> ImportRejected:
    if limit == max_rows:
        return ImportRejected(_l("Too many rows (at most %(n)d). Split the file.", n=max_rows))
    return ImportRejected(
        _l("Too many rows for %(columns)d columns (at most %(n)d). Split the file, or leave out "
           "the columns you do not need.", columns=width, n=limit)
    )  # fmt: skip


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
