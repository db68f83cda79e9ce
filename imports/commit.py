"""Writing a planned import: every valid row in one transaction, each change in history.

Everything is written in bulk, two thousand rows at a time, never an ORM object or a query
per row: that is what lets 100,000 rows go in within seconds. New items get their tags from
the sequence in one step; the search index follows by itself (SQLite's FTS triggers,
PostgreSQL's generated column), as for an item made by hand. Updates are recorded as
inventory.services.update_item and move_item record an edit and a move (the same history
events; a version step for each), and each UPDATE checks the version the plan saw, so a
change made meanwhile refuses the whole import. What each row did is kept per batch, with the
values it replaced, so the batch can be undone.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import Session

from imports.bulk import by_object, insert_rows
from imports.models import BatchAction, BatchItem, BatchStatus, ImportBatch
from imports.plan import PROGRESS_EVERY, Plan, Progress, RowPlan, key
from imports.reading import gc_paused
from inventory import services
from inventory.errors import StaleItem
from inventory.models import (
    CategoryKind,
    Condition,
    Counter,
    EventKind,
    Item,
    ItemEvent,
    ItemStatus,
    Storeroom,
)

if TYPE_CHECKING:
    from app.auth.models import User

LOOKUP_CHUNK = 5_000  # tags looked up in one query
SHOWN_CONFLICTS = 10  # tags named when a concurrent import took some
WRITE_CHUNK = PROGRESS_EVERY  # rows written in one executemany
ITEMS, EVENTS, BATCH_ITEMS = Item.__table__, ItemEvent.__table__, BatchItem.__table__
SQLITE_CACHE_KIB = 32 * 1024
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
    "place": "",
}
_CODE_CHARS = re.compile(r"[^\w.\-]+")


class ImportRefused(Exception):
    """Nothing was written; the message says why."""


@gc_paused()
def commit_plan(
    session: Session,
    batch: ImportBatch,
    plan: Plan,
    *,
    user: User,
    now: datetime,
    tag_prefix: str,
    tag_digits: int,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the plan's valid rows (all or nothing if the batch says so); the caller commits.

    :param progress: called as progress("writing", rows written, rows to write) every few
        thousand rows and once at the end.
    """
    if batch.status != BatchStatus.PREVIEW:
        raise ImportRefused(_l("This file was already imported."))
    counts = plan.counts
    if batch.all_or_nothing and counts["error"]:
        raise ImportRefused(
            _l("%(n)d rows have errors, and “all or nothing” was ticked: nothing was imported.",
               n=counts["error"])
        )  # fmt: skip
    note = str(_l("Imported from %(file)s (batch %(id)d)", file=batch.filename, id=batch.id))
    if batch.create_missing:
        _create_missing(session, plan, user=user)
    new = [row for row in plan.rows if row.action == "new"]
    updates = [row for row in plan.rows if row.action == "update"]
    written = _Written(progress, len(new) + len(updates))
    with _larger_page_cache(session):
        _insert_new(session, batch, plan, new, user=user, now=now, note=note,
                    prefix=tag_prefix, digits=tag_digits, written=written)  # fmt: skip
        _apply_updates(session, batch, plan, updates, user=user, now=now, note=note,
                       written=written)  # fmt: skip
    written.finish()
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = now
    batch.counts = counts
    batch.refused = [
        {"row": row.number, "errors": [list(error) for error in row.errors]}
        for row in plan.rows
        if row.action == "error"
    ]
    session.flush()
    return counts


@contextmanager
def _larger_page_cache(session: Session) -> Iterator[None]:
    """SQLite keeps 2 MB of database pages per connection; the items' dozen indexes need more
    while 100,000 rows go in, or the same pages are read again and again (a quarter of the
    time). 32 MB for the import, then back to what it was."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar())
    connection.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


class _Written:
    """Counts rows written and tells the progress callback, if there is one."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        if progress:
            progress("writing", 0, total)

    def add(self, rows: int) -> None:
        self.done += rows
        if self.progress and self.done < self.total:
            self.progress("writing", self.done, self.total)

    def finish(self) -> None:
        if self.progress:
            self.progress("writing", self.total, self.total)


# --- places the file names that do not exist yet ---------------------------------------------


