"""What a column whose header we do not know seems to hold, judged by its cells.

Offered in the preview beside the column ("looks like purchase dates"), never applied by
itself: a column of dates may be the last service, not the purchase. Only fields no column has
yet are guessed, from the first rows' cells:
- tags: unique codes with digits, shaped like tags ("BUF-00012", "HJM000004");
- dates: cells that are dates, or text that reads as one;
- money: amounts written with a currency or two decimals ("1 250,00 kr", "€ 450,00");
- quantities: small whole numbers, or "12 st", "4 stk.", "2 stuks".
Plain Python: no database, no request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from imports import values
from imports.mapping import EXTRA, header_target
from imports.table import Table

SAMPLE = 200  # cells looked at per column
SHARE = 0.9  # of them that must fit
_TAG_SHAPE = re.compile(r"[A-Za-zÅÄÖÆØåäöæø]{0,8}[-_.]?\d{2,}[-_.\dA-Za-z]*")
_MONEY_MARK = re.compile(r"kr|sek|dkk|eur|€|£|\$|[.,]\d\d\s*$", re.I)
_COUNTED = re.compile(r"^\s*\d{1,4}\s*(st|stk|stuks|pcs|x)?\.?\s*$", re.I)


def _is_tag(cell: Any) -> bool:
    return isinstance(cell, str) and _TAG_SHAPE.fullmatch(cell.strip()) is not None


def _is_date(cell: Any) -> bool:
    if isinstance(cell, datetime | date):
        return True
    if not isinstance(cell, str):
        return False
    try:
        return values.parse_date(cell) is not None
    except values.ValueProblem:
        return False


def _is_money(cell: Any) -> bool:
    if not isinstance(cell, str) or not _MONEY_MARK.search(cell):
        return False
    try:
        return values.parse_money(cell) is not None
    except values.ValueProblem:
        return False


def _is_quantity(cell: Any) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int):
        return 0 < cell <= 1000
    return isinstance(cell, str) and _COUNTED.match(cell) is not None


CHECKS: tuple[tuple[str, Callable[[Any], bool]], ...] = (
    ("tag", _is_tag),
    ("purchase_date", _is_date),
    ("purchase_price", _is_money),
    ("quantity", _is_quantity),
)


def content_guesses(table: Table, mapping: list[str]) -> dict[int, str]:
    """Column index -> the field its cells look like, for columns kept as extra attributes
    because their header is unknown (not one we know holds none of our fields), and fields that no column gives yet."""
    taken = set(mapping)
    guesses: dict[int, str] = {}
    for index, (header, target) in enumerate(zip(table.headers, mapping, strict=False)):
        if target != EXTRA or header_target(header) is not None:
            continue
        cells = _cells(table, index)
        if not cells:
            continue
        for field, fits in CHECKS:
            if field in taken or field in guesses.values():
                continue
            if sum(map(fits, cells)) >= SHARE * len(cells) and _unique_if_tag(field, cells):
                guesses[index] = field
                break
    return guesses


def _cells(table: Table, index: int) -> list[Any]:
    found = []
    for _, row in table.rows:
        cell = row[index] if index < len(row) else None
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            found.append(cell)
            if len(found) == SAMPLE:
                break
    return found


def _unique_if_tag(field: str, cells: list[Any]) -> bool:
    return field != "tag" or len({str(cell).strip().casefold() for cell in cells}) == len(cells)
