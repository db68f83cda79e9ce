"""New items from an import: tags drawn from the sequence in one step, then a chunk at a
time the items with their "imported" history events (inventory.bulk, which owns that write)
and the batch's rows for undo.

A new item's "imported" event names the file, the batch and the row the item came from,
rather than copying every field as an item made by hand has them: the batch keeps that file
(its page downloads it), so the row is the item's first state, and every later change is an
event of its own with the values before and after; a copy of each row would be written for
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.folding import folded
from imports.errors import ImportRefused
from imports.models import BatchAction, BatchItem, ImportBatch
from imports.progress import PROGRESS_EVERY, RowsWritten
from imports.row_values import RowPlan
from inventory import bulk, item_tags
from inventory.bulk_rows import insert_rows
from inventory.item_history import Note, kept_note
from inventory.models import EventKind

if TYPE_CHECKING:
    from app.auth.models import User
    from imports.plan import Plan

SHOWN_CONFLICTS = 10  # tags named when a concurrent import took some
COMPACT_AFTER = 1_000  # new items after which the search index is merged (inventory.bulk)
# The item fields a row may give; the others keep inventory.bulk's defaults.
FIELDS = ("condition", "quantity", "serial_number", "manufacturer", "model", "purchase_date",
          "purchase_price", "replacement_value", "notes", "position", "place")  # fmt: skip


def _taken_meanwhile(rows: list[RowPlan]) -> str:
    """The refusal naming the rows whose tags were taken meanwhile: the first few, and how many
    more, so the user can see whether it is a handful or the whole file."""
    if len(rows) == 1:
        return str(_l("The tag %(tag)s (row %(row)d) was taken meanwhile. Check the file again.",
                      tag=rows[0].tag, row=rows[0].number))  # fmt: skip
    shown = ", ".join(
        str(_l("%(tag)s (row %(row)d)", tag=row.tag, row=row.number))
        for row in rows[:SHOWN_CONFLICTS]
    )
    if len(rows) > SHOWN_CONFLICTS:
        shown = str(_l("%(tags)s and %(n)d more", tags=shown, n=len(rows) - SHOWN_CONFLICTS))
    return str(_l("%(n)d tags were taken meanwhile: %(tags)s. Check the file again.",
                  n=len(rows), tags=shown))  # fmt: skip


class _NewItems:
    """New rows as the columns of inventory.bulk.insert_items."""

    def __init__(self, plan: Plan, user: User) -> None:
        self.own_department = user.department_id
        named = {name for row in plan.rows if row.action == "new" for name in row.fields}
        self.fields = [name for name in FIELDS if name in named]

    def columns(self, rows: list[RowPlan]) -> dict[str, list[Any]]:
        fields = [row.fields for row in rows]
        columns: dict[str, list[Any]] = {
            "tag": [row.tag for row in rows],
            "name": [f["name"] for f in fields],  # the check refuses a new row without one
            **{name: [f.get(name, bulk.NEW_ITEM_DEFAULTS[name]) for f in fields]
               for name in self.fields},
        }  # fmt: skip
        own = self.own_department
        rooms = _targets(rows, "storeroom")
        columns["department_id"] = [found or own for found in _targets(rows, "department")]
        columns["category_id"] = _targets(rows, "category")
        columns["storeroom_id"] = rooms
        if "place" in columns:  # an item in a storeroom has a position there, not a place
            columns["place"] = [
                "" if room else place for room, place in zip(rooms, columns["place"], strict=True)
            ]
        columns["extra"] = [row.extra for row in rows]
        return columns


def _targets(rows: list[RowPlan], kind: str) -> list[Any]:
    """The ids of the places of this kind the rows name (None where a row names none)."""
    return [value.target if (value := row.fields.get(kind)) else None for row in rows]


def _give_tags(session: Session, rows: list[RowPlan], *, prefix: str, digits: int) -> None:
    """Refuse tags taken since the preview (another import, a tag given by hand, a storeroom's
    code); give the rows without one fresh tags from the sequence, in one step."""
    given = item_tags.tags_in_use(session, [row.tag for row in rows if row.tag])
    taken = [row for row in rows if row.tag and folded(row.tag) in given]
    if taken:
        raise ImportRefused(_taken_meanwhile(taken))
    untagged = [row for row in rows if not row.tag]
    fresh = item_tags.reserve_tags(session, len(untagged), prefix=prefix, digits=digits)
    for row, tag in zip(untagged, fresh, strict=True):
        row.tag = tag


def insert_new(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: Note, prefix: str, digits: int, written: RowsWritten,
) -> None:  # fmt: skip
    """Insert the new items through inventory.bulk, each with its history event, and the
    batch's row for each. The items' columns are made a chunk at a time as the database takes
    the rows before (inventory.bulk.insert_item_chunks)."""
    if not rows:
        return
    _give_tags(session, rows, prefix=prefix, digits=digits)
    new_items = _NewItems(plan, user)

    def chunks() -> Iterator[dict[str, list[Any]]]:
        for start in range(0, len(rows), PROGRESS_EVERY):
            chunk = rows[start : start + PROGRESS_EVERY]
            yield new_items.columns(chunk)
            written.add(len(chunk))

    # "Imported from list.xlsx (batch 7), row 12", kept as its msgid and parameters to be read
    # in each reader's language: one msgid for every row, the row number in the parameters.
    msgid, params = kept_note(_l("%(note)s, row %(row)s", note=note, row=0))
    numbers = [row.number for row in rows]
    ids = bulk.insert_item_chunks(
        session, chunks(), count=len(rows), by=user, now=now, kind=EventKind.IMPORTED,
        notes=[msgid] * len(rows),
        note_params=[orjson.dumps({**params, "row": number}).decode() for number in numbers],
    )  # fmt: skip
    insert_rows(session, BatchItem.__table__, {"item_id": ids, "row": numbers},
                constants={"batch_id": batch.id, "action": BatchAction.CREATED,
                           "version_after": 1, "before": "{}"},
                ready=("before",))  # fmt: skip
    if len(rows) >= COMPACT_AFTER:
        bulk.compact_search_index(session)
