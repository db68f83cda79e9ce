"""New items from an import: tags drawn from the sequence in one step, the items, their
"imported" history events and the batch's rows for undo, all written in bulk a chunk at a
time. The search index follows by itself (SQLite's FTS triggers, PostgreSQL's generated
column).

A new item's "imported" event names the file, the batch and the row the item came from,
rather than copying every field as an item made by hand has them: the batch keeps that file
(its page downloads it), so the row is the item's first state, and every later change is an
event of its own with the values before and after. A copy of each row was a third of what an
import wrote (docs/benchmarks.md)."""

from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from app.folding import folded
from imports.bulk import insert_statements
from imports.errors import ImportRefused
from imports.models import BatchAction, BatchItem, ImportBatch
from imports.progress import PROGRESS_EVERY, RowsWritten
from imports.row_values import RowPlan
from inventory import item_tags
from inventory.models import Condition, Counter, EventKind, Item, ItemEvent, ItemStatus, Storeroom

if TYPE_CHECKING:
    from app.auth.models import User
    from imports.plan import Plan

LOOKUP_CHUNK = 5_000  # tags looked up in one query
SHOWN_CONFLICTS = 10  # tags named when a concurrent import took some
ITEMS, EVENTS, BATCH_ITEMS = Item.__table__, ItemEvent.__table__, BatchItem.__table__
# Every new row carries every column, so one multi-row INSERT takes a whole chunk.
NEW_ITEM_DEFAULTS: dict[str, Any] = {
    "condition": Condition.GOOD,
    "quantity": 1,
    "serial_number": "",
    "manufacturer": "",
    "model": "",
    "purchase_date": None,
    "purchase_price": None,
    "replacement_value": None,
    "notes": "",
    "position": "",
    "place": "",
}


def _draw_tags(session: Session, count: int, *, prefix: str, digits: int) -> list[str]:
    """`count` fresh tags from the sequence, moving the counter once for all of them."""
    tags: list[str] = []
    while len(tags) < count:
        need = count - len(tags)
        last = session.execute(
            update(Counter)
            .where(Counter.name == item_tags.TAG_COUNTER)
            .values(value=Counter.value + need)
            .returning(Counter.value)
        ).scalar()
        if last is None:
            session.add(Counter(name=item_tags.TAG_COUNTER, value=need))
            session.flush()
            last = need
        candidates = [f"{prefix}{n:0{digits}d}" for n in range(last - need + 1, last + 1)]
        taken = _tags_between(session, candidates[0], candidates[-1])
        tags += [tag for tag in candidates if folded(tag) not in taken]
    return tags


def _tags_between(session: Session, first: str, last: str) -> set[str]:
    """The keys of the tags in use (items' and storerooms' codes) from `first` to `last`.

    Drawn tags share their prefix and their number of digits, so every one of them sorts
    between the first and the last: one range of the tag index answers for all of them."""
    taken = _storeroom_codes(session)
    query = select(Item.tag_key).where(Item.tag_key.between(folded(first), folded(last)))
    taken.update(session.scalars(query))
    return taken


def _storeroom_codes(session: Session) -> set[str]:
    """Storerooms' codes, folded: a scanned code finds a storeroom or an item, never both."""
    return set(session.scalars(select(Storeroom.code_key)))


def _tags_in_use(session: Session, tags: list[str]) -> set[str]:
    """The keys of these tags that items or storerooms (their codes) already have."""
    taken = _storeroom_codes(session)
    query = select(Item.tag_key).where(Item.tag_key.in_(bindparam("tags", expanding=True)))
    for start in range(0, len(tags), LOOKUP_CHUNK):
        chunk = [folded(tag) for tag in tags[start : start + LOOKUP_CHUNK]]
        taken.update(session.scalars(query, {"tags": chunk}))
    return taken


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
    """New rows as the columns their INSERTs take."""

    def __init__(self, plan: Plan, user: User) -> None:
        self.own_department = user.department_id
        named = {name for row in plan.rows if row.action == "new" for name in row.fields}
        self.fields = [name for name in NEW_ITEM_DEFAULTS if name in named]

    def columns(self, rows: list[RowPlan]) -> dict[str, list[Any]]:
        fields = [row.fields for row in rows]
        tags = [row.tag for row in rows]
        names = [f["name"] for f in fields]  # the check refuses a new row without one
        columns: dict[str, list[Any]] = {
            "tag": tags,
            "tag_key": list(map(folded, tags)),
            "name": names,
            "name_key": list(map(folded, names)),
        }
        for name, default in NEW_ITEM_DEFAULTS.items():
            columns[name] = (
                [f.get(name, default) for f in fields]
                if name in self.fields
                else [default] * len(rows)
            )
        own = self.own_department
        rooms = _targets(rows, "storeroom")
        columns["department_id"] = [found or own for found in _targets(rows, "department")]
        columns["category_id"] = _targets(rows, "category")
        columns["storeroom_id"] = rooms
        columns["place"] = [
            "" if room else place for room, place in zip(rooms, columns["place"], strict=True)
        ]
        columns["status"] = [ItemStatus.IN_STORAGE if room else ItemStatus.IN_USE
                             for room in rooms]  # fmt: skip
        columns["extra"] = [row.extra for row in rows]
        return columns


