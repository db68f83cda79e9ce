"""Downloads of the items list (with its filters) and of a storeroom, as xlsx or CSV."""

import io
import re
import unicodedata
from collections.abc import Iterator
from itertools import chain

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user, login_required
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.formats import format_number, reader_csv_style
from app.sheets import CsvStyle, csv_lines, write_xlsx
from app.templating import query_args
from app.timeutil import utcnow
from imports.export import Layout, export_layout, item_rows
from inventory import queries
from inventory.models import Storeroom
from inventory.web import item_filter_from_args

bp = Blueprint("exports", __name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/items/export.<any(xlsx, csv):fmt>")
@login_required
def export_items(fmt: str):
    """Download the items the list shows, with the same filters and order."""
    filters = item_filter_from_args()
    query = queries.search_items(db.session, current_user, filters)
    return download(query, fmt, "items", back=url_for("inventory.items", **query_args()))


@bp.route("/storerooms/<int:storeroom_id>/export.<any(xlsx, csv):fmt>")
@login_required
def export_storeroom(storeroom_id: int, fmt: str):
    """Download what a storeroom holds, as far as the user may see."""
    room = db.session.get(Storeroom, storeroom_id) or abort(404)
    back = url_for("places.storeroom", storeroom_id=room.id)
    return download(queries.items_in(room, current_user), fmt, room.code, back=back)


def download(query: Select, fmt: str, subject: str, *, back: str) -> Response:
    """The export of `query` as an attachment named like reshelf-B1-04-20261123.csv.

    A workbook is written whole before it is sent, which for 200,000 items takes longer than
    a web worker may work; above EXPORT_XLSX_MAX_ROWS the user is sent back with the ways
    that do take that many: CSV, which streams, and the command line."""
    day = to_user_timezone(utcnow())
    name = f"reshelf-{filename_part(subject)}-{day:%Y%m%d}.{fmt}"
    limit = current_app.config["EXPORT_XLSX_MAX_ROWS"]
    if fmt == "xlsx" and count_rows(query) > limit:
        flash(
            _("A workbook can hold up to %(n)s items here. Download CSV, or export with the "
              "command line (flask export).", n=format_number(limit)),
            "error",
        )  # fmt: skip
        return redirect(back)
    layout = export_layout(db.session, query)
    if fmt == "csv":
        style = reader_csv_style(request.args.get("sep"))
        response = Response(csv_stream(db.engine, query, layout, style), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # A workbook is a zip file, written whole at the end, so it cannot be streamed; openpyxl
    # keeps the sheet in a temporary file until then, and 200,000 items zip to about 12 MB.
    workbook = io.BytesIO()
    rows = chain([layout.header], item_rows(db.session, query, layout))
    write_xlsx(rows, workbook, title=_("Items"))
    workbook.seek(0)
    return send_file(workbook, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)


def count_rows(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def csv_stream(engine: Engine, query: Select, layout: Layout, style: CsvStyle) -> Iterator[str]:
    """The CSV lines, read through a session of their own: the request's session and context
    are gone by the time the server sends the body."""
    with Session(engine) as session:
        yield from csv_lines(chain([layout.header], item_rows(session, query, layout)), style)


def filename_part(text: str) -> str:
    """`text` as plain ASCII letters, digits and dashes, safe in a download's file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-") or "export"