def _create_missing(session: Session, plan: Plan, *, user: User) -> None:
    places = plan.places
    for name in plan.missing["department"]:
        places.department[key(name)] = services.save_department(session, name)
    for name in plan.missing["category"]:
        places.category[key(name)] = services.save_category(
            session, name=name, parent=None, kind=CategoryKind.FURNITURE,
            replacement_value=None, co2e_kg=None,
        )  # fmt: skip
    for name in plan.missing["site"]:
        places.site[key(name)] = services.save_site(session, name=name)
    if not plan.missing["storeroom"]:
        return
    site_of = {}  # storeroom name -> the site named on its rows
    for row in plan.rows:
        room, site = row.fields.get("storeroom"), row.fields.get("site")
        if room and site:
            site_of.setdefault(key(room), places.site.get(key(site)))
    for name in plan.missing["storeroom"]:
        site = site_of.get(key(name)) or _fallback_site(session, places)
        room = services.save_storeroom(
            session, code=_free_code(session, name), name=name, site=site
        )
        places.storeroom[key(name)] = room
        places.storeroom[key(room.code)] = room


def _fallback_site(session: Session, places) -> Any:
    """Where storerooms go when the file names no site: one site for imported storerooms."""
    name = str(_l("Imported storerooms"))
    if key(name) not in places.site:
        places.site[key(name)] = services.save_site(session, name=name)
    return places.site[key(name)]


def _free_code(session: Session, name: str) -> str:
    """A storeroom code from its name: "Förråd 2" -> "Förråd-2", made unique if needed."""
    base = _CODE_CHARS.sub("-", name.strip()).strip("-.")[:28] or "ROOM"
    code, n = base, 1
    while services.find_storeroom_by_code(session, code) or services.tag_in_use(session, code):
        n += 1
        code = f"{base}-{n}"
    return code


# --- new items -----------------------------------------------------------------------------


def _draw_tags(session: Session, count: int, *, prefix: str, digits: int) -> list[str]:
    """`count` fresh tags from the sequence, moving the counter once for all of them."""
    tags: list[str] = []
    while len(tags) < count:
        need = count - len(tags)
        last = session.execute(
            update(Counter)
            .where(Counter.name == services.TAG_COUNTER)
            .values(value=Counter.value + need)
            .returning(Counter.value)
        ).scalar()
        if last is None:
            session.add(Counter(name=services.TAG_COUNTER, value=need))
            session.flush()
            last = need
        candidates = [f"{prefix}{n:0{digits}d}" for n in range(last - need + 1, last + 1)]
        taken = _tags_in_use(session, candidates)
        tags += [tag for tag in candidates if tag.casefold() not in taken]
    return tags


def _tags_in_use(session: Session, tags: list[str]) -> set[str]:
    """Which of these tags items or storerooms (their codes) already have, ignoring case."""
    taken = {code.casefold() for code in session.scalars(select(Storeroom.code))}
    query = select(Item.tag).where(func.lower(Item.tag).in_(bindparam("tags", expanding=True)))
    for start in range(0, len(tags), LOOKUP_CHUNK):
        chunk = [tag.lower() for tag in tags[start : start + LOOKUP_CHUNK]]
        taken.update(tag.casefold() for tag in session.scalars(query, {"tags": chunk}))
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
    """New rows as the columns their INSERTs take, places' ids looked up by name once."""

    def __init__(self, plan: Plan, user: User) -> None:
        self.ids = {kind: {name: place.id for name, place in getattr(plan.places, kind).items()}
                    for kind in ("department", "category", "storeroom")}  # fmt: skip
        self.own_department = user.department_id
        named = {name for row in plan.rows if row.action == "new" for name in row.fields}
        self.fields = [name for name in NEW_ITEM_DEFAULTS if name in named]

    def columns(self, rows: list[RowPlan]) -> dict[str, list[Any]]:
        fields = [row.fields for row in rows]
        columns: dict[str, list[Any]] = {
            "tag": [row.tag for row in rows],
            "name": [f["name"] for f in fields],  # the check refuses a new row without one
        }
        for name, default in NEW_ITEM_DEFAULTS.items():
            columns[name] = (
                [f.get(name, default) for f in fields]
                if name in self.fields
                else [default] * len(rows)
            )
        own = self.own_department
        rooms = [self._id("storeroom", f) for f in fields]
        columns["department_id"] = [self._id("department", f) or own for f in fields]
        columns["category_id"] = [self._id("category", f) for f in fields]
        columns["storeroom_id"] = rooms
        columns["place"] = [
            "" if room else place for room, place in zip(rooms, columns["place"], strict=True)
        ]
        columns["status"] = [ItemStatus.IN_STORAGE if room else ItemStatus.IN_USE
                             for room in rooms]  # fmt: skip
        columns["extra"] = [row.extra for row in rows]
        return columns

    def _id(self, kind: str, fields: dict[str, Any]) -> int | None:
        return self.ids[kind].get(key(fields[kind])) if kind in fields else None


