"""Items an import updates, recorded as inventory.item_records.update_item and
whereabouts.move_item record an edit and a move by hand (the same history events; a version
step for each), and written by inventory.bulk, which checks the version the plan saw, so a
change made meanwhile refuses the whole import. What each row replaced is kept in the batch,
so the batch can be undone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.folding import folded
from imports.models import BatchAction, BatchItem, ImportBatch
from imports.places import Places
from imports.progress import PROGRESS_EVERY, RowsWritten
from imports.row_values import RowPlan
from inventory import bulk, item_history, item_states
from inventory.bulk_rows import insert_rows
from inventory.models import EventKind, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User
    from imports.plan import Plan

BATCH_ITEMS = BatchItem.__table__


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
        self.columns.update(storeroom_id=room, place="")
        if position != item.position:  # a column set, even to what it was, redoes its search
            self.columns["position"] = position  # index entry (the full-text trigger)

    def change(self, note: item_history.Note) -> bulk.ItemChange:
        """The change for inventory.bulk: the edit's event, then the move's (into storage)."""
        events = [(kind, changes, text) for kind, changes, text in (
            (EventKind.IMPORTED, self.edit, note), (EventKind.MOVED, self.move, ""))
            if changes]  # fmt: skip
        moves = (item_states.PUT_AWAY,) if "storeroom" in self.row.changes else ()
        return bulk.ItemChange(self.item.id, self.item.version, self.columns, events, moves)


def apply_updates(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: item_history.Note, written: RowsWritten,
) -> None:  # fmt: skip
    """Write the updates a chunk at a time, each with its history events and batch row."""
    for start in range(0, len(rows), PROGRESS_EVERY):
        updates = [_Update(row, plan.places) for row in rows[start : start + PROGRESS_EVERY]]
        changes = [u.change(note) for u in updates]
        bulk.update_items(session, changes, by=user, now=now)
        insert_rows(session, BATCH_ITEMS, {
            "item_id": [c.item_id for c in changes], "row": [u.row.number for u in updates],
            "version_after": [c.version_after for c in changes],
            "before": [u.before for u in updates],
        }, constants={"batch_id": batch.id, "action": BatchAction.UPDATED})  # fmt: skip
        written.add(len(updates))
