"""Writing a planned import: every valid row in one transaction, each change in history.

Everything is written in bulk, two thousand rows at a time, never an ORM object or a query
per row (inventory/bulk.py), so that what a large import costs beyond the database's own work
is a little Python per row (docs/benchmarks.md, Import). Places the file names that do not
exist are created first (imports/missing_places.py), then the new items (imports/new_items.py)
and the updates (imports/item_updates.py), each with its history events as an item made or
edited by hand has them. What each row did is kept per batch, with
the values it replaced, so the batch can be undone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.orm import Session

from app.webhooks import events as webhook_events
from imports.errors import ImportRefused
from imports.gc_pause import gc_paused
from imports.item_updates import apply_updates
from imports.missing_places import create_missing
from imports.models import BatchStatus, ImportBatch
from imports.new_items import insert_new
from imports.plan import Plan
from imports.progress import Progress, RowsWritten
from inventory.sqlite_pages import larger_page_cache

if TYPE_CHECKING:
    from app.auth.models import User

__all__ = ["ImportRefused", "commit_plan"]


@gc_paused()
def commit_plan(
    session: Session, batch: ImportBatch, plan: Plan, *, user: User, now: datetime,
    tag_prefix: str, tag_digits: int, progress: Progress | None = None,
) -> dict[str, int]:  # fmt: skip
    """Write the plan's valid rows (all or nothing if the batch says so); the caller commits.

    :param progress: called as progress("writing", rows written, rows to write) every few
        thousand rows and once at the end.
    """
    _refuse_unwritable(batch, plan)
    note = _l("Imported from %(file)s (batch %(id)d)", file=batch.filename, id=batch.id)
    if batch.create_missing:
        create_missing(session, plan)
    new = [row for row in plan.rows if row.action == "new"]
    updates = [row for row in plan.rows if row.action == "update"]
    written = RowsWritten(progress, len(new) + len(updates))
    with larger_page_cache(session):
        insert_new(session, batch, plan, new, user=user, now=now, note=note,
                    prefix=tag_prefix, digits=tag_digits, written=written)  # fmt: skip
        apply_updates(session, batch, plan, updates, user=user, now=now, note=note,
                       written=written)  # fmt: skip
    written.finish()
    batch.status, batch.committed_at, batch.counts = BatchStatus.COMMITTED, now, plan.counts
    batch.refused = [{"row": row.number, "errors": [list(error) for error in row.errors]}
                     for row in plan.rows if row.action == "error"]  # fmt: skip
    session.flush()
    webhook_events.import_committed(session, batch, plan.counts, now=now)
    return plan.counts


def _refuse_unwritable(batch: ImportBatch, plan: Plan) -> None:
    """Refuse a batch imported already, or one with errors that must import all or nothing."""
    if batch.status != BatchStatus.PREVIEW:
        raise ImportRefused(_l("This file was already imported."))
    errors = plan.counts["error"]
    if batch.all_or_nothing and errors:
        raise ImportRefused(
            lazy_ngettext(
                "%(num)d row has errors, and “all or nothing” was ticked: nothing was imported.",
                "%(num)d rows have errors, and “all or nothing” was ticked: nothing was imported.",
                errors,
            )
        )
