"""Inventory operations. Each records its history event, flushes, and never commits."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from inventory import signals, vocabulary
from inventory.errors import (
    DuplicateCode,
    DuplicateTag,
    InvalidTag,
    ItemNotAvailable,
    PhotoRejected,
    StaleItem,
)
from inventory.models import (
    Category,
    Counter,
    Department,
    Disposition,
    EventKind,
    Item,
    ItemEvent,
    ItemPhoto,
    ItemStatus,
    Site,
    Storeroom,
)

if TYPE_CHECKING:
    from app.auth.models import User

TAG_COUNTER = "item_tag"
# Letters (any script), digits, '-', '_' and '.': safe in a URL path and in a QR code.
TAG_PATTERN = re.compile(r"^[\w.\-]{1,64}$")

# Fields an edit form may change. Storeroom, status and disposition change only through
# move_item and dispose_item, so each of those gets its own kind of history event.
EDITABLE_FIELDS = (
    "name",
    "category",
    "department",
    "condition",
    "quantity",
    "serial_number",
    "manufacturer",
    "model",
    "purchase_date",
    "purchase_price",
    "replacement_value",
    "notes",
    "position",
    "place",
    "extra",
)
# Statuses from which an item can still be moved, edited in place or disposed of.
ACTIVE_STATUSES = (ItemStatus.IN_USE, ItemStatus.IN_STORAGE, ItemStatus.MISSING)
# Held by an open reuse listing: such an item keeps its status until the listing ends...
OFFER_HELD = (ItemStatus.OFFERED, ItemStatus.RESERVED)
# ...but can still be carried elsewhere (surplus gathered in a central reuse store).
MOVABLE_STATUSES = (*ACTIVE_STATUSES, *OFFER_HELD)
# What an open listing relies on: an offered item keeps them until its listing ends.
OFFER_BOUND = ("quantity", "department")


def history_value(value: Any) -> Any:
    """Turn a field value into the JSON form kept in history events."""
    if value is None or isinstance(value, (bool, int, str, dict, list)):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)  # Category, Department, Storeroom: their display name


def record_event(
    session: Session,
    item: Item,
    kind: EventKind,
    *,
    by: User | None,
    now: datetime,
    changes: dict[str, list[Any]] | None = None,
    note: str = "",
) -> ItemEvent:
    """Append an event to an item's history."""
    event = ItemEvent(
        item=item,
        kind=kind,
        user_id=by.id if by else None,
        at=now,
        changes=changes or {},
        note=note,
    )
    session.add(event)
    return event


def normalise_tag(tag: str) -> str:
    """Strip a tag and check it can stand in a URL and on a label."""
    tag = tag.strip()
    if not TAG_PATTERN.match(tag):
        raise InvalidTag(_l("A tag is 1 to 64 letters, digits, '-', '_' or '.', without spaces."))
    return tag


def find_item_by_tag(session: Session, tag: str) -> Item | None:
    """Find an item by tag, ignoring case."""
    return session.scalar(select(Item).where(func.lower(Item.tag) == tag.strip().lower()))


def tag_in_use(session: Session, tag: str) -> bool:
    return session.scalar(select(Item.id).where(func.lower(Item.tag) == tag.lower())) is not None


def tag_taken(tag: str) -> str:
    """The refusal of a tag an item or storeroom has, for those who may see every item."""
    return str(_l("The tag %(tag)s is already in use.", tag=tag))


def next_tag(session: Session, *, prefix: str, digits: int) -> str:
    """Take the next free tag from the sequence, skipping numbers already given by hand.

    The counter is bumped with a single UPDATE ... RETURNING, which both SQLite and
    PostgreSQL make atomic, so two requests never draw the same number.
    """
    while True:
        number = session.execute(
            update(Counter)
            .where(Counter.name == TAG_COUNTER)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        ).scalar()
        if number is None:  # first tag ever: start the sequence
            session.add(Counter(name=TAG_COUNTER, value=1))
            session.flush()
            number = 1
        tag = f"{prefix}{number:0{digits}d}"
        if not tag_in_use(session, tag):
            return tag


