"""The savings report: tables, charts drawn on the server, and the same figures as xlsx.

Managers and admins see every department and may pick one. Everyone else sees their own
department's figures only: what became of its surplus is its own business to follow, and
other departments' figures are for the managers who run reuse across them.
"""

from __future__ import annotations

import io

from flask import Blueprint, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from app.formats import format_money, format_number
from inventory.models import Department, Organisation
from reuse import access
from reuse.savings import chart
from reuse.savings.forms import GROUPINGS, SavingsForm
from reuse.savings.report import (
    CHECK_COLUMNS,
    OUTCOME_COLUMNS,
    Grouping,
    SavingsReport,
    savings_report,
)
from reuse.savings.xlsx import write_savings_xlsx

bp = Blueprint("savings", __name__, template_folder="../templates")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def currency() -> str:
    return db.session.scalar(select(Organisation.currency).limit(1)) or ""


def read_filters() -> tuple[SavingsForm, SavingsReport]:
    """The form from the query string and the report it asks for; a bad date or grouping is
    ignored with the field's message, and the report shows everything instead."""
    form = SavingsForm(request.args)
    departments = db.session.execute(select(Department.id, Department.name)
                                     .order_by(Department.name)).all()  # fmt: skip
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(d.id, d.name) for d in departments
    ]
    form.validate()
    department_id = valid(form.department)
    if not access.sees_every_department(current_user):
        department_id = current_user.department_id
    report = savings_report(
        db.session, grouping=Grouping(valid(form.by) or Grouping.DEPARTMENT),
        start=valid(form.start), end=valid(form.end),
        timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"], department_id=department_id,
    )  # fmt: skip
    return form, report


def valid(field):
    """A filter's value, or None when it was refused (its message shows beside it)."""
    return None if field.errors else field.data


def formatter(kind: str, money: str):
    """How a figure of a column's kind reads in the user's language."""
    if kind == "money":
        return lambda value: format_money(value, money)
    if kind == "kg":
        return lambda value: _("%(kg)s kg", kg=format_number(value, "#,##0.##"))
    return lambda value: format_number(value)


@bp.route("/reuse/savings")
@login_required
def report():
    """What surplus became: reused inside and outside, purchases and CO2e avoided, revenue."""
    form, report = read_filters()
    money = currency()
    formats = {c.name: formatter(c.kind, money) for c in OUTCOME_COLUMNS + CHECK_COLUMNS}
    charts = charts_of(report, formats)
    return render_template(
        "reuse/savings.html", form=form, report=report, formats=formats, charts=charts,
        outcome_columns=OUTCOME_COLUMNS, check_columns=CHECK_COLUMNS,
        everyone=access.sees_every_department(current_user), group_label=group_label(report.grouping),
    )  # fmt: skip


def charts_of(report: SavingsReport, formats: dict) -> list[tuple[str, Markup]]:
    """A titled chart of each figure there is something of: purchases and CO2e avoided."""
    wanted = (("value_avoided", _("Purchases avoided")), ("co2e_kg", _("CO2e avoided")))
    charts = []
    for name, title in wanted:
        if getattr(report.total, name):
            bars = [(str(row.label), getattr(row.figures, name)) for row in report.rows]
            charts.append((title, chart.bar_chart(bars, title=title, value_text=formats[name])))
    return charts


def group_label(grouping: Grouping) -> str:
    return next(str(c.label) for c in GROUPINGS if c.value == grouping.value)


@bp.route("/reuse/savings.xlsx")
@login_required
def report_xlsx():
    """The report's figures as a workbook."""
    _form, report = read_filters()
    out = io.BytesIO()
    write_savings_xlsx(
        report, out, group_label=group_label(report.grouping), total_label=_("Total"),
        currency=currency(), sheet_titles=(_("Savings"), _("Checks before buying")),
    )  # fmt: skip
    out.seek(0)
    name = "-".join([_("savings"), *(str(d) for d in (report.start, report.end) if d)])
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")
