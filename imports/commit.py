"""Writing a planned import: every valid row in one transaction, each change in history.

New items are inserted in bulk (tags drawn from the sequence in one step, rows and history
events in multi-row INSERTs), which is what lets 100,000 rows go in within seconds; updates go
through the inventory services one item at a time, so they are recorded exactly like an edit
or a move by hand. What each row did is kept per batch, with the values it replaced, so the
batch can be undone.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from imports.models import BatchAction, BatchItem, BatchStatus, ImportBatch
from imports.plan import Plan, RowPlan, key
from inventory import services
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

INSERT_CHUNK = 1_000
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


def commit_plan(
    session: Session,
    batch: ImportBatch,
    plan: Plan,
    *,
    user: User,
    now: datetime,
    tag_prefix: str,
    tag_digits: int,
) -> dict[str, int]:
    """Write the plan's valid rows (all or nothing if the batch says so); the caller commits."""
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
    _insert_new(session, batch, plan, new, user=user, now=now, note=note,
                prefix=tag_prefix, digits=tag_digits)  # fmt: skip
    _apply_updates(session, batch, plan, updates, user=user, now=now, note=note)
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
    taken: set[str] = set()
    for start in range(0, len(tags), INSERT_CHUNK):
        chunk = [tag.lower() for tag in tags[start : start + INSERT_CHUNK]]
        taken.update(
            tag.casefold()
            for tag in session.scalars(select(Item.tag).where(func.lower(Item.tag).in_(chunk)))
        )
        taken.update(
            code.casefold()
            for code in session.scalars(
                select(Storeroom.code).where(func.lower(Storeroom.code).in_(chunk))
            )
        )
    return taken


def _item_values(row: RowPlan, plan: Plan, user: User, now: datetime) -> dict[str, Any]:
    places = plan.places
    fields = {k: v for k, v in row.fields.items() if k not in ("department", "category", "site",
                                                                 "storeroom")}  # fmt: skip
    department = places.department.get(key(row.fields.get("department") or "")) or user.department
    category = places.category.get(key(row.fields.get("category") or ""))
    room = places.storeroom.get(key(row.fields.get("storeroom") or ""))
    return {
        **NEW_ITEM_DEFAULTS,
        **fields,
        "tag": row.tag,
        "department_id": department.id,
        "category_id": category.id if category else None,
        "storeroom_id": room.id if room else None,
        "place": "" if room else fields.get("place", ""),
        "status": ItemStatus.IN_STORAGE if room else ItemStatus.IN_USE,
        "extra": row.extra,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _snapshot(row: RowPlan) -> dict[str, list[Any]]:
    changes = {
        name: [None, services.history_value(value)]
        for name, value in row.fields.items()
        if value not in (None, "")
    }
    if row.extra:
        changes["extra"] = [None, row.extra]
    return changes


def _insert_new(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: str, prefix: str, digits: int,
) -> None:  # fmt: skip
    if not rows:
        return
    fresh = iter(_draw_tags(session, sum(1 for r in rows if not r.tag), prefix=prefix,
                            digits=digits))  # fmt: skip
    given = _tags_in_use(session, [row.tag for row in rows if row.tag])
    for row in rows:
        if row.tag and row.tag.casefold() in given:  # taken since the preview, or a storeroom
            raise ImportRefused(
                _l("The tag %(tag)s (row %(row)d) was taken meanwhile. Check the file again.",
                   tag=row.tag, row=row.number)
            )  # fmt: skip
        row.tag = row.tag or next(fresh)
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        ids = session.execute(
            insert(Item).returning(Item.id, sort_by_parameter_order=True),
            [_item_values(row, plan, user, now) for row in chunk],
        ).scalars().all()  # fmt: skip
        session.execute(
            insert(ItemEvent),
            [
                {"item_id": item_id, "kind": EventKind.IMPORTED, "user_id": user.id, "at": now,
                 "changes": _snapshot(row), "note": note}
                for item_id, row in zip(ids, chunk, strict=True)
            ],
        )  # fmt: skip
        session.execute(
            insert(BatchItem),
            [
                {"batch_id": batch.id, "item_id": item_id, "action": BatchAction.CREATED,
                 "row": row.number, "version_after": 1, "before": {}}
                for item_id, row in zip(ids, chunk, strict=True)
            ],
        )  # fmt: skip


# --- updates -----------------------------------------------------------------------------------


def _apply_updates(
    session: Session, batch: ImportBatch, plan: Plan, rows: list[RowPlan], *, user: User,
    now: datetime, note: str,
) -> None:  # fmt: skip
    places = plan.places
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        items = {
            item.id: item
            for item in session.scalars(select(Item).where(Item.id.in_([r.item_id for r in chunk])))
        }
        for row in chunk:
            item = items[row.item_id]
            before = {
                "fields": {name: services.history_value(getattr(item, name))
                           for name in row.changes if name not in ("storeroom",)},
                "department_id": item.department_id,
                "category_id": item.category_id,
                "storeroom_id": item.storeroom_id,
                "place": item.place,
                "status": item.status.value,
                "extra": item.extra,
            }  # fmt: skip
            changes: dict[str, Any] = {}
            for name, (_, new) in row.changes.items():
                if name == "department":
                    changes["department"] = places.department[key(new)]
                elif name == "category":
                    changes["category"] = places.category[key(new)]
                elif name != "storeroom":
                    changes[name] = new
            if changes:
                event = services.update_item(
                    session, item, changes, expected_version=None, by=user, now=now,
                    event_kind=EventKind.IMPORTED,
                )  # fmt: skip
                if event is not None:
                    event.note = note
            if "storeroom" in row.changes:
                room = places.storeroom[key(row.changes["storeroom"][1])]
                services.move_item(session, item, room, by=user, now=now)
            session.add(
                BatchItem(batch_id=batch.id, item_id=item.id, action=BatchAction.UPDATED,
                          row=row.number, version_after=item.version, before=before)
            )  # fmt: skip
        session.flush()