def create_item(
    session: Session,
    fields: dict[str, Any],
    *,
    by: User | None,
    now: datetime,
    tag: str | None = None,
    tag_prefix: str,
    tag_digits: int,
    storeroom: Storeroom | None = None,
    event_kind: EventKind = EventKind.CREATED,
    note: str = "",
) -> Item:
    """Create an item with a given or generated tag and record its creation."""
    if tag:
        tag = normalise_tag(tag)
        if tag_in_use(session, tag) or find_storeroom_by_code(session, tag) is not None:
            raise DuplicateTag(tag_taken(tag))
    else:
        tag = next_tag(session, prefix=tag_prefix, digits=tag_digits)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    status = ItemStatus.IN_STORAGE if storeroom else ItemStatus.IN_USE
    item = Item(
        tag=tag, storeroom=storeroom, status=status, created_at=now, updated_at=now, **fields
    )
    session.add(item)
    try:
        session.flush()
    except IntegrityError as error:  # the same tag given at the same moment: the index decides
        if "uq_items_tag_lower" not in str(error.orig):
            raise
        raise DuplicateTag(tag_taken(tag)) from None
    snapshot = {k: [None, history_value(v)] for k, v in fields.items() if v not in (None, "", {})}
    if storeroom:
        snapshot["storeroom"] = [None, history_value(storeroom)]
    record_event(session, item, event_kind, by=by, now=now, changes=snapshot, note=note)
    session.flush()
    return item


STALE_MESSAGE = _l(
    "Someone else changed this item while you were editing it. "
    "Their change is kept; review the item and make your change again."
)


def check_version(item: Item, expected_version: int | None) -> None:
    """Refuse a change based on an out-of-date page (optimistic locking)."""
    if expected_version is not None and expected_version != item.version:
        raise StaleItem(STALE_MESSAGE)


def flush_item_change(session: Session) -> None:
    """Flush; if another transaction saved the item first (its version moved on), refuse."""
    try:
        session.flush()
    except StaleDataError:
        raise StaleItem(STALE_MESSAGE) from None


def _require_status(item: Item, allowed: tuple[ItemStatus, ...], action: str) -> None:
    """Refuse an action the item's status does not allow, naming the status."""
    if item.status in allowed:
        return
    status = vocabulary.STATUS[item.status]
    if action == "move":
        raise ItemNotAvailable(_l("This item cannot be moved now. Its status: %(s)s.", s=status))
    if action == "mark-missing":
        raise ItemNotAvailable(
            _l("This item cannot be marked missing now. Its status: %(s)s.", s=status)
        )
    raise ItemNotAvailable(_l("This item cannot be disposed of now. Its status: %(s)s.", s=status))


