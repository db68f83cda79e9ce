"""Stocktake pages: scan (or pick) a storeroom, count what is on its shelves, finish, and read
the report of what was seen, missing and unexpected, with its one-step fixes and a CSV."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.roles import role_required
from app.extensions import db
from app.formats import reader_csv_style
from app.sheets import csv_lines
from app.timeutil import utcnow
from inventory import access, place_records
from inventory.errors import InventoryError
from inventory.models import Item
from labels import offline, scanning, stocktake_fixes
from labels.models import ScanMode, ScanOutcome, Stocktake
from labels.scan_forms import client_id, code_from_form, scan_form_context, scanned_at
from labels.views import WAREHOUSE

bp = Blueprint("stocktake", __name__, template_folder="templates")


@bp.route("/scan/stocktake", methods=["GET", "POST"])
@role_required(*WAREHOUSE)
def stocktake_start():
    """Scan (or pick) the storeroom to count; a stocktake starts for it."""
    if request.method == "POST":
        code = code_from_form()
        room = place_records.find_storeroom_by_code(db.session, code) if code else None
        if room is not None:
            stocktake = scanning.start_stocktake(db.session, room, by=current_user, now=utcnow())
            db.session.commit()
            return redirect(url_for(".stocktake", stocktake_id=stocktake.id))
        if code:
            flash(
                _("%(code)s is not a storeroom label. Scan the storeroom first.", code=code),
                "error",
            )
    recent = db.session.scalars(
        select(Stocktake).options(selectinload(Stocktake.storeroom))
        .order_by(Stocktake.id.desc()).limit(20)
    ).all()  # fmt: skip
    return render_template(
        "labels/scan.html", **scan_form_context(mode="stocktake-start", stocktakes=recent)
    )


def stocktake_or_404(stocktake_id: int) -> Stocktake:
    return db.session.get(Stocktake, stocktake_id) or abort(404)


@bp.route("/stocktakes/<int:stocktake_id>", methods=["GET", "POST"])
@role_required(*WAREHOUSE)
def stocktake(stocktake_id: int):
    """Count: scan what is on the shelves, then finish for the report."""
    take = stocktake_or_404(stocktake_id)
    if not take.is_open:
        return redirect(url_for(".stocktake_report", stocktake_id=take.id))
    if request.method == "POST":
        code = code_from_form()
        if code:
            scan = scanning.ScanRequest(
                client_id(), code, ScanMode.STOCKTAKE, scanned_at(), stocktake=take
            )
            result = scanning.record_scan(db.session, current_user, scan, now=utcnow())
            db.session.commit()
            flash(result.text, "success" if result.outcome == ScanOutcome.DONE else "error")
        return redirect(url_for(".stocktake", stocktake_id=take.id))
    counts = offline.stocktake_counts(db.session, take)
    scans = scanning.stocktake_scans(db.session, current_user, take)
    return render_template(
        "labels/scan.html",
        **scan_form_context(mode="stocktake", stocktake=take, scans=scans, **counts),
    )


@bp.route("/stocktakes/<int:stocktake_id>/finish", methods=["POST"])
@role_required(*WAREHOUSE)
def finish_stocktake(stocktake_id: int):
    take = stocktake_or_404(stocktake_id)
    scanning.finish_stocktake(db.session, take, by=current_user, now=utcnow())
    db.session.commit()
    return redirect(url_for(".stocktake_report", stocktake_id=take.id))


def report_items(take: Stocktake) -> dict[str, list[Item]]:
    ids = {key: take.report.get(key, []) for key in ("seen", "missing", "unexpected")}
    every = set().union(*ids.values())
    items = db.session.scalars(
        select(Item).where(Item.id.in_(every)).options(selectinload(Item.storeroom))
    ).all()
    by_id = {item.id: item for item in items if access.can_view_item(current_user, item)}
    return {key: [by_id[i] for i in values if i in by_id] for key, values in ids.items()}


@bp.route("/stocktakes/<int:stocktake_id>/report")
@role_required(*WAREHOUSE)
def stocktake_report(stocktake_id: int):
    take = stocktake_or_404(stocktake_id)
    if take.is_open:
        return redirect(url_for(".stocktake", stocktake_id=take.id))
    groups = report_items(take)
    why = stocktake_fixes.fix_reasons(take, groups, by=current_user)
    fixes = stocktake_fixes.fixes_left(groups, why)
    return render_template(
        "labels/stocktake_report.html", stocktake=take, groups=groups, why=why, fixes=fixes
    )


@bp.route("/stocktakes/<int:stocktake_id>/fix", methods=["POST"])
@role_required(*WAREHOUSE)
def fix_stocktake(stocktake_id: int):
    """One-step fixes: move the unexpected here, or mark the missing ones as missing; what
    cannot be fixed so is left, and named."""
    take = stocktake_or_404(stocktake_id)
    if take.is_open:
        abort(409)
    action, now, code = request.form.get("action"), utcnow(), take.storeroom.code
    if action not in ("move-unexpected", "mark-missing"):
        abort(400)
    try:
        if action == "move-unexpected":
            fixed = stocktake_fixes.fix_unexpected(db.session, take, by=current_user, now=now)
            message = ngettext(
                "%(num)d item moved into %(code)s.",
                "%(num)d items moved into %(code)s.",
                len(fixed.done),
                code=code,
            )
        else:
            fixed = stocktake_fixes.fix_missing(db.session, take, by=current_user, now=now)
            message = ngettext(
                "%(num)d item marked as missing.",
                "%(num)d items marked as missing.",
                len(fixed.done),
            )
    except InventoryError as error:  # someone changed one of them meanwhile: nothing is done
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message, "success")
        if fixed.skipped:
            flash(_("Left as they are: %(tags)s. The list below says why.",
                    tags=tag_list(item for item, _why in fixed.skipped)), "error")  # fmt: skip
    return redirect(url_for(".stocktake_report", stocktake_id=take.id))


def tag_list(items, shown: int = 10) -> str:
    """Tags for a message, the first few of a long list and a count of the rest."""
    tags = [item.tag for item in items]
    if len(tags) <= shown:
        return ", ".join(tags)
    return _("%(tags)s and %(n)d more", tags=", ".join(tags[:shown]), n=len(tags) - shown)


@bp.route("/stocktakes/<int:stocktake_id>/report.csv")
@role_required(*WAREHOUSE)
def stocktake_csv(stocktake_id: int):
    take = stocktake_or_404(stocktake_id)
    if take.is_open:
        abort(404)
    rows = [[_("Result"), _("Tag"), _("Name"), _("Recorded storeroom")]]
    labels = {"seen": _("Seen"), "missing": _("Missing"), "unexpected": _("Unexpected")}
    for key, items in report_items(take).items():
        for item in items:
            room = item.storeroom.code if item.storeroom else item.place
            rows.append([labels[key], item.tag, item.name, room])
    body = "".join(csv_lines(rows, reader_csv_style(request.args.get("sep"))))
    response = Response(body, mimetype="text/csv")
    name = f"stocktake-{take.storeroom.code}-{take.finished_at:%Y%m%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
