"""The savings report as an xlsx workbook: the same rows and totals as the page.

Written with openpyxl's write-only mode. Labels (department and category names) are typed
as text cells, so a name that starts like a formula is never run by a spreadsheet program.
"""

from __future__ import annotations

from decimal import Decimal
from os import PathLike
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.sheets import xlsx_cell
from reuse.savings.report import CHECK_COLUMNS, OUTCOME_COLUMNS, Column, Figures, SavingsReport

NUMBER_FORMATS = {"count": "#,##0", "money": "#,##0.00", "kg": "#,##0.00"}


def write_savings_xlsx(
    report: SavingsReport, target: str | PathLike[str] | IO[bytes], *, group_label: str,
    total_label: str, currency: str, sheet_titles: tuple[str, str],
) -> None:  # fmt: skip
    """Two sheets, what became of surplus and the buy checks: a header, a row per group, and
    the total, which is the page's total."""
    workbook = Workbook(write_only=True)
    for title, columns in zip(sheet_titles, (OUTCOME_COLUMNS, CHECK_COLUMNS), strict=True):
        sheet = workbook.create_sheet(title[:31])
        header = [group_label] + [_heading(c, currency) for c in columns]
        sheet.append([xlsx_cell(sheet, text) for text in header])
        lines = [(str(row.label), row.figures) for row in report.rows]
        for label, figures in [*lines, (total_label, report.total)]:
            sheet.append([xlsx_cell(sheet, label)] + [_number(sheet, c, figures) for c in columns])
    workbook.save(target)


def _heading(column: Column, currency: str) -> str:
    label = str(column.label)
    return f"{label} ({currency})" if column.kind == "money" and currency else label


def _number(sheet, column: Column, figures: Figures) -> WriteOnlyCell:
    value = getattr(figures, column.name)
    cell = WriteOnlyCell(sheet, value=Decimal(value) if column.kind != "count" else value)
    cell.number_format = NUMBER_FORMATS[column.kind]
    return cell