def update_item(
    session: Session,
    item: Item,
    changes: dict[str, Any],
    *,
    expected_version: int | None,
    by: User | None,
    now: datetime,
    event_kind: EventKind = EventKind.EDITED,
) -> ItemEvent | None:
    """Apply the fields that differ and record them; return None when nothing changed."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    check_version(item, expected_version)
    if item.is_disposed:
        raise ItemNotAvailable(_l("This item has been disposed of and can no longer be edited."))
    if item.status in (ItemStatus.OFFERED, ItemStatus.RESERVED) and any(
        field in changes and changes[field] != getattr(item, field) for field in OFFER_BOUND
    ):  # its listing offers this quantity of this department's item
        raise ItemNotAvailable(_l("This item is offered for reuse: its quantity and department "
                                  "stay as they are until its listing is withdrawn or closed."))  # fmt: skip
    diff = {}
    for field, new in changes.items():
        old = getattr(item, field)
        if old != new:
            diff[field] = [history_value(old), history_value(new)]
            setattr(item, field, new)
    if not diff:
        return None
    item.updated_at = now
    event = record_event(session, item, event_kind, by=by, now=now, changes=diff)
    flush_item_change(session)
    return event


def move_item(
    session: Session,
    item: Item,
    to: Storeroom | None,
    *,
    position: str = "",
    place: str = "",
    by: User | None,
    now: datetime,
    expected_version: int | None = None,
) -> ItemEvent:
    """Move an item into a storeroom (at a position in it: a shelf, a pallet), or out into use
    at a free-text place; never both. An offered or reserved item stays so: what follows it
    (its listing's collect-from) answers the `item_moving` signal."""
    check_version(item, expected_version)
    _require_status(item, MOVABLE_STATUSES, "move")
    if to is None and not place.strip():
        raise ItemNotAvailable(_l("Choose a storeroom, or say where the item is in use."))
    position, place = (position.strip(), "") if to else ("", place.strip())
    followed = _follow_move(session, item, to=to, position=position, place=place, by=by, now=now)
    before = _whereabouts(item)
    item.storeroom, item.position, item.place = to, position, place
    if item.status not in OFFER_HELD:
        item.status = ItemStatus.IN_STORAGE if to else ItemStatus.IN_USE
    item.updated_at = now
    after = _whereabouts(item)
    diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    event = record_event(
        session, item, EventKind.MOVED, by=by, now=now, changes={**diff, **followed}
    )
    flush_item_change(session)
    return event


def _whereabouts(item: Item) -> dict[str, Any]:
    """Where an item is, as a move's history event records it."""
    return {
        "storeroom": history_value(item.storeroom),
        "position": item.position,
        "place": item.place,
        "status": item.status.value,
    }


def _follow_move(session: Session, item: Item, **move: Any) -> dict[str, list[Any]]:
    """Let the features that follow an item's moves do so (before the item itself changes, so
    a listing is locked before its item, in the order reuse's own changes take them), and
    return what they changed for the move's history event."""
    changes: dict[str, list[Any]] = {}
    for _receiver, changed in signals.item_moving.send(item, session=session, **move):
        changes.update(changed or {})
    return changes


def mark_missing(
    session: Session, item: Item, *, by: User | None, now: datetime, note: str = ""
) -> ItemEvent:
    """Record that an item was not where it should be; it keeps its storeroom until found."""
    _require_status(item, ACTIVE_STATUSES, "mark-missing")
    before = item.status.value
    item.status = ItemStatus.MISSING
    item.updated_at = now
    changes = {"status": [before, item.status.value]}
    event = record_event(
        session, item, EventKind.EDITED, by=by, now=now, changes=changes, note=note
    )
    flush_item_change(session)
    return event


def mark_seen(
    session: Session, item: Item, *, at: datetime, storeroom: Storeroom | None, by: User | None
) -> None:
    """Note a scan of the item, unless a later scan is already recorded (offline scans can
    arrive late). A sighting is not a change to the item: no history event, and a plain
    UPDATE rather than the ORM's, so the item's version stays and nobody's open edit form
    turns stale because someone scanned the item."""
    session.execute(
        update(Item)
        .where(Item.id == item.id, or_(Item.last_seen_at.is_(None), Item.last_seen_at <= at))
        .values(
            last_seen_at=at,
            last_seen_storeroom_id=storeroom.id if storeroom else None,
            last_seen_by_id=by.id if by else None,
        )
        .execution_options(synchronize_session="fetch")
    )


def dispose_item(
    session: Session,
    item: Item,
    disposition: Disposition,
    *,
    note: str = "",
    by: User | None,
    now: datetime,
    expected_version: int | None = None,
    closing_offer: bool = False,
) -> ItemEvent:
    """Take an item out of the inventory for good; its history stays.

    An offered item is held by its reuse listing; only closing that listing (`closing_offer`)
    disposes of it, with the same event as a disposal by hand."""
    check_version(item, expected_version)
    if not (closing_offer and item.status == ItemStatus.OFFERED):
        _require_status(item, ACTIVE_STATUSES, "dispose")
    before = item.status.value
    item.status = ItemStatus.DISPOSED
    item.disposition = disposition
    item.updated_at = now
    event = record_event(
        session,
        item,
        EventKind.DISPOSED,
        by=by,
        now=now,
        note=note,
        changes={
            "status": [before, ItemStatus.DISPOSED.value],
            "disposition": [None, disposition.value],
        },
    )
    flush_item_change(session)
    return event


# --- places and categories -------------------------------------------------------------


def _name_taken(
    session: Session, model: type, name: str, exclude_id: int | None, **scope: Any
) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.strip().lower())
    for column, value in scope.items():
        query = query.where(getattr(model, column) == value)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return session.scalar(query.limit(1)) is not None


def save_department(
    session: Session, name: str, *, department: Department | None = None
) -> Department:
    """Create or rename a department; names are unique regardless of case."""
    if _name_taken(session, Department, name, department.id if department else None):
        raise DuplicateCode(_l("A department called %(name)s already exists.", name=name.strip()))
    department = department or Department()
    department.name = name.strip()
    session.add(department)
    session.flush()
    return department


def save_site(
    session: Session, *, name: str, town: str = "", address: str = "", site: Site | None = None
) -> Site:
    """Create or edit a site; names are unique regardless of case."""
    if _name_taken(session, Site, name, site.id if site else None):
        raise DuplicateCode(_l("A site called %(name)s already exists.", name=name.strip()))
    site = site or Site()
    site.name, site.town, site.address = name.strip(), town.strip(), address.strip()
    session.add(site)
    session.flush()
    return site


