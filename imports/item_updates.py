"""Items an import updates, recorded as inventory.item_records.update_item and whereabouts.move_item record
an edit and a move by hand (the same history events; a version step for each). Each UPDATE
checks the version the plan saw, so a change made meanwhile refuses the whole import; what
each row replaced is kept in the batch, so the batch can be undone."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.folding import folded
from imports.bulk import insert_rows, update_rows
from imports.models import BatchAction, BatchItem, ImportBatch
from imports.places import Places
from imports.progress import PROGRESS_EVERY, RowsWritten
from imports.row_values import RowPlan
from inventory import item_history, item_records
from inventory.errors import StaleItem
from inventory.models import EventKind, Item, ItemEvent, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User
    from imports.plan import Plan

ITEMS, EVENTS, BATCH_ITEMS = Item.__table__, ItemEvent.__table__, BatchItem.__table__


class _Update:
    """One planned row as update_item and move_item would write it: the item's new columns,
    its history events and what the batch keeps for undo."""

    def __init__(self, row: RowPlan, places: Places) -> None:
        item = row.current
        assert item is not None
        self.row, self.item, self.columns = row, item, {}
        self.edit: dict[str, list[Any]] = {}  # update_item's event changes
        self.move: dict[str, list[Any]] = {}  # move_item's
        self.before = {
            "fields": {name: self._history(name, places) for name in row.changes
                       if name != "storeroom"},
            "department_id": item.department_id,
            "category_id": item.category_id,
            "storeroom_id": item.storeroom_id,
            "position": item.position,
            "place": item.place,
            "status": item.status.value,
            "extra": item.extra,
        }  # fmt: skip
        for name, (_, new) in row.changes.items():
            if name in ("department", "category"):
                target = row.fields[name].target
                self.columns[f"{name}_id"] = target
                self.edit[name] = [self.before["fields"][name], places.label(name, target)]
            elif name == "position" and "storeroom" in row.changes:
                continue  # part of the move
            elif name != "storeroom":
                self.columns[name] = new
                self.edit[name] = [item_history.history_value(getattr(item, name)),
                                   item_history.history_value(new)]  # fmt: skip
        if "name" in self.columns:
            self.columns["name_key"] = folded(self.columns["name"])
        if "storeroom" in row.changes:
            position = row.changes.get("position", (None, item.position))[1]
            self._move_to(row.fields["storeroom"].target, position, places)
        self.version = item.version + bool(self.edit) + bool(self.move)

    def _history(self, name: str, places: Places) -> Any:
        if name in ("department", "category"):
            current = getattr(self.item, f"{name}_id")
            return None if current is None else places.label(name, current)
        return item_history.history_value(getattr(self.item, name))

    def _move_to(self, room: int, position: str, places: Places) -> None:
        """Into a storeroom (at a position in it), as move_item records a move."""
        item = self.item
        before = {
            "storeroom": places.room_names.get(item.storeroom_id),
            "position": item.position,
            "place": self.columns.get("place", item.place),
            "status": item.status.value,
        }
        after = {"storeroom": places.room_names[room], "position": position, "place": "",
                 "status": ItemStatus.IN_STORAGE.value}  # fmt: skip
        self.move = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        self.columns.update(storeroom_id=room, place="", status=ItemStatus.IN_STORAGE)
        if position != item.position:  # a column set, even to what it was, redoes its search
            self.columns["position"] = position  # index entry (the full-text trigger)


def apply_updates(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: str, written: RowsWritten,
) -> None:  # fmt: skip
    if not rows:
        return
    batch_id, user_id = batch.id, user.id
    for start in range(0, len(rows), PROGRESS_EVERY):
        updates = [_Update(row, plan.places) for row in rows[start : start + PROGRESS_EVERY]]
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
    for names, group in by_columns.items():
        columns = {name: [u.columns[name] for u in group] for name in names}
        columns["updated_at"] = [now] * len(group)
        columns["version"] = [u.version for u in group]
        changed = update_rows(session, ITEMS, columns, where=(
            ("id", [u.item.id for u in group]), ("version", [u.item.version for u in group]),
        ))  # fmt: skip
        if session.get_bind().dialect.supports_sane_multi_rowcount and changed != len(group):
            raise StaleItem(item_records.STALE_MESSAGE)


def _expire_items(session: Session, ids: set[int]) -> None:
    """Items of the session written past the ORM are read again when next used."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Item) and instance.id in ids:
            session.expire(instance)
