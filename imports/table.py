"""What reading a spreadsheet gives: its header and data rows, and what it found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell without a cached value: an error for that cell, never blank or 0."""

    formula: str


@dataclass(frozen=True, order=True)
class MergedRange:
    """Cells merged over several rows, by the row numbers in the file and the column (from 0)
    of the cell whose value the sheet shows for all of them."""

    first_row: int
    last_row: int
    column: int


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
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why: non_data.Skipped)
    epoch: datetime | None = None
    merged: list[MergedRange] = field(default_factory=list)  # reaching the data, not filled
    merged_filled: int = 0  # ranges whose value was copied to each of their rows
