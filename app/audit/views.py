"""The audit page for admins: filter the trail, page through it, download it as CSV."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, time
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import Engine, Select
from sqlalchemy.orm import Session

from app.audit.display import ACTION_LABELS, OBJECT_LABELS, change_rows, visible
from app.audit.models import AuditAction, AuditEvent, AuditObject
from app.audit.queries import AuditFilter, audit_events
from app.auth.roles import Role, role_required
from app.extensions import db
from app.formats import reader_csv_style
from app.pagination import cursor_from_args, keyset_page
from app.sheets import CsvStyle, csv_lines
from app.timeutil import utcnow

bp = Blueprint("audit", __name__, url_prefix="/admin")

EARLIEST_YEAR, LATEST_YEAR = 2000, 9000  # a day outside is a typo, not a filter


def day_from_args(name: str) -> date | None:
    try:
        day = date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None
    return day if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


def start_of(day: date) -> datetime:
    """The moment `day` begins where the organisation is, in UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def filter_from_args() -> AuditFilter:
    """Read the filters; unknown values are ignored rather than failing. The days are
    whole days where the organisation is, both included."""
    args = request.args
    action, object_type = args.get("action", ""), args.get("type", "")
    since, until = day_from_args("since"), day_from_args("until")
    return AuditFilter(
        action=AuditAction(action) if action in set(AuditAction) else None,
        actor=args.get("actor", "")[:254].strip(),
        object_type=AuditObject(object_type) if object_type in set(AuditObject) else None,
        object=args.get("object", "")[:300].strip(),
        since=start_of(since) if since else None,
        until=start_of(date.fromordinal(until.toordinal() + 1)) if until else None,
    )


@bp.route("/audit")
@role_required(Role.ADMIN)
def events():
    """The audit trail, newest first, with its filters."""
    cursor = cursor_from_args()
    page = keyset_page(
        db.session,
        audit_events(filter_from_args()),
        order=[AuditEvent.id],
        descending=True,
        anchor=None if cursor.anchor is None else (cursor.anchor,),
        backwards=cursor.before is not None,
        per_page=current_app.config["ITEMS_PER_PAGE"],
    )
    return render_template(
        "admin/audit.html",
        page=page,
        args=request.args,
        actions=ACTION_LABELS,
        objects=OBJECT_LABELS,
        change_rows=change_rows,
        visible=visible,
    )


@bp.route("/audit.csv")
@role_required(Role.ADMIN)
def download():
    """The events the page's filters select, all of them, as CSV."""
    header = [_("Time (UTC)"), _("Action"), _("Actor"), _("Actor id"), _("Object type")]
    header += [_("Object id"), _("Object"), _("Before"), _("After"), _("IP address")]
    query = audit_events(filter_from_args())
    style = reader_csv_style(request.args.get("sep"))
    response = Response(csv_stream(db.engine, query, header, style), mimetype="text/csv")
    name = f"reshelf-audit-{to_user_timezone(utcnow()):%Y%m%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def as_json(state: dict[str, Any] | None) -> str:
    return "" if state is None else json.dumps(state, ensure_ascii=False, sort_keys=True)


def csv_row(row) -> list:
    """One event as cells; the action and object type by their fixed names, for scripts."""
    return [
        row.at,
        str(row.action),
        row.actor_email,
        row.actor_id,
        str(row.object_type),
        row.object_id,
        row.object_label,
        as_json(row.before),
        as_json(row.after),
        row.remote_addr,
    ]


def csv_stream(engine: Engine, query: Select, header: list[str], style: CsvStyle) -> Iterator[str]:
    """The lines of the download, read through a session of its own: the request's session
    is gone by the time the server sends the body. Text cells are defused by csv_lines. The
    result is closed even when the client goes away early: on PostgreSQL it holds a server-side
    cursor."""
    with (
        Session(engine) as session,
        closing(session.execute(query.execution_options(yield_per=1000))) as rows,
    ):
        yield from csv_lines(chain([header], map(csv_row, rows)), style)