@lru_cache(maxsize=65_536, typed=True)  # across chunks: the same names and prices again
def _created_field(name: str, value: Any) -> str:
    """One field of a new item's history event, as JSON: "name": [null, value]; "" if empty."""
    if value is None or value == "":
        return ""
    return f"{json.dumps(name)}: {json.dumps([None, services.history_value(value)])}"


def _created_fields(name: str, values: list[Any]) -> list[str]:
    """_created_field for a column of values, each value object once (see bulk.by_object)."""
    return by_object(values, lambda value: _created_field(name, value))


@lru_cache(maxsize=65_536)
def _created_extra(items: tuple[tuple[str, type, Any], ...]) -> str:
    return f'"extra": {json.dumps([None, {name: value for name, _, value in items}])}'


def _snapshots(rows: list[RowPlan]) -> list[str]:
    """Each new item's history event changes, as the JSON text json.dumps would write: every
    field the row gives, in the file's order, built a column at a time."""
    fields = [row.fields for row in rows]
    parts = [
        _created_fields(name, [f.get(name) for f in fields])
        for name in dict.fromkeys(chain.from_iterable(fields))
    ]
    parts.append(  # typed, so that TRUE and 1 stay apart
        [
            _created_extra(tuple([(k, type(v), v) for k, v in row.extra.items()]))
            if row.extra else ""
            for row in rows
        ]
    )  # fmt: skip
    return [
        "{" + ", ".join([part for part in row if part]) + "}" for row in zip(*parts, strict=True)
    ]


def _insert_new(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: str, prefix: str, digits: int, written: _Written,
) -> None:  # fmt: skip
    """Insert the new items a chunk at a time, each with its history event and batch row.

    The items go in as multi-row INSERTs (a thousand rows a statement), which SQLite's
    full-text index takes far faster than one row a statement; the ids come back by tag, so
    their order does not matter."""
    if not rows:
        return
    fresh = iter(_draw_tags(session, sum(1 for r in rows if not r.tag), prefix=prefix,
                            digits=digits))  # fmt: skip
    given = _tags_in_use(session, [row.tag for row in rows if row.tag])
    taken = [row for row in rows if row.tag and row.tag.casefold() in given]
    if taken:  # since the preview (another import, a tag given by hand), or a storeroom's code
        raise ImportRefused(_taken_meanwhile(taken))
    for row in rows:
        row.tag = row.tag or next(fresh)
    new_items = _NewItems(plan, user)
    item_constants = {"version": 1, "created_at": now, "updated_at": now}
    event_constants = {"kind": EventKind.IMPORTED, "user_id": user.id, "at": now, "note": note}
    batch_constants = {"batch_id": batch.id, "action": BatchAction.CREATED, "version_after": 1,
                       "before": "{}"}  # fmt: skip
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start : start + WRITE_CHUNK]
        ids = dict(insert_rows(session, ITEMS, new_items.columns(chunk), constants=item_constants,
                               returning=("tag", "id")))  # fmt: skip
        item_ids = [ids[row.tag] for row in chunk]
        insert_rows(session, EVENTS, {"item_id": item_ids, "changes": _snapshots(chunk)},
                    constants=event_constants, ready=("changes",))  # fmt: skip
        insert_rows(session, BATCH_ITEMS, {"item_id": item_ids,
                                           "row": [row.number for row in chunk]},
                    constants=batch_constants, ready=("before",))  # fmt: skip
        written.add(len(chunk))


# --- updates -----------------------------------------------------------------------------------


