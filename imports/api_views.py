"""Imports in the API: upload a spreadsheet, read its preview and errors, import it, follow
the job, undo it.

As on the import pages, only facility managers and admins import, and checking, importing and
undoing run as background jobs (imports/jobs.py) claimed the same way: a call waits a moment
for its job, so a small file is done when it answers (200, 201), and otherwise answers 202
with the address of the job's progress. A file that could not be read when the upload answers
is refused (422) and not kept; one found unreadable later stays as a batch that says so.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import select

from app.api.errors import ApiError, conflict, forbidden, invalid, not_found
from app.api.schemas import PageLinks, responses
from app.api.web import bp, spec
from app.extensions import db
from app.request_values import body_limit
from app.timeutil import utcnow
from imports import jobs, services
from imports.access import can_see_batches
from imports.api_schemas import (
    BatchLinks,
    BatchList,
    BatchListQuery,
    BatchOut,
    BatchRow,
    ColumnOut,
    ErrorGroupOut,
    JobOut,
    PreviewOut,
    ProgressOut,
    State,
    UploadOptions,
    WarningOut,
)
from imports.models import BatchStatus, ImportBatch, JobKind
from imports.preview import rows_of, shown_error_groups

TAGS = ("imports",)
FORM_OVERHEAD = 64 * 1024  # the multipart envelope around the file, as on the upload page
JOB_STATES: dict[str, State] = {"check": "checking", "commit": "importing", "undo": "undoing"}
DONE_STATES: dict[BatchStatus, State] = {
    BatchStatus.COMMITTED: "imported",
    BatchStatus.UNDONE: "undone",
}


def require_importer() -> None:
    """Only those who import may change batches (the pages' rule): anyone else is a 403."""
    if not can_see_batches(current_user):
        raise forbidden()


def batch_or_404(batch_id: int) -> ImportBatch:
    """The batch, if the token's user may see batches; to anyone else no batch exists."""
    batch = db.session.get(ImportBatch, batch_id) if can_see_batches(current_user) else None
    if batch is None:
        raise not_found()
    return batch


def state_of(batch: ImportBatch) -> State:
    """The batch's state in one word, as the batch list says it."""
    if batch.job is not None:
        return JOB_STATES.get(batch.job, "checking")
    if batch.status in DONE_STATES:
        return DONE_STATES[batch.status]
    return "checked" if batch.headers else "unreadable"


def links_of(batch: ImportBatch) -> BatchLinks:
    return BatchLinks(
        self=url_for("api.get_import", batch_id=batch.id),
        progress=url_for("api.import_progress", batch_id=batch.id),
    )


def job_of(batch: ImportBatch) -> JobOut | None:
    if batch.job is None:
        return None
    stalled = jobs.is_stalled(batch, now=utcnow(), limit=jobs.stall_limit(current_app))
    return JobOut(kind=batch.job, stage=batch.job_stage, done=batch.job_done,
                  total=batch.job_total, stalled=stalled)  # fmt: skip


def groups_out(groups: list[list]) -> list[ErrorGroupOut]:
    return [ErrorGroupOut(column=column, problem=reason, rows=list(rows_of(steps)))
            for column, reason, steps in groups]  # fmt: skip


def refused_out(batch: ImportBatch) -> list[ErrorGroupOut]:
    """The rows an import left out, grouped by column and problem as a preview's errors are."""
    groups: dict[tuple[str, str], list[int]] = {}
    for entry in batch.refused or []:
        for column, reason in entry["errors"]:
            groups.setdefault((column, reason), []).append(entry["row"])
    return [ErrorGroupOut(column=column, problem=reason, rows=rows)
            for (column, reason), rows in groups.items()]  # fmt: skip


def preview_out(batch: ImportBatch) -> PreviewOut | None:
    preview = batch.preview
    if not preview or batch.status != BatchStatus.PREVIEW:
        return None
    return PreviewOut(
        counts=preview.get("counts", {}), rows=preview.get("rows", 0), sheet=batch.sheet,
        sheets=preview.get("sheets") or [], header_row=preview.get("header_row", 1),
        columns=[ColumnOut(header=header, field=field)
                 for header, field in zip(batch.headers, batch.mapping, strict=False)],
        problems=preview.get("problems", []), errors=groups_out(shown_error_groups(preview)),
        warnings=[WarningOut(row=row, column=column, problem=reason)
                  for row, column, reason in preview.get("warnings", [])],
    )  # fmt: skip


def batch_out(batch: ImportBatch) -> BatchOut:
    earlier = services.earlier_import(db.session, batch)
    return BatchOut(
        id=batch.id, filename=batch.filename, size_bytes=batch.size_bytes, status=batch.status,
        state=state_of(batch), uploaded_by=str(batch.uploaded_by) if batch.uploaded_by else None,
        created_at=batch.created_at, committed_at=batch.committed_at, undone_at=batch.undone_at,
        create_missing=batch.create_missing, all_or_nothing=batch.all_or_nothing,
        fill_merged=batch.fill_merged, job=job_of(batch), error=batch.job_error,
        already_imported=earlier.id if earlier else None, preview=preview_out(batch),
        counts=batch.counts or {}, refused=refused_out(batch),
        undo_report=batch.undo_report or {}, links=links_of(batch),
    )  # fmt: skip


def row_of(batch: ImportBatch) -> BatchRow:
    return BatchRow(
        id=batch.id, filename=batch.filename, status=batch.status, state=state_of(batch),
        uploaded_by=str(batch.uploaded_by) if batch.uploaded_by else None,
        created_at=batch.created_at, counts=batch.counts or {}, links=links_of(batch),
    )  # fmt: skip


def answered(batch: ImportBatch, done: int):
    """The batch, with `done` if its job finished in time, else 202 and where to follow it."""
    if batch.job is None:
        return batch_out(batch), done
    return batch_out(batch), 202, {"Location": links_of(batch).progress}


def run_job(batch: ImportBatch, kind: JobKind) -> None:
    """Claim the batch for a job (409 with the reason if its state forbids it), queue the job
    and give it the moment the pages give it; the batch is reloaded."""
    token = jobs.claim(batch.id, kind, now=utcnow(), limit=jobs.stall_limit(current_app))
    db.session.refresh(batch)
    if token is None:
        code = "import_busy" if batch.job is not None else "import_state"
        raise conflict(jobs.claim_refusal(batch, kind), code)
    app = current_app._get_current_object()
    jobs.start(app, batch, user_id=current_user.id, locale=str(get_locale()),
               remote_addr=request.remote_addr)  # fmt: skip
    jobs.wait(batch.id, app.config["IMPORT_WAIT_SECONDS"])
    db.session.refresh(batch)


def refuse_failed_job(batch: ImportBatch) -> None:
    """A job that ended in a refusal (all or nothing with errors, a clash) is a 409; as on the
    page, its reason stays on the batch, and nothing it would have written is."""
    if batch.job is None and batch.job_error:
        raise conflict(batch.job_error, "import_refused")


def upload_options() -> UploadOptions:
    """The upload's form fields beside the file; a wrong one is a 422 naming it."""
    fields = {name: value for name, value in request.form.items() if name != "file"}
    try:
        return UploadOptions.model_validate(fields)
    except ValidationError as error:
        problem = error.errors()[0]
        raise invalid(problem["msg"], ".".join(map(str, problem["loc"])) or None) from None


def uploaded_file() -> tuple[bytes, str]:
    """The file of an upload, refused if it is missing, empty or too large."""
    upload = request.files.get("file")
    if upload is None:
        raise invalid(_("Send the file as multipart/form-data in the field 'file'."), "file")
    limit = current_app.config["IMPORT_MAX_BYTES"]
    data = upload.read(limit + 1)
    if not data:
        raise invalid(_("The file is empty."), "file")
    if len(data) > limit:
        message = _("The file is larger than %(mb)d MB. Split it, or import it with the command "
                    "line.", mb=limit // (1024 * 1024))  # fmt: skip
        raise ApiError(413, "too_large", message, field="file")
    return data, upload.filename or "upload"


@bp.post("/imports")
@spec.validate(resp=responses(HTTP_201=BatchOut, HTTP_202=BatchOut, errors=(413,)), tags=TAGS)
@body_limit("IMPORT_MAX_BYTES", overhead=FORM_OVERHEAD)
def upload_import():
    """Upload a spreadsheet to import: multipart/form-data with the file in `file`, and the
    options `sheet`, `create_missing`, `all_or_nothing`, `fill_merged` beside it.

    It is kept as a batch and checked; nothing else changes until it is committed. The
    answer is 201 with the preview once checked, or 202 while the check runs."""
    require_importer()
    options = upload_options()
    data, filename = uploaded_file()
    batch = services.store_upload(db.session, data, filename, user=current_user, now=utcnow())
    batch.sheet, batch.create_missing = options.sheet, options.create_missing
    batch.all_or_nothing, batch.fill_merged = options.all_or_nothing, options.fill_merged
    db.session.commit()
    run_job(batch, JobKind.CHECK)
    if state_of(batch) == "unreadable":
        reason = batch.job_error or _("This file could not be read, so nothing was imported.")
        services.discard_unreadable(db.session, batch)
        db.session.commit()
        raise invalid(reason, "file")
    return answered(batch, 201)


@bp.get("/imports")
@spec.validate(query=BatchListQuery, resp=responses(HTTP_200=BatchList), tags=TAGS)
def list_imports():
    """The import batches, newest first (for facility managers and admins, as the page)."""
    require_importer()
    args: BatchListQuery = request.context.query
    query = select(ImportBatch).order_by(ImportBatch.id.desc())
    page = db.paginate(query, page=args.page, per_page=args.per_page, error_out=False)

    def link(number: int) -> str:
        return url_for("api.list_imports", page=number, per_page=args.per_page)

    return BatchList(
        batches=[row_of(batch) for batch in page.items],
        links=PageLinks(
            next=link(page.page + 1) if page.has_next else None,
            previous=link(page.page - 1) if page.has_prev else None,
        ),
    )


@bp.get("/imports/<int:batch_id>")
@spec.validate(resp=responses(HTTP_200=BatchOut), tags=TAGS)
def get_import(batch_id: int):
    """A batch: its state, its preview with every error grouped by column and problem, or
    what importing and undoing it did."""
    return batch_out(batch_or_404(batch_id))


@bp.get("/imports/<int:batch_id>/progress")
@spec.validate(resp=responses(HTTP_200=ProgressOut), tags=TAGS)
def import_progress(batch_id: int):
    """The job working on a batch, to poll until `job` is null."""
    batch = batch_or_404(batch_id)
    return ProgressOut(status=batch.status, state=state_of(batch), job=job_of(batch),
                       error=batch.job_error)  # fmt: skip


@bp.post("/imports/<int:batch_id>/commit")
@spec.validate(resp=responses(HTTP_200=BatchOut, HTTP_202=BatchOut, errors=(409,)), tags=TAGS)
def commit_import(batch_id: int):
    """Import a checked batch: its valid rows, or nothing if it is "all or nothing" and has
    errors (409). 200 once imported, 202 while it runs."""
    require_importer()
    batch = batch_or_404(batch_id)
    if not batch.preview:
        raise conflict(_("This file has not been checked, so it cannot be imported."),
                       "import_state")  # fmt: skip
    run_job(batch, JobKind.COMMIT)
    refuse_failed_job(batch)
    return answered(batch, 200)


@bp.post("/imports/<int:batch_id>/undo")
@spec.validate(resp=responses(HTTP_200=BatchOut, HTTP_202=BatchOut, errors=(409,)), tags=TAGS)
def undo_import(batch_id: int):
    """Take an import back, as far as nobody has changed its items since: `undo_report`
    names the items removed, restored and kept. 200 once undone, 202 while it runs."""
    require_importer()
    batch = batch_or_404(batch_id)
    run_job(batch, JobKind.UNDO)
    refuse_failed_job(batch)
    return answered(batch, 200)