def _targets(rows: list[RowPlan], kind: str) -> list[Any]:
    """The ids of the places of this kind the rows name (None where a row names none)."""
    return [value.target if (value := row.fields.get(kind)) else None for row in rows]


def _new_ids(session: Session, count: int) -> list[int]:
    """Ids for `count` new items, taken before they are written, so that their history events
    and batch rows can be written without reading them back.

    SQLite gives a new row the largest id plus one, and the import holds the write lock: the
    ids after the largest are the ones it would give. PostgreSQL's are taken from the
    sequence, as its inserts take them."""
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence('items', 'id')) "
                 "FROM generate_series(1, :count)"),
            {"count": count},
        ))  # fmt: skip
    largest = session.scalar(select(func.max(Item.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


def insert_new(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: str, prefix: str, digits: int, written: RowsWritten,
) -> None:  # fmt: skip
    """Insert the new items a chunk at a time, each with its history event and batch row.

    The items go in as multi-row INSERTs (a thousand rows a statement), which SQLite's
    full-text index takes far faster than one row a statement. Their ids are taken first,
    so that their events and batch rows need not wait for the items' ids."""
    if not rows:
        return
    fresh = iter(_draw_tags(session, sum(1 for r in rows if not r.tag), prefix=prefix,
                            digits=digits))  # fmt: skip
    given = _tags_in_use(session, [row.tag for row in rows if row.tag])
    taken = [row for row in rows if row.tag and folded(row.tag) in given]
    if taken:  # since the preview (another import, a tag given by hand), or a storeroom's code
        raise ImportRefused(_taken_meanwhile(taken))
    for row in rows:
        row.tag = row.tag or next(fresh)
    ids = _new_ids(session, len(rows))
    new_items = _NewItems(plan, user)
    item_constants = {"version": 1, "created_at": now, "updated_at": now}
    event_constants = {"kind": EventKind.IMPORTED, "user_id": user.id, "at": now, "changes": "{}"}
    # "Imported from list.xlsx (batch 7), row 12", translated once: the file's name may hold
    # anything, so the row number goes where the translation puts a NUL, not by str.format.
    head, tail = str(_l("%(note)s, row %(row)s", note=note, row="\0")).split("\0")
    batch_constants = {"batch_id": batch.id, "action": BatchAction.CREATED, "version_after": 1,
                       "before": "{}"}  # fmt: skip
    connection = session.connection()
    dialect = connection.dialect
    for start in range(0, len(rows), PROGRESS_EVERY):
        chunk = rows[start : start + PROGRESS_EVERY]
        item_ids = ids[start : start + PROGRESS_EVERY]
        statements = chain(
            insert_statements(dialect, ITEMS, {"id": item_ids, **new_items.columns(chunk)},
                              constants=item_constants),
            insert_statements(dialect, EVENTS,
                              {"item_id": item_ids,
                               "note": [f"{head}{row.number}{tail}" for row in chunk]},
                              constants=event_constants, ready=("changes",)),
            insert_statements(dialect, BATCH_ITEMS,
                              {"item_id": item_ids, "row": [row.number for row in chunk]},
                              constants=batch_constants, ready=("before",)),
        )  # fmt: skip
        for statement in statements:
            connection.exec_driver_sql(*statement)
        written.add(len(chunk))
