"""Import pages: upload a spreadsheet, check its preview, import it, list and undo batches.

Checking, importing and undoing run as background jobs (imports/jobs.py); a page queues one,
waits a moment (so a small file is done by the time the page shows), and otherwise shows its
progress until it is done.
"""

from __future__ import annotations

import io

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
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.roles import role_required
from app.extensions import db
from app.pagination import page_number
from app.request_values import body_limit
from app.timeutil import utcnow
from imports import jobs, services
from imports.access import IMPORTERS
from imports.error_file import error_rows_xlsx
from imports.forms import ConfirmForm, MappingForm, SheetForm, UploadForm, field_label, mapping_form
from imports.mapping import FIELDS, check_mapping
from imports.models import BatchStatus, ImportBatch, JobKind
from imports.places import PLACE_FIELDS, load_places
from imports.preview import row_ranges, rows_of, shown_error_groups, stored_error_groups
from imports.reading import ImportRejected
from inventory.models import Condition
from inventory.vocabulary import CONDITION

bp = Blueprint("imports", __name__, template_folder="templates", url_prefix="/imports")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_OVERHEAD = 64 * 1024  # the multipart envelope around the file
SHOWN_ERRORS = 200  # on the page (of each kind: errors by column and reason, warnings)


def get_batch(batch_id: int) -> ImportBatch:
    return db.session.get(ImportBatch, batch_id) or abort(404)


def begin(batch: ImportBatch) -> Response:
    """Queue the job the batch was claimed for; wait a moment for it, then show the batch
    (done, or in progress)."""
    app = current_app._get_current_object()
    jobs.start(
        app,
        batch,
        user_id=current_user.id,
        locale=str(get_locale()),
        remote_addr=request.remote_addr,
    )
    jobs.wait(batch.id, app.config["IMPORT_WAIT_SECONDS"])
    return redirect(url_for(".batch", batch_id=batch.id))


def claim(batch: ImportBatch, kind: JobKind) -> bool:
    """Claim the batch for a job, or say why not; the batch is reloaded either way."""
    token = jobs.claim(batch.id, kind, now=utcnow(), limit=jobs.stall_limit(current_app))
    db.session.refresh(batch)
    if token is None:
        flash(jobs.claim_refusal(batch, kind), "error")
    return token is not None


@bp.route("/")
@role_required(*IMPORTERS)
def batches():
    """Every import, newest first."""
    query = select(ImportBatch).order_by(ImportBatch.id.desc())
    page = db.paginate(
        query, page=page_number(), per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False
    )
    return render_template("imports/batches.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*IMPORTERS)
@body_limit("IMPORT_MAX_BYTES", overhead=FORM_OVERHEAD)
def upload():
    """Upload a spreadsheet; it is kept as a batch and checked, nothing else changes."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(limit + 1)
        if not data:
            form.file.errors.append(_("The file is empty."))
        elif len(data) > limit:
            form.file.errors.append(
                _("The file is larger than %(mb)d MB. Split it, or import it with the command "
                  "line.", mb=limit // (1024 * 1024))
            )  # fmt: skip
        else:
            batch = services.store_upload(
                db.session, data, upload.filename or "upload", user=current_user, now=utcnow()
            )
            db.session.commit()
            if claim(batch, JobKind.CHECK):
                return begin(batch)
            return redirect(url_for(".batch", batch_id=batch.id))
    return render_template("imports/upload.html", form=form, limit_mb=limit // (1024 * 1024))


@bp.route("/<int:batch_id>")
@role_required(*IMPORTERS)
def batch(batch_id: int):
    """A batch: its progress while a job runs, its preview, or what it did."""
    batch = get_batch(batch_id)
    stalled = jobs.is_stalled(batch, now=utcnow(), limit=jobs.stall_limit(current_app))
    form = (
        mapping_form(batch, place_choices(), formdata=None)
        if batch.headers
        else MappingForm(formdata=None)
    )
    sheet_form = SheetForm(formdata=None, sheet=batch.sheet)
    sheet_form.sheet.choices = (batch.preview or {}).get("sheets") or []
    groups = shown_error_groups(batch.preview or {})
    return render_template(
        "imports/batch.html",
        batch=batch,
        preview=batch.preview or {},
        stalled=stalled,
        form=form,
        sheet_form=sheet_form,
        confirm=ConfirmForm(),
        earlier=services.earlier_import(db.session, batch),
        field_label=field_label,
        condition_label=condition_label,
        sample_columns=sample_columns(batch.preview or {}),
        shown_errors=SHOWN_ERRORS,
        error_groups=groups,
        error_count=sum(len(steps) for _, _, steps in groups),
        row_ranges=row_ranges,
    )


def place_choices() -> dict[str, list[tuple[str, str]]]:
    """Every department, site, storeroom and category, to choose from for a file's values."""
    places = load_places(db.session)
    return {kind: places.choices(kind) for kind in PLACE_FIELDS}


def sample_columns(preview: dict) -> list[str]:
    """The item fields the first rows fill, in the mapping's field order (the tag goes last)."""
    used = {name for row in preview.get("sample", []) for name in row["fields"]}
    return [name for name in FIELDS if name in used and name != "tag"]


def condition_label(value: str) -> str:
    try:
        return str(CONDITION[Condition(value)])
    except ValueError:
        return value


@bp.route("/<int:batch_id>/progress.json")
@role_required(*IMPORTERS)
def progress(batch_id: int):
    """What the batch page polls while a job runs."""
    batch = get_batch(batch_id)
    stalled = jobs.is_stalled(batch, now=utcnow(), limit=jobs.stall_limit(current_app))
    return jsonify(
        job=batch.job, stage=batch.job_stage, done=batch.job_done, total=batch.job_total,
        stalled=stalled, status=batch.status.value,
    )  # fmt: skip


@bp.route("/<int:batch_id>/check", methods=["POST"])
@role_required(*IMPORTERS)
def check(batch_id: int):
    """Change the mapping or the options and check the file again."""
    batch = get_batch(batch_id)
    form = mapping_form(batch, place_choices())
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for(".batch", batch_id=batch.id))
    problems = check_mapping(batch.headers, form.chosen_mapping())
    if problems:
        for problem in problems:
            flash(problem, "error")
        return redirect(url_for(".batch", batch_id=batch.id))
    if not claim(batch, JobKind.CHECK):
        return redirect(url_for(".batch", batch_id=batch.id))
    services.set_mapping(batch, form.chosen_mapping())
    batch.value_choices = form.chosen_values()
    batch.create_missing = form.create_missing.data
    batch.all_or_nothing = form.all_or_nothing.data
    batch.fill_merged = form.fill_merged.data
    db.session.commit()
    return begin(batch)


