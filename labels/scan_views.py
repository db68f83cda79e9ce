"""Scanning pages for phones: /s/ links, look up, move into a storeroom, the offline queue.

Each page works without JavaScript: a typed code (or a hardware scanner typing it plus Enter)
or a photo decoded on the server. static/camera.js adds the camera: the browser's own
BarcodeDetector, or the zxing-wasm decoder served under /vendor/ (app/vendor.py). Every scan
form carries a fresh client id, so a double submit applies once.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import selectinload

from app.auth.roles import role_required
from app.extensions import db
from app.request_values import bounded_int, db_id
from app.timeutil import utcnow
from inventory import access, item_tags, place_records, queries, signals
from inventory.errors import InventoryError
from inventory.models import Item, Storeroom
from labels import offline, scanning, services
from labels.models import ScanMode, ScanOutcome, Stocktake
from labels.scan_forms import client_id, code_from_form, scan_form_context, scanned_at
from labels.views import WAREHOUSE

bp = Blueprint("scan", __name__, template_folder="templates")

# --- /s/<code>: what a label's QR code opens ------------------------------------------------


@bp.route("/S/<path:code>")  # uppercase labels (QR alphanumeric mode)
@bp.route("/s/<path:code>")  # registered first, so url_for builds the lowercase form
@login_required
def resolve(code: str):
    """Resolve a label's code, ignoring case: an item, a storeroom or a pre-printed code."""
    code = code.strip()
    item = item_tags.find_item_by_tag(db.session, code)
    if item is not None and access.can_view_item(current_user, item):
        return redirect(url_for("inventory.item", item_id=item.id))
    elsewhere = signals.elsewhere_for(item, current_user) if item is not None else None
    if elsewhere is not None:  # another department's surplus: its listing says what to do
        return redirect(elsewhere)
    storeroom = place_records.find_storeroom_by_code(db.session, code)
    if storeroom is not None:
        return redirect(url_for("places.storeroom", storeroom_id=storeroom.id))
    reserved = services.find_reserved(db.session, code) if item is None else None
    if reserved is not None:
        return render_template("labels/reserved_code.html", reserved=reserved), 200
    return render_template("inventory/not_found.html", code=code), 404


@bp.route("/s/<path:code>/attach", methods=["POST"])
@role_required(*WAREHOUSE)
def attach_code(code: str):
    """Give an existing item (by its current tag) the tag of a pre-printed label."""
    reserved = services.find_reserved(db.session, code) or abort(404)
    item = item_tags.find_item_by_tag(db.session, request.form.get("tag", ""))
    if item is None or not access.can_edit_item(current_user, item):
        flash(_("No item has the tag %(tag)s.", tag=request.form.get("tag", "")), "error")
        return redirect(url_for("scan.resolve", code=code))
    old = item.tag
    try:
        services.attach_reserved_tag(db.session, item, reserved, by=current_user, now=utcnow())
    except services.LabelError as error:
        db.session.commit()  # the stale reservation goes; nothing else changed
        flash(str(error), "error")
        return redirect(url_for("scan.resolve", code=code))
    db.session.commit()
    flash(_("%(old)s now carries the label %(new)s.", old=old, new=item.tag), "success")
    return redirect(url_for("inventory.item", item_id=item.id))


def warehouse_storeroom(storeroom_id: int) -> Storeroom:
    return db.session.get(Storeroom, storeroom_id) or abort(404)


# --- look up --------------------------------------------------------------------------------


@bp.route("/scan", methods=["GET", "POST"])
@login_required
def lookup():
    """Scan a label and land on its page."""
    if request.method == "POST":
        code = code_from_form()
        if code:
            item = item_tags.find_item_by_tag(db.session, code)
            if item is not None and access.can_view_item(current_user, item):
                scan = scanning.ScanRequest(client_id(), code, ScanMode.LOOKUP, scanned_at())
                scanning.record_scan(db.session, current_user, scan, now=utcnow())
                db.session.commit()
            return redirect(url_for("scan.resolve", code=code))
    return render_template("labels/scan.html", **scan_form_context(mode="lookup"))


# --- move -----------------------------------------------------------------------------------


@bp.route("/scan/move", methods=["GET", "POST"])
@role_required(*WAREHOUSE)
def move_start():
    """First scan the storeroom label the items go to."""
    if request.method == "POST":
        code = code_from_form()
        if code:
            room = place_records.find_storeroom_by_code(db.session, code)
            if room is not None:
                return redirect(url_for("scan.move_into", storeroom_id=room.id))
            flash(
                _("%(code)s is not a storeroom label. Scan the storeroom first.", code=code),
                "error",
            )
    return render_template("labels/scan.html", **scan_form_context(mode="move-start"))


