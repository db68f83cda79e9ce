"""Items and their history in bulk: the only place that writes items with raw SQL.

An import writes up to a couple of hundred thousand items at a time and an undo takes them
back; one ORM object and one flush per item would take minutes. So new items, their changes
and their removal go here as COPY (PostgreSQL) or multi-row INSERTs (SQLite) and as one
executemany per set of changed columns (inventory/bulk_rows.py), and still as the item
operations record them: every new item gets its history event, every change the events the
operation by hand records, every status change follows the table of inventory/item_states.py,
and a change of an item someone else changed meanwhile refuses the whole write.

The search index follows by itself: SQLite's full-text triggers, PostgreSQL's generated
column. The key columns (app/folding.py) are filled here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.folding import folded
from app.states import Transition
from inventory.bulk_rows import by_object, insert_row_chunks, insert_rows, update_rows
from inventory.errors import StaleItem
from inventory.item_history import Note, kept_note
from inventory.item_records import STALE_MESSAGE
from inventory.models import Condition, EventKind, Item, ItemEvent, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User

ITEMS, EVENTS = Item.__table__, ItemEvent.__table__
REMOVE_CHUNK = 1_000  # items deleted by one statement
# A new item's columns that may be left out, and what they then hold.
NEW_ITEM_DEFAULTS: dict[str, Any] = {
    "category_id": None,
    "storeroom_id": None,
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
    "extra": {},
}
KEYS = {"tag": "tag_key", "name": "name_key"}  # value column -> its key column


def insert_items(
    session: Session, columns: dict[str, list[Any]], *, by: User | None, now: datetime,
    kind: EventKind, notes: list[str], note_params: list[str] | None = None,
) -> list[int]:  # fmt: skip
    """Write new items given as columns (tag, name and department_id at least), each with a
    history event of `kind` and its note; their ids, in the order of the rows.

    An item with a storeroom is in storage, one without in use, as create_item makes them.
    The ids are taken before the rows are written, so the events need not read them back."""
    count = len(columns["tag"])
    return insert_item_chunks(session, [columns], count=count, by=by, now=now, kind=kind,
                              notes=notes, note_params=note_params)  # fmt: skip


def insert_item_chunks(
    session: Session, chunks: Iterable[dict[str, list[Any]]], *, count: int, by: User | None,
    now: datetime, kind: EventKind, notes: list[str], note_params: list[str] | None = None,
) -> list[int]:  # fmt: skip
    """insert_items for `count` rows that come a chunk of columns at a time, each made only
    when the one before is written (inventory.bulk_rows.insert_row_chunks): a hundred thousand
    rows are never all held as columns, and PostgreSQL writes while Python makes the next.

    :param notes: the events' notes, one per row of all the chunks.
    :param note_params: the notes' parameters as JSON text, where the notes are msgids to be
        read in the reader's language (inventory.item_history.kept_note).
    """
    if not count:
        return []
    ids = new_ids(session, count)
    insert_row_chunks(session, ITEMS, _new_item_rows(chunks, ids),
                      constants={"version": 1, "created_at": now, "updated_at": now})  # fmt: skip
    events = {"item_id": ids, "note": notes}
    if note_params is not None:
        events["note_params"] = note_params
    insert_rows(session, EVENTS, events, ready=("changes", "note_params"),
                constants={"kind": kind, "user_id": by.id if by else None, "at": now,
                           "changes": "{}"})  # fmt: skip
    return ids


def _new_item_rows(
    chunks: Iterable[dict[str, list[Any]]], ids: list[int]
) -> Iterator[dict[str, list[Any]]]:
    """Each chunk's columns completed: its ids, the defaults, the keys and the status."""
    start = 0
    for columns in chunks:
        count = len(columns["tag"])
        rows = {name: [default] * count for name, default in NEW_ITEM_DEFAULTS.items()}
        rows.update(columns)
        rows.update({key: list(map(folded, rows[name])) for name, key in KEYS.items()})
        rows["status"] = [ItemStatus.IN_STORAGE if room else ItemStatus.IN_USE
                          for room in rows["storeroom_id"]]  # fmt: skip
        yield {"id": ids[start : start + count], **rows}
        start += count
    if start != len(ids):
        raise ValueError(f"{len(ids)} new items announced, {start} given")