def find_storeroom_by_code(session: Session, code: str) -> Storeroom | None:
    return session.scalar(
        select(Storeroom).where(func.lower(Storeroom.code) == code.strip().lower())
    )


def save_storeroom(
    session: Session,
    *,
    code: str,
    name: str,
    site: Site,
    department: Department | None = None,
    notes: str = "",
    storeroom: Storeroom | None = None,
) -> Storeroom:
    """Create or edit a storeroom; codes are unique regardless of case and must not be item tags."""
    code = normalise_tag(code)
    existing = find_storeroom_by_code(session, code)
    if existing is not None and existing is not storeroom:
        raise DuplicateCode(_l("The storeroom code %(code)s is already in use.", code=code))
    if tag_in_use(session, code):
        raise DuplicateCode(
            _l("%(code)s is already an item tag; a scan could not tell them apart.", code=code)
        )
    storeroom = storeroom or Storeroom()
    storeroom.code, storeroom.name, storeroom.site = code, name.strip(), site
    storeroom.department, storeroom.notes = department, notes.strip()
    session.add(storeroom)
    session.flush()
    return storeroom


def save_category(
    session: Session,
    *,
    name: str,
    parent: Category | None,
    kind,
    replacement_value: Decimal | None,
    co2e_kg: Decimal | None,
    category: Category | None = None,
) -> Category:
    """Create or edit a category node; a category cannot become its own ancestor."""
    node = parent
    while node is not None:
        if category is not None and node.id == category.id:
            raise DuplicateCode(_l("A category cannot be placed under itself."))
        node = node.parent
    parent_id = parent.id if parent else None
    if _name_taken(session, Category, name, category.id if category else None, parent_id=parent_id):
        raise DuplicateCode(
            _l("%(name)s already exists at that place in the tree.", name=name.strip())
        )
    category = category or Category()
    category.name, category.parent, category.kind = name.strip(), parent, kind
    category.replacement_value, category.co2e_kg = replacement_value, co2e_kg
    session.add(category)
    session.flush()
    return category


# --- photos -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoQuota:
    """How many photos an item may have, and how many and how much one user may upload."""

    per_item: int
    per_user_per_day: int
    bytes_per_user: int


def check_photo_quota(
    session: Session, item: Item, size: int, *, by: User | None, now: datetime, quota: PhotoQuota
) -> None:
    if len(item.photos) >= quota.per_item:
        raise PhotoRejected(_l("An item can have at most %(n)d photos.", n=quota.per_item))
    if by is None:
        return
    today, stored = session.execute(
        select(
            func.count().filter(ItemPhoto.created_at > now - timedelta(days=1)),
            func.coalesce(func.sum(ItemPhoto.size_bytes), 0),
        ).where(ItemPhoto.uploaded_by_id == by.id)
    ).one()
    if today >= quota.per_user_per_day:
        raise PhotoRejected(
            _l("You can upload %(n)d photos a day; try again tomorrow.", n=quota.per_user_per_day)
        )
    if stored + size > quota.bytes_per_user:
        raise PhotoRejected(
            _l("Your photos have reached their storage limit; remove some you no longer need.")
        )


def add_photo(
    session: Session, item: Item, photo, *, by: User | None, now: datetime, quota: PhotoQuota
) -> ItemPhoto:
    """Attach a processed photo (see inventory.photos) to an item, within the quota."""
    size = len(photo.data) + len(photo.thumbnail)
    check_photo_quota(session, item, size, by=by, now=now, quota=quota)
    record = ItemPhoto(
        item=item,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        data=photo.data,
        thumbnail=photo.thumbnail,
        size_bytes=size,
        uploaded_by_id=by.id if by else None,
        created_at=now,
    )
    session.add(record)
    session.flush()
    record_event(session, item, EventKind.PHOTO_ADDED, by=by, now=now, note=f"#{record.id}")
    session.flush()
    return record


def remove_photo(session: Session, photo: ItemPhoto, *, by: User | None, now: datetime) -> None:
    """Delete a photo; the item's history keeps a note of it."""
    record_event(session, photo.item, EventKind.PHOTO_REMOVED, by=by, now=now, note=f"#{photo.id}")
    session.delete(photo)
    session.flush()
