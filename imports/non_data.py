"""Rows of a sheet that are not items: totals, the lines after the data, a repeated header.

A stock list kept for printing has a totals row at the end of a block ("Summa", "I alt",
"Totaal", with its sums), signatures, dates and page footers below the data ("Opgemaakt door:
J. Peeters", "Sida 1 av 3"), and its header again on every printed page. Each is skipped with
its reason, which the preview lists row by row; nothing else is.
"""

from __future__ import annotations

import enum
import re
from datetime import date
from typing import Any

from imports.table import Uncalculated

Row = tuple[int, tuple[Any, ...]]  # (row number in the file, cells)

TOTALS = re.compile(
    r"^\s*(summa|delsumma|sum|subtotal|sub-total|subtotaal|total|totalt|totals|totaal"
    r"|i\s*alt|sammanlagt|samlet|grand total|eindtotaal|totaal generaal)\b",
    re.I,
)
FOOTER = re.compile(
    r":|^\s*(sida|side|page|pagina|blad)\s*\d|^\s*\d+\s*(av|af|of|van|/)\s*\d+\s*$"
    r"|underskrift|signatur|handtekening|utskriven|udskrevet|printed|afgedrukt",
    re.I,
)


_DATE = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")


class Skipped(enum.StrEnum):
    """Why a row of the sheet is not an item."""

    TOTALS = "totals"
    FOOTER = "footer"  # a signature, a date, a page footer after the data
    HEADER = "header"  # the header again, as printing repeats it


def skip_non_data(
    rows: list[Row], headers: list[str], raw_header: tuple[Any, ...] = ()
) -> tuple[list[Row], list[tuple[int, str]]]:
    """The rows that may be items, and the numbers of those that are not with the reason.

    :param rows: the data rows below the header, blank rows left out (a gap in the numbers is
        where blank rows were: a block ends there).
    :param raw_header: the header row's cells as the sheet has them.
    """
    skipped: dict[int, Skipped] = {}
    repeated = _header_cells(headers)
    for index in _header_again(rows, repeated, raw_header):
        skipped[rows[index][0]] = Skipped.HEADER
    for index in _block_ends(rows):
        if rows[index][0] not in skipped and _is_totals(rows[index][1]):
            skipped[rows[index][0]] = Skipped.TOTALS
    for number in _footer(rows, skipped, columns=len(repeated)):
        skipped[number] = Skipped.FOOTER
    kept = [row for row in rows if row[0] not in skipped] if skipped else rows
    return kept, sorted((number, reason.value) for number, reason in skipped.items())


def _block_ends(rows: list[Row]) -> list[int]:
    """The indexes of the rows a blank row or the end of the sheet follows."""
    numbers = [number for number, _ in rows]
    pairs = zip(numbers, numbers[1:], strict=False)
    ends = [i for i, (this, after) in enumerate(pairs) if after > this + 1]
    return [*ends, len(rows) - 1] if rows else []


def _is_totals(cells: tuple[Any, ...]) -> bool:
    texts = [cell for cell in cells if isinstance(cell, str) and cell.strip()]
    sums = [c for c in cells if isinstance(c, Uncalculated) and "SUM(" in c.formula.upper()]
    return bool(sums) or (len(texts) <= 2 and any(TOTALS.match(text) for text in texts))


def _header_cells(headers: list[str]) -> dict[int, str]:
    """The header's named cells by column, folded, for finding it again below."""
    return {index: name.casefold() for index, name in enumerate(headers) if name}


def _header_again(rows: list[Row], header: dict[int, str], raw: tuple[Any, ...]) -> list[int]:
    """The indexes of the rows that repeat the header: its first named column, written as the
    header writes it, picks the rows to look at (a set lookup each, for 100,000 rows); most of
    its columns decide."""
    if not header:
        return []
    first = next(iter(header))
    written = [header[first], raw[first] if first < len(raw) else None]
    forms = {form for text in written if isinstance(text, str)
             for form in (text, text.casefold(), text.upper(), text.title())}  # fmt: skip
    column = [cells[first] if first < len(cells) else None for _, cells in rows]
    found = []
    for index in [i for i, cell in enumerate(column) if cell in forms]:
        cells = rows[index][1]
        same = sum(1 for i, name in header.items() if i < len(cells)
                   and isinstance(cells[i], str) and " ".join(cells[i].split()).casefold() == name)  # fmt: skip
        if same >= max(2, len(header) * 2 // 3):
            found.append(index)
    return found


def _filled(cells: tuple[Any, ...]) -> int:
    return sum(1 for c in cells if c is not None and (not isinstance(c, str) or c.strip()))


def _footer(rows: list[Row], skipped: dict[int, Skipped], *, columns: int) -> list[int]:
    """The lines after the data: in the run of rows at the end that have no numbers and cells
    in at most half the header's columns, those worded like a footer or holding only a date,
    and the lines right below them ("Opgemaakt door:" with the name on the line below). A
    short last item row stays an item."""
    items = [(number, cells) for number, cells in rows if number not in skipped]
    run: list[Row] = []
    for number, cells in reversed(items[1:]):
        texts = [c for c in cells if c is not None and (not isinstance(c, str) or c.strip())]
        if _filled(cells) * 2 > max(columns, 2) or any(_is_number(c) for c in texts):
            break
        run.append((number, cells))
    found = {number for number, cells in run if _worded(cells)}
    for number, _ in reversed(run):  # top down: the line below a footer line is one too
        if number - 1 in found:
            found.add(number)
    return sorted(found)


def _is_number(cell: Any) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def _worded(cells: tuple[Any, ...]) -> bool:
    """A signature, a date, a page number, a line to sign on: what a footer line says."""
    texts = [
        str(c).strip() for c in cells if c is not None and (not isinstance(c, str) or c.strip())
    ]
    if all(isinstance(c, date) for c in cells if c is not None and c != ""):
        return True
    return all(
        _DATE.fullmatch(text) or not any(ch.isalnum() for ch in text) for text in texts
    ) or any(FOOTER.search(text) for text in texts)
