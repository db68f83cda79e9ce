"""Taking an import back: the items it created that nobody has touched since are removed, the
ones it updated get the values they had back, with history, as update_item, move_item and
mark_missing would record it; anything changed since (its version moved on), or pointed at by
a part split off it, is left and named in the report.

Everything goes through inventory.bulk a couple of thousand items at a time, never one ORM
object per item.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from imports.errors import ImportRefused
from imports.gc_pause import gc_paused
from imports.models import BatchAction, BatchItem, BatchStatus, ImportBatch
from imports.places import Places, load_places
from imports.progress import PROGRESS_EVERY
from inventory import bulk, item_states
from inventory.item_history import Note, history_value
from inventory.models import EventKind, Item, ItemStatus

if TYPE_CHECKING:
    from app.auth.models import User

COLUMNS = Item.__table__.columns
PLACES = {"department": "department_id", "category": "category_id"}
WHEREABOUTS = ("storeroom_id", "position", "place", "status", "version", "extra")


@gc_paused()
def undo(session: Session, batch: ImportBatch, *, user: User, now: datetime) -> dict[str, list]:
    """Take a batch back; what happened to each item is in the report, by tag."""
    if batch.status != BatchStatus.COMMITTED:
        raise ImportRefused(_l("Only an imported batch can be undone."))
    entries = session.execute(
        select(BatchItem.action, BatchItem.version_after, BatchItem.before, BatchItem.item_id,
               Item.tag, Item.version)
        .join(Item, Item.id == BatchItem.item_id)
        .where(BatchItem.batch_id == batch.id)
        .order_by(BatchItem.id.desc())
    ).all()  # fmt: skip
    created = [entry.item_id for entry in entries if entry.action == BatchAction.CREATED]
    pointed_at = bulk.pointed_at(session, created)
    report: dict[str, list] = {"removed": [], "restored": [], "kept": []}
    removed, restored = [], []
    for entry in entries:
        if entry.version != entry.version_after or entry.item_id in pointed_at:
            report["kept"].append(entry.tag)
        elif entry.action == BatchAction.CREATED:
            report["removed"].append(entry.tag)
            removed.append(entry.item_id)
        else:
            report["restored"].append(entry.tag)
            restored.append(entry)
    # Each restored item's events say why, in the reader's language (app/kept_messages.py).
    note = _l("Undo of the import of %(file)s (batch %(id)d)", file=batch.filename, id=batch.id)
    _restore(session, restored, note=note, by=user, now=now)
    bulk.remove_items(session, removed)
    batch.status, batch.undone_at, batch.undo_report = BatchStatus.UNDONE, now, report
    session.flush()
    return report


def _restore(session: Session, entries: list[Row], *, note: Note, by: User, now: datetime) -> None:
    """Give updated items their recorded values back, a chunk at a time."""
    if not entries:
        return
    places = load_places(session)
    fields = {name for entry in entries for name in entry.before.get("fields", {})}
    names = sorted({*WHEREABOUTS, *PLACES.values(), *(fields - set(PLACES))} & set(COLUMNS.keys()))
    query = select(COLUMNS.id, *(COLUMNS[name] for name in names))
    for start in range(0, len(entries), PROGRESS_EVERY):
        chunk = entries[start : start + PROGRESS_EVERY]
        ids = [entry.item_id for entry in chunk]
        current = {row.id: row for row in session.execute(query.where(COLUMNS.id.in_(ids)))}
        changes = [_Restoring(current[e.item_id], e.before, places, note).change()
                   for e in chunk]  # fmt: skip
        bulk.update_items(session, [c for c in changes if c is not None], by=by, now=now)


class _Restoring:
    """One item going back to what a batch recorded before it: an edit of the fields the
    batch changed, then a move back to the storeroom or place it was in, then marking it
    missing if it was."""

    def __init__(self, item: Row, before: dict[str, Any], places: Places, note: Note) -> None:
        self.item, self.before, self.places, self.note = item, before, places, note
        self.columns: dict[str, Any] = {}
        self.events: list[tuple[EventKind, dict[str, list[Any]], Note]] = []
        self.moves: tuple = ()

    def change(self) -> bulk.ItemChange | None:
        self._edit()
        if self.item.storeroom_id != self.before.get("storeroom_id"):
            self._move()
        if not self.events:
            return None
        return bulk.ItemChange(self.item.id, self.item.version, self.columns, self.events,
                               self.moves)  # fmt: skip

    def _edit(self) -> None:
        wanted = {name: _typed(name, old) for name, old in self.before.get("fields", {}).items()
                  if name not in PLACES}  # fmt: skip
        wanted.update({column: self.before.get(column) for column in PLACES.values()})
        wanted["extra"] = self.before.get("extra") or {}
        diff = {}
        for column, old in wanted.items():
            current = getattr(self.item, column)
            if current != old:
                self.columns[column] = old
                name = next((n for n, c in PLACES.items() if c == column), column)
                diff[name] = [self._shown(name, current), self._shown(name, old)]
        if diff:
            self.events.append((EventKind.EDITED, diff, self.note))

    def _shown(self, name: str, value: Any) -> Any:
        """A value as history shows it: a department by its name, a category by its path."""
        if name in PLACES and value is not None:
            return self.places.label(name, value)
        return history_value(value)

    def _move(self) -> None:
        """As move_item records a move, from wherever the edit left the item."""
        room = self.before.get("storeroom_id")
        position = (self.before.get("position") or "").strip() if room else ""
        place = "" if room else (self.before.get("place") or "-").strip()
        move = item_states.moving(self.item, into_storage=room is not None)
        was = {"storeroom": self.places.room_names.get(self.item.storeroom_id),
               "position": self.columns.get("position", self.item.position),
               "place": self.columns.get("place", self.item.place),
               "status": self.item.status.value}  # fmt: skip
        to = {"storeroom": self.places.room_names.get(room), "position": position,
              "place": place, "status": move.target.value}  # fmt: skip
        self.columns.update(storeroom_id=room, position=position, place=place)
        self.events.append((EventKind.MOVED, {k: [was[k], to[k]] for k in was
                                              if was[k] != to[k]}, self.note))  # fmt: skip
        self.moves = (move,)
        if self.before.get("status") == ItemStatus.MISSING.value:
            self.moves += (item_states.MARK_MISSING,)
            self.events.append((EventKind.EDITED, {"status": [move.target.value,
                                                              ItemStatus.MISSING.value]},
                                self.note))  # fmt: skip


def _typed(name: str, old: Any) -> Any:
    """A value from history JSON back in the column's type (dates, money, enums)."""
    column = COLUMNS[name]
    if old is None:
        return None
    python_type = column.type.python_type
    if python_type is date:
        return date.fromisoformat(old)
    if python_type is Decimal:
        return Decimal(old)
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None:
        return enum_class(old)
    return old