@bp.route("/<int:batch_id>/sheet", methods=["POST"])
@role_required(*IMPORTERS)
def choose_sheet(batch_id: int):
    """Read another sheet of the workbook."""
    batch = get_batch(batch_id)
    form = SheetForm()
    form.sheet.choices = (batch.preview or {}).get("sheets") or []
    if not form.validate_on_submit():
        flash(_("Choose one of the workbook's sheets."), "error")
        return redirect(url_for(".batch", batch_id=batch.id))
    if not claim(batch, JobKind.CHECK):
        return redirect(url_for(".batch", batch_id=batch.id))
    batch.sheet = form.sheet.data
    db.session.commit()
    return begin(batch)


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@role_required(*IMPORTERS)
def commit(batch_id: int):
    """Import the checked file: its valid rows, or nothing if "all or nothing" and errors."""
    batch = get_batch(batch_id)
    if not batch.preview:
        flash(_("This file has not been checked, so it cannot be imported."), "error")
    elif ConfirmForm().validate_on_submit() and claim(batch, JobKind.COMMIT):
        return begin(batch)
    return redirect(url_for(".batch", batch_id=batch.id))


@bp.route("/<int:batch_id>/undo", methods=["POST"])
@role_required(*IMPORTERS)
def undo(batch_id: int):
    """Take an import back, as far as nobody has changed its items since."""
    batch = get_batch(batch_id)
    if ConfirmForm().validate_on_submit() and claim(batch, JobKind.UNDO):
        return begin(batch)
    return redirect(url_for(".batch", batch_id=batch.id))


@bp.route("/<int:batch_id>/errors.xlsx")
@role_required(*IMPORTERS)
def error_rows(batch_id: int):
    """The rows that were (or would be) refused, with their original columns and the reason,
    to fix and upload again."""
    batch = get_batch(batch_id)
    refused = refused_rows(batch)
    if not refused:
        abort(404)
    try:
        table = services.table_of(db.session, batch, max_rows=current_app.config["IMPORT_MAX_ROWS"])
    except ImportRejected:
        abort(404)
    data = error_rows_xlsx(table, refused)
    stem = batch.filename.rsplit(".", 1)[0]
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"{stem}-errors.xlsx")  # fmt: skip


def refused_rows(batch: ImportBatch) -> dict[int, list[str]]:
    """Row number -> "Column: reason" texts, from the import or else from the preview."""
    reasons: dict[int, list[str]] = {}
    if batch.status == BatchStatus.PREVIEW:
        for column, reason, steps in stored_error_groups(batch.preview or {}):
            said = f"{column}: {reason}" if column else reason
            for number in rows_of(steps):
                reasons.setdefault(number, []).append(said)
    else:
        for entry in batch.refused:
            reasons[entry["row"]] = [f"{c}: {r}" if c else r for c, r in entry["errors"]]
    return reasons


@bp.route("/<int:batch_id>/file")
@role_required(*IMPORTERS)
def original(batch_id: int):
    """The file as it was uploaded."""
    batch = get_batch(batch_id)
    return send_file(io.BytesIO(services.stored_file(db.session, batch)),
                     mimetype="application/octet-stream",
                     as_attachment=True, download_name=batch.filename)  # fmt: skip