@bp.route("/scan/move/<int:storeroom_id>", methods=["GET", "POST"])
@role_required(*WAREHOUSE)
def move_into(storeroom_id: int):
    """Scan items one after another; each moves into the storeroom."""
    room = warehouse_storeroom(storeroom_id)
    if request.method == "POST":
        code = code_from_form()
        other_room = place_records.find_storeroom_by_code(db.session, code) if code else None
        if other_room is not None:  # a storeroom label switches where items go
            return redirect(url_for("scan.move_into", storeroom_id=other_room.id))
        if code:
            scan = scanning.ScanRequest(
                client_id(), code, ScanMode.MOVE, scanned_at(), storeroom=room
            )
            result = scanning.record_scan(db.session, current_user, scan, now=utcnow())
            db.session.commit()
            flash(result.text, "success" if result.outcome == ScanOutcome.DONE else "error")
        return redirect(url_for("scan.move_into", storeroom_id=room.id))
    since = utcnow() - timedelta(hours=12)
    moves = scanning.recent_moves(db.session, current_user, room, since=since)
    return render_template(
        "labels/scan.html", **scan_form_context(mode="move", storeroom=room, scans=moves)
    )


@bp.route("/scan/move/<int:storeroom_id>/undo", methods=["POST"])
@role_required(*WAREHOUSE)
def undo_move(storeroom_id: int):
    room = warehouse_storeroom(storeroom_id)
    try:
        scan = scanning.undo_last_move(db.session, current_user, room, now=utcnow())
    except InventoryError as error:  # moved, changed or disposed of since: nothing is undone
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(scan.text if scan else _("Nothing to undo."), "success" if scan else "error")
    return redirect(url_for("scan.move_into", storeroom_id=room.id))


# --- offline: the service worker, the queue's endpoint, the phone's copy ---------------------


@bp.route("/sw.js")
def service_worker():
    """Our service worker, served from the root so it may keep the scanning pages offline."""
    script = Path(current_app.static_folder, "sw.js").read_bytes()
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.route("/scan/sync", methods=["GET"])
@login_required
def sync_token():
    """A fresh CSRF token: a page kept offline for hours holds an expired one."""
    return jsonify(csrf_token=generate_csrf(), user_id=current_user.id)


@bp.route("/scan/sync", methods=["POST"])
@login_required
def sync():
    """Apply the phone's queued scans in scan order; answer each one (done, conflict, ...)."""
    body = request.get_json(silent=True)
    entries = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        return jsonify(error=_('Send the scans as a JSON list under "scans".')), 400
    if len(entries) > offline.MAX_SCANS_PER_SYNC:
        message = _("Send at most %(n)d scans at a time.", n=offline.MAX_SCANS_PER_SYNC)
        return jsonify(error=message), 413
    results = offline.apply_queue(db.session, current_user, entries, now=utcnow())
    stocktakes = {}
    for stocktake_id in {r.stocktake_id for r in results if r.stocktake_id}:
        take = db.session.get(Stocktake, stocktake_id)
        stocktakes[stocktake_id] = offline.stocktake_counts(db.session, take)
    return jsonify(results=[r.as_json() for r in results], stocktakes=stocktakes)


@bp.route("/scan/offline.json")
@login_required
def offline_index():
    """Storerooms and the user's items for scanning without signal; 304 when unchanged."""
    version = offline.offline_index_version(db.session, current_user)
    if request.if_none_match.contains(version):
        return Response(status=304, headers={"ETag": f'"{version}"'})
    response = jsonify(version=version, **offline.offline_index(db.session, current_user))
    response.set_etag(version)
    return response


# --- forgotten things -------------------------------------------------------------------------


@bp.route("/reports/not-seen")
@login_required
def not_seen():
    """Items in storerooms that no scan has seen for N months: forgotten in a storeroom."""
    default = current_app.config["NOT_SEEN_MONTHS"]
    months = bounded_int(request.args.get("months"), default=default, low=1, high=120)
    cutoff = utcnow() - timedelta(days=30 * months)
    query = queries.not_seen_since(cutoff).where(access.item_scope(current_user))
    storeroom_id = request.args.get("storeroom", type=db_id)
    if storeroom_id:
        query = query.where(Item.storeroom_id == storeroom_id)
    items = db.session.scalars(
        query.options(selectinload(Item.storeroom))
        .order_by(Item.last_seen_at.nullsfirst(), Item.id)
        .limit(500)
    ).all()
    return render_template("labels/not_seen.html", items=items, months=months)