def new_ids(session: Session, count: int) -> list[int]:
    """Ids for `count` new items, taken before they are written.

    SQLite gives a new row the largest id plus one, and a writer holds the write lock: the ids
    after the largest are the ones it would give. PostgreSQL's are taken from the sequence, as
    its inserts take them."""
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence('items', 'id')) "
                 "FROM generate_series(1, :count)"),
            {"count": count},
        ))  # fmt: skip
    largest = session.scalar(select(func.max(Item.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


@dataclass
class ItemChange:
    """One item's change as the item operations would make it: new values for its columns
    (never its status: `moves` says how that changes), and the history events they record,
    each a step of the item's version, as each operation by hand flushes one.

    :param version: the version the change was worked out from; the write holds to it.
    :param events: (kind, {field: [before, after]}, note) in the order they happened.
    :param moves: the status's moves (inventory/item_states.py), in order; the first must
        allow the status the item has when it is written.
    """

    item_id: int
    version: int
    columns: dict[str, Any]
    events: list[tuple[EventKind, dict[str, list[Any]], Note]]
    moves: tuple[Transition[ItemStatus], ...] = field(default=())

    def __post_init__(self) -> None:
        if "status" in self.columns or not self.events:
            raise ValueError("a status changes by its moves; every change has its event")
        for before, after in zip(self.moves, self.moves[1:], strict=False):
            if not after.allows(before.target):
                raise ValueError(f"{after.name} does not follow {before.name}")

    @property
    def version_after(self) -> int:
        return self.version + len(self.events)


def update_items(
    session: Session, changes: list[ItemChange], *, by: User | None, now: datetime
) -> None:
    """Write the changes and their history events: one executemany per set of changed
    columns, each row only if the item is still at the version the change was worked out
    from and in a status its first move allows (StaleItem otherwise, and nothing of the
    caller's transaction should be kept)."""
    groups: dict[tuple[tuple[str, ...], tuple[Transition, ...]], list[ItemChange]]
    groups = defaultdict(list)
    for change in changes:
        groups[tuple(sorted(change.columns)), change.moves].append(change)
    for (names, moves), group in groups.items():
        _update_group(session, names, moves, group, now=now)
    events = [(c.item_id, kind, diff, note) for c in changes for kind, diff, note in c.events]
    if events:
        item_ids, kinds, diffs, notes = map(list, zip(*events, strict=True))
        # An import's changes share one note object: kept once, not once per event.
        texts, params = map(list, zip(*by_object(notes, kept_note), strict=True))
        insert_rows(session, EVENTS, {"item_id": item_ids, "kind": kinds, "changes": diffs,
                                      "note": texts, "note_params": params},
                    constants={"user_id": by.id if by else None, "at": now})  # fmt: skip
    expire_items(session, {change.item_id for change in changes})


def _update_group(
    session: Session, names: tuple[str, ...], moves: tuple[Transition, ...],
    group: list[ItemChange], *, now: datetime,
) -> None:  # fmt: skip
    columns = {name: [c.columns[name] for c in group] for name in names}
    columns.update({KEYS[name]: list(map(folded, columns[name])) for name in names
                    if name in KEYS})  # fmt: skip
    if moves:
        columns["status"] = [moves[-1].target] * len(group)
    columns["updated_at"] = [now] * len(group)
    columns["version"] = [c.version_after for c in group]
    where = (("id", [c.item_id for c in group]), ("version", [c.version for c in group]))
    among = ("status", sorted(moves[0].sources)) if moves else None
    changed = update_rows(session, ITEMS, columns, where=where, among=among)
    if session.get_bind().dialect.supports_sane_multi_rowcount and changed != len(group):
        raise StaleItem(STALE_MESSAGE)


def pointed_at(session: Session, ids: list[int]) -> set[int]:
    """Which of these items a part split off them points at: they cannot be removed."""
    found: set[int] = set()
    for start in range(0, len(ids), REMOVE_CHUNK):
        chunk = ids[start : start + REMOVE_CHUNK]
        found.update(session.scalars(select(Item.split_from_id).where(
            Item.split_from_id.in_(chunk))))  # fmt: skip
    return found


def remove_items(session: Session, ids: Iterable[int]) -> None:
    """Delete items a thousand at a time; the database removes their history, photos and
    listings with them and lets go of scans, outcomes and batch rows pointing at them (the
    foreign keys' ON DELETE), not one ORM object at a time."""
    ids = list(ids)
    for start in range(0, len(ids), REMOVE_CHUNK):
        chunk = ids[start : start + REMOVE_CHUNK]
        session.execute(
            delete(Item).where(Item.id.in_(chunk)).execution_options(synchronize_session=False)
        )
    gone = set(ids)
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Item) and instance.id in gone:
            session.expunge(instance)


def compact_search_index(session: Session) -> None:
    """SQLite: merge the search index into one segment after a large write.

    FTS5 adds segments as rows arrive and merges them only gradually; a search over the index
    a 100,000-row write leaves behind read 17 ms where the merged one reads 13 ms. Merging
    100,000 items' index takes about 0.2 s. PostgreSQL's trigram index needs no such step."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO items_search(items_search) VALUES ('optimize')"))


def expire_items(session: Session, ids: set[int]) -> None:
    """Items of the session written past the ORM are read again when next used."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Item) and instance.id in ids:
            session.expire(instance)
