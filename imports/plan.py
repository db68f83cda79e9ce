"""The preview of an import: what every row would do, before anything changes.

`plan_import` reads each row through the mapping, normalises its values, matches its tag to an
existing item and its department, storeroom, site and category to existing ones by name
(ignoring case), and says per row: new, updated (with the fields that differ), unchanged or
error (with every error's column and a plain reason). Committing (imports/commit.py) writes
exactly what the plan says.
"""

from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, bindparam, cast, select
from sqlalchemy.orm import Session

from app.folding import folded
from imports.freed_memory import giving_back
from imports.gc_pause import gc_paused
from imports.merged import refuse_merged
from imports.places import Places, load_places
from imports.progress import Progress
from imports.resolve import Resolver, Status, Value
from imports.row_checks import Judge, mark_duplicate_tags
from imports.row_values import NO_FIELDS, ExistingItem, RowPlan, read_rows
from imports.table import Table
from imports.value_choices import remembered_choices
from inventory.models import Item

if TYPE_CHECKING:
    from app.auth.models import User

LOOKUP_CHUNK = 5_000  # tags looked up in one query
SAMPLE_ROWS = 10  # the first rows, which the preview shows as they will be saved, errors or not


@dataclass
class Plan:
    rows: list[RowPlan]
    places: Places
    values: dict[str, dict[str, Value]]  # kind -> folded value -> what it is in ours
    headers: dict[str, str]  # field -> the column that gives it

    def to_create(self, kind: str) -> list[Value]:
        """The new values of a kind that rows being imported name: "create missing" makes
        these, and nothing for rows that are refused."""
        return [value for value in self.values.get(kind, {}).values()
                if value.status == Status.NEW and value.imported]  # fmt: skip

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        return [(row.number, column, reason) for row in self.rows for column, reason in row.errors]


ITEM_COLUMNS = ("id", "tag", "department_id", "category_id", "storeroom_id", "position", "place",
                "status", "version", "extra")  # fmt: skip


def _existing_items(session: Session, tags: list[str], fields: set[str]) -> dict[str, ExistingItem]:
    """The items with these tags (ignoring case): the columns an update compares (the mapped
    fields) and writes from.

    The extra attributes come as JSON text, last, and each distinct text is decoded once: a
    stock list's items share a few dozen of them, and decoding one per item was a quarter of
    checking an update of 100,000 rows. Items with the same text share the decoded dict,
    which nothing changes (an update makes a new one)."""
    columns = Item.__table__.c
    wanted = [columns[name] for name in (*ITEM_COLUMNS, *sorted(fields))
              if name in columns and name != "extra"]  # fmt: skip
    query = select(*wanted, cast(columns.extra, Text)).where(
        Item.tag_key.in_(bindparam("tags", expanding=True))
    )
    names = [column.name for column in wanted] + ["extra"]
    existing = namedtuple("ExistingItem", names)._make  # type: ignore[misc]
    decoded: dict[str, Any] = {}
    found: dict[str, ExistingItem] = {}
    for start in range(0, len(tags), LOOKUP_CHUNK):
        chunk = [folded(tag) for tag in tags[start : start + LOOKUP_CHUNK]]
        for values in session.connection().execute(query, {"tags": chunk}).all():
            text = values[-1]
            extra = decoded.get(text)
            if extra is None:
                extra = decoded[text] = json.loads(text)
            item = existing((*values[:-1], extra))
            found[folded(item.tag)] = item
    return found


@giving_back
@gc_paused()
def plan_import(
    session: Session,
    table: Table,
    mapping: list[str],
    *,
    user: User,
    create_missing: bool,
    choices: dict[str, dict[str, str]] | None = None,
    progress: Progress | None = None,
) -> Plan:
    """What committing would do, row by row; nothing is written, not even what the session
    holds unflushed: a progress callback writing through a connection of its own is then never
    kept waiting by this transaction (SQLite has one writer).

    :param choices: what the user chose in the preview for the file's values, by kind and
        folded value: an id of ours, or "new" (imports/resolve.py).
    :param progress: called as progress("checking", rows done, rows in all) every few thousand
        rows and once at the end.
    """
    refuse_merged(table)
    rows = read_rows(table, mapping, progress=progress)
    headers = {target: header for header, target in zip(table.headers, mapping, strict=False)}
    mark_duplicate_tags(rows, headers.get("tag", ""))
    fields = {target for target in mapping if target not in ITEM_COLUMNS}
    with session.no_autoflush:
        places = load_places(session)
        remembered = remembered_choices(session)
        items = _existing_items(session, [row.tag for row in rows if row.tag], fields)
    resolver = Resolver(places, choices or {}, remembered)
    judge = Judge(places, user, headers, create_missing=create_missing)
    judge.name_places(rows, resolver)
    _judge_rows(rows, items, judge)
    _mark_imported(rows, resolver.values)
    _let_go_of_refused(rows)
    if progress:
        progress("checking", len(rows), len(rows))
    return Plan(rows, places, resolver.values, headers)


def _judge_rows(rows: list[RowPlan], items: dict[str, ExistingItem], judge: Judge) -> None:
    """What each row does: an error, an update of the item with its tag, or a new item."""
    for row in rows:
        item = items.get(folded(row.tag)) if row.tag else None
        if row.errors:
            row.action = "error"
        elif item is not None:
            judge.update(row, item)
        else:
            judge.new(row)


def _let_go_of_refused(rows: list[RowPlan]) -> None:
    """Drop the values of rows with errors, past the sample: nothing writes them, they were
    counted with the file's values, and a check of 200,000 refused rows held 90 MB of them."""
    for row in islice(rows, SAMPLE_ROWS, None):
        if row.errors:
            row.fields, row.extra_items = NO_FIELDS, ()


def _mark_imported(rows: list[RowPlan], values: dict[str, dict[str, Value]]) -> None:
    """Note the new values that rows being imported name, and the site of a new storeroom:
    what "create missing" may create. A kind at a time, until all its new values are seen."""
    for kind, found in values.items():
        waiting = {value for value in found.values() if value.status == Status.NEW}
        for row in rows if waiting and kind != "site" else ():
            value = row.fields.get(kind)
            if value in waiting and row.action in ("new", "update"):
                value.imported = True
                if value.site is not None:
                    value.site.imported = True
                waiting.discard(value)
                if not waiting:
                    break