class _Update:
    """One planned row as update_item and move_item would write it: the item's new columns,
    its history events and what the batch keeps for undo."""

    def __init__(self, row: RowPlan, plan: Plan, names: dict[str, dict[int, str]]) -> None:
        item, places = row.current, plan.places
        assert item is not None
        self.row, self.item, self.columns = row, item, {}
        self.edit: dict[str, list[Any]] = {}  # update_item's event changes
        self.move: dict[str, list[Any]] = {}  # move_item's
        self.before = {
            "fields": {name: self._history(name, names) for name in row.changes
                       if name != "storeroom"},
            "department_id": item.department_id,
            "category_id": item.category_id,
            "storeroom_id": item.storeroom_id,
            "place": item.place,
            "status": item.status.value,
            "extra": item.extra,
        }  # fmt: skip
        for name, (_, new) in row.changes.items():
            if name in ("department", "category"):
                place = getattr(places, name)[key(new)]
                self.columns[f"{name}_id"] = place.id
                self.edit[name] = [self.before["fields"][name], names[name][place.id]]
            elif name != "storeroom":
                self.columns[name] = new
                self.edit[name] = [services.history_value(getattr(item, name)),
                                   services.history_value(new)]  # fmt: skip
        if "storeroom" in row.changes:
            self._move_to(places.storeroom[key(row.changes["storeroom"][1])], names)
        self.version = item.version + bool(self.edit) + bool(self.move)

    def _history(self, name: str, names: dict[str, dict[int, str]]) -> Any:
        if name in ("department", "category"):
            return names[name].get(getattr(self.item, f"{name}_id"))
        return services.history_value(getattr(self.item, name))

    def _move_to(self, room: Storeroom, names: dict[str, dict[int, str]]) -> None:
        item = self.item
        before = {
            "storeroom": names["storeroom"].get(item.storeroom_id),
            "place": self.columns.get("place", item.place),
            "status": item.status.value,
        }
        after = {"storeroom": str(room), "place": "", "status": ItemStatus.IN_STORAGE.value}
        self.move = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        self.columns.update(storeroom_id=room.id, place="", status=ItemStatus.IN_STORAGE)


def _display_names(plan: Plan) -> dict[str, dict[int, str]]:
    """How history names departments, categories (their path) and storerooms, by id."""
    places = plan.places
    return {
        "department": {d.id: str(d) for d in places.department.values()},
        "category": {c.id: c.path for c in places.category.values()},
        "storeroom": {room.id: str(room) for room in places.storeroom.values()},
    }


def _apply_updates(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: str, written: _Written,
) -> None:  # fmt: skip
    if not rows:
        return
    names, batch_id, user_id = _display_names(plan), batch.id, user.id
    for start in range(0, len(rows), WRITE_CHUNK):
        updates = [_Update(row, plan, names) for row in rows[start : start + WRITE_CHUNK]]
        _update_items(session, updates, now=now)
        for kind, attribute, text in ((EventKind.IMPORTED, "edit", note),
                                      (EventKind.MOVED, "move", "")):  # fmt: skip
            events = [(u.item.id, changes) for u in updates if (changes := getattr(u, attribute))]
            if events:
                item_ids, changes = map(list, zip(*events, strict=True))
                insert_rows(session, EVENTS, {"item_id": item_ids, "changes": changes},
                            constants={"kind": kind, "user_id": user_id, "at": now,
                                       "note": text})  # fmt: skip
        insert_rows(
            session, BATCH_ITEMS,
            {"item_id": [u.item.id for u in updates], "row": [u.row.number for u in updates],
             "version_after": [u.version for u in updates], "before": [u.before for u in updates]},
            constants={"batch_id": batch_id, "action": BatchAction.UPDATED},
        )  # fmt: skip
        written.add(len(updates))
    _expire_items(session, {row.item_id for row in rows})


def _update_items(session: Session, updates: list[_Update], *, now: datetime) -> None:
    """One executemany per set of changed columns, each row only if its version is still the
    one the plan read (what the ORM's version check does for one item)."""
    by_columns: dict[tuple[str, ...], list[_Update]] = defaultdict(list)
    for u in updates:
        by_columns[tuple(sorted(u.columns))].append(u)
    for columns, group in by_columns.items():
        statement = (
            update(ITEMS)
            .where(and_(ITEMS.c.id == bindparam("_id"), ITEMS.c.version == bindparam("_seen")))
            .values({name: bindparam(name) for name in (*columns, "updated_at", "version")})
        )
        result = session.execute(
            statement,
            [{**u.columns, "updated_at": now, "version": u.version, "_id": u.item.id,
              "_seen": u.item.version} for u in group],
        )  # fmt: skip
        if session.get_bind().dialect.supports_sane_multi_rowcount and result.rowcount != len(
            group
        ):
            raise StaleItem(services.STALE_MESSAGE)


def _expire_items(session: Session, ids: set[int]) -> None:
    """Items of the session written past the ORM are read again when next used."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Item) and instance.id in ids:
            session.expire(instance)
