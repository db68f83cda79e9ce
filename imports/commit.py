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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Table, and_, bindparam, func, select, update
from sqlalchemy.orm import Session

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


def _item_values(plan: Plan, user: User, now: datetime) -> Callable[[RowPlan], dict[str, Any]]:
    """A function giving a new row's item as its INSERT takes it (places' ids by name)."""
    ids = {kind: {name: place.id for name, place in getattr(plan.places, kind).items()}
           for kind in ("department", "category", "storeroom")}  # fmt: skip
    departments, categories, rooms = ids["department"], ids["category"], ids["storeroom"]

    def values(row: RowPlan) -> dict[str, Any]:
        fields = row.fields
        item = dict(NEW_ITEM_DEFAULTS)
        for name, value in fields.items():
            if name not in PLACES:
                item[name] = value
        room = rooms.get(key(fields["storeroom"])) if "storeroom" in fields else None
        item["tag"] = row.tag
        item["department_id"] = (
            departments.get(key(fields["department"])) if "department" in fields else None
        ) or user.department_id
        item["category_id"] = (
            categories.get(key(fields["category"])) if "category" in fields else None
        )
        item["storeroom_id"] = room
        if room:
            item["place"] = ""
        item["status"] = ItemStatus.IN_STORAGE if room else ItemStatus.IN_USE
        item["extra"] = row.extra
        item["version"] = 1
        item["created_at"] = item["updated_at"] = now
        return item

    return values


PLACES = frozenset(("department", "category", "site", "storeroom"))


@lru_cache(maxsize=65_536, typed=True)  # the same prices, dates and conditions, again and again
def _created_field(name: str, value: Any) -> str:
    """One field of a new item's history event, as JSON: "name": [null, value]; "" if empty."""
    if value is None or value == "":
        return ""
    return f"{json.dumps(name)}: {json.dumps([None, services.history_value(value)])}"


@lru_cache(maxsize=65_536)
def _created_extra(items: tuple[tuple[str, type, Any], ...]) -> str:
    return f'"extra": {json.dumps([None, {name: value for name, _, value in items}])}'


def _snapshot(row: RowPlan) -> str:
    """The new item's history event changes, as the JSON text json.dumps would write."""
    fields = [field for field in map(_created_field, row.fields, row.fields.values()) if field]
    if row.extra:  # typed, so that TRUE and 1 stay apart
        fields.append(_created_extra(tuple((k, type(v), v) for k, v in row.extra.items())))
    return "{" + ", ".join(fields) + "}"


def _insert_new(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: str, prefix: str, digits: int, written: _Written,
) -> None:  # fmt: skip
    """Insert the new items a chunk at a time, each with its history event and batch row.

    The items go in as multi-row INSERTs (SQLAlchemy's "insertmanyvalues", a thousand rows a
    statement), which SQLite's full-text index takes far faster than one row a statement; the
    ids come back by tag, so their order does not matter."""
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
    item_values = _item_values(plan, user, now)
    batch_id, user_id = batch.id, user.id
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start : start + WRITE_CHUNK]
        values = [item_values(row) for row in chunk]
        ids = dict(insert_rows(session, ITEMS, values, returning=("tag", "id")))
        insert_rows(
            session, EVENTS,
            [
                {"item_id": ids[row.tag], "kind": EventKind.IMPORTED, "user_id": user_id,
                 "at": now, "changes": _snapshot(row), "note": note}
                for row in chunk
            ],
            ready=("changes",),
        )  # fmt: skip
        insert_rows(
            session, BATCH_ITEMS,
            [
                {"batch_id": batch_id, "item_id": ids[row.tag], "action": BatchAction.CREATED,
                 "row": row.number, "version_after": 1, "before": "{}"}
                for row in chunk
            ],
            ready=("before",),
        )  # fmt: skip
        written.add(len(chunk))


def insert_rows(
    session: Session, target: Table, rows: list[dict[str, Any]], *,
    returning: tuple[str, ...] = (), ready: tuple[str, ...] = (),
) -> list[tuple[Any, ...]]:  # fmt: skip
    """INSERT rows (dicts with the same keys) into a table, at the speed of the driver.

    Each column's values are put in the database's form by its type's bind processor (dates
    and timestamps as SQLite stores them, enums as their values, JSON as text), once per
    distinct value and in place, and handed to the driver as tuples: SQLAlchemy's own
    executemany would process and check every value of every row again, which costs as much as
    the database's work. Without `returning`, one executemany; with it, multi-row INSERTs of up
    to a thousand rows ... RETURNING, whose rows come back in no particular order. On SQLite a
    multi-row INSERT also lets the full-text index take a thousand rows at once.

    :param ready: columns whose values are in the database's form already (JSON text).
    """
    if not rows:
        return []
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    missing = [
        c.name for c in target.columns
        if c.name not in names and not c.nullable and c.server_default is None
        and c.autoincrement is not True and not c.primary_key
    ]  # fmt: skip
    if missing:  # their Python-side defaults would not be applied here
        raise ValueError(f"{target.name}: no values for {missing}")
    for name in (name for name in names if name not in ready):
        kind = target.c[name].type
        process = kind.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            continue
        _process_column(rows, name, process, by_items=isinstance(kind, JSON))
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    head = f"INSERT INTO {quote(target.name)} ({', '.join(map(quote, names))}) VALUES "
    one = f"({', '.join([mark] * len(names))})"
    values = [*map(itemgetter(*names), rows)]
    if not returning:
        connection.exec_driver_sql(head + one, values)
        return []
    tail = f" RETURNING {', '.join(map(quote, returning))}"
    per = max(1, min(1_000, dialect.insertmanyvalues_max_parameters // len(names)))
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(values), per):
        chunk = values[start : start + per]
        flat = tuple(chain.from_iterable(chunk))
        found += map(
            tuple, connection.exec_driver_sql(head + ", ".join([one] * len(chunk)) + tail, flat)
        )
    return found


def _process_column(
    rows: list[dict[str, Any]], name: str, process: Callable[[Any], Any], *, by_items: bool
) -> None:
    """Process a column's values in place, each distinct value once (typed: 1 is not True),
    JSON objects by their items when these are plain values, as the extra attributes are."""
    done: dict[Any, Any] = {}
    for row in rows:
        value = row[name]
        try:
            key = (
                tuple((k, type(v), v) for k, v in value.items())
                if by_items
                else (type(value), value)
            )
            if key not in done:
                done[key] = process(value)
            row[name] = done[key]
        except (TypeError, AttributeError):  # unhashable (nested lists, objects), or no object
            row[name] = process(value)


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
        events = [
            {"item_id": u.item.id, "kind": kind, "user_id": user_id, "at": now,
             "changes": changes, "note": text}
            for kind, attribute, text in ((EventKind.IMPORTED, "edit", note),
                                          (EventKind.MOVED, "move", ""))
            for u in updates
            if (changes := getattr(u, attribute))
        ]  # fmt: skip
        insert_rows(session, EVENTS, events)
        insert_rows(
            session, BATCH_ITEMS,
            [
                {"batch_id": batch_id, "item_id": u.item.id, "action": BatchAction.UPDATED,
                 "row": u.row.number, "version_after": u.version, "before": u.before}
                for u in updates
            ],
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
