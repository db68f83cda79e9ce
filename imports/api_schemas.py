"""The shapes of import batches in the API: a batch with its preview and grouped errors, its
progress, a page of batches, and the options an upload may carry next to its file."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas import Body, PageLinks
from imports.models import BatchStatus

State = Literal["checking", "importing", "undoing", "unreadable", "checked", "imported", "undone"]


class UploadOptions(Body):
    """The form fields an upload may send beside `file` (multipart/form-data)."""

    sheet: str | None = Field(
        None, min_length=1, max_length=100, description="The workbook's sheet to read."
    )
    create_missing: bool = Field(
        False, description="Create the departments, sites, storerooms and categories it names."
    )
    all_or_nothing: bool = Field(False, description="Import nothing if any row has an error.")
    fill_merged: bool = Field(False, description="Give every row of a merged cell its value.")


class JobOut(BaseModel):
    kind: Literal["check", "commit", "undo"]
    stage: str | None = Field(description="waiting, reading, checking, writing or undoing.")
    done: int = Field(description="Rows done of `total` in this stage.")
    total: int
    stalled: bool = Field(description="The job stopped reporting: it died, or no worker took it.")


class ProgressOut(BaseModel):
    status: BatchStatus
    state: State
    job: JobOut | None = Field(description="The job working on the batch; none when it is done.")
    error: str | None = Field(description="Why the last job failed, if it did.")


class ErrorGroupOut(BaseModel):
    """One problem of one column, with every row that has it."""

    column: str = Field(description="The file's column header; empty for a row as a whole.")
    problem: str
    rows: list[int] = Field(description="Row numbers as the spreadsheet shows them.")


class WarningOut(BaseModel):
    row: int
    column: str
    problem: str


class ColumnOut(BaseModel):
    header: str
    field: str = Field(description="The item field it fills, `extra` or `ignore`.")


class PreviewOut(BaseModel):
    """What importing would do, as the last check found it."""

    counts: dict[str, int] = Field(description="Rows that are new, update, unchanged, error.")
    rows: int = Field(description="Data rows read.")
    sheet: str | None
    sheets: list[str]
    header_row: int
    columns: list[ColumnOut]
    problems: list[str] = Field(description="What is wrong with the file as a whole.")
    errors: list[ErrorGroupOut]
    warnings: list[WarningOut]


class BatchLinks(BaseModel):
    self: str
    progress: str


class BatchOut(BaseModel):
    id: int
    filename: str
    size_bytes: int
    status: BatchStatus
    state: State
    uploaded_by: str | None
    created_at: datetime
    committed_at: datetime | None
    undone_at: datetime | None
    create_missing: bool
    all_or_nothing: bool
    fill_merged: bool
    job: JobOut | None
    error: str | None = Field(description="Why the last job failed, if it did.")
    already_imported: int | None = Field(
        description="The id of an earlier batch that imported the same file, if one did."
    )
    preview: PreviewOut | None = Field(description="Until the batch is imported.")
    counts: dict[str, int] = Field(description="Once imported: created, updated, refused rows.")
    refused: list[ErrorGroupOut] = Field(description="Once imported: the rows left out, and why.")
    undo_report: dict[str, list[str]] = Field(
        description="Once undone: the tags removed, restored, and kept (changed since)."
    )
    links: BatchLinks


class BatchRow(BaseModel):
    id: int
    filename: str
    status: BatchStatus
    state: State
    uploaded_by: str | None
    created_at: datetime
    counts: dict[str, int]
    links: BatchLinks


class BatchList(BaseModel):
    batches: list[BatchRow]
    links: PageLinks


class BatchListQuery(BaseModel):
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=200)
