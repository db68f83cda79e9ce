"""The refused rows of an import as an xlsx: the original columns plus why, to fix and upload
again. The reason column's header is one the mapping leaves out, so the fixed file imports."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import gettext as _

from app.sheets import write_xlsx
from imports.reading import Table, Uncalculated


def error_rows_xlsx(table: Table, reasons: dict[int, list[str]]) -> bytes:
    """The table's rows whose numbers have reasons, in file order, with a reason column."""
    lines: list[list[Any]] = [[*table.headers, _("Import error")]]
    for number, cells in table.rows:
        if number in reasons:
            values = ["" if isinstance(cell, Uncalculated) else cell for cell in cells]
            values += [""] * (len(table.headers) - len(values))
            lines.append([*values, "; ".join(reasons[number])])
    out = io.BytesIO()
    write_xlsx(lines, out, title=_("Errors"))
    return out.getvalue()
