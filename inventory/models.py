"""The inventory domain: who owns what, where it is, and everything that happened to it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import kept_messages
from app.db_types import UTCDateTime
from app.extensions import db
from app.folding import keeps_key, key_column
from app.timeutil import utcnow

Money = Numeric(12, 2)


class CategoryKind(enum.StrEnum):
    FURNITURE = "furniture"
    ASSISTIVE_AID = "assistive_aid"
    EQUIPMENT = "equipment"


class ItemStatus(enum.StrEnum):
    IN_USE = "in_use"
    IN_STORAGE = "in_storage"
    OFFERED = "offered"
    RESERVED = "reserved"
    MISSING = "missing"  # recorded in a storeroom, not found there at a stocktake
    DISPOSED = "disposed"


class Condition(enum.StrEnum):
    NEW = "new"
    GOOD = "good"
    FAIR = "fair"
    NEEDS_REPAIR = "needs_repair"
    BROKEN = "broken"


class Disposition(enum.StrEnum):
    """How an item left the inventory."""

    GIVEN_AWAY = "given_away"
    SOLD = "sold"
    RECYCLED = "recycled"
    SCRAPPED = "scrapped"
    LOST = "lost"
    TO_PARTNER = "to_partner"  # to a repair or second-hand partner


class EventKind(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"
    MOVED = "moved"
    DISPOSED = "disposed"
    PHOTO_ADDED = "photo_added"
    PHOTO_REMOVED = "photo_removed"
    IMPORTED = "imported"
    LABEL_PRINTED = "label_printed"
    COUNTED = "counted"
    FLAGGED = "flagged"
    REQUESTED = "requested"
    TRANSFERRED = "transferred"
    SPLIT = "split"
    RESERVED = "reserved"  # a transfer request for it was approved
    OFFERED_WIDER = "offered_wider"  # its listing climbed to a wider audience
    REQUEST_DECLINED = "request_declined"  # a transfer request for it was declined
    REQUEST_CANCELLED = "request_cancelled"  # a transfer request for it was taken back
    AID_STEP = "aid_step"  # a step of an assistive aid's cycle (reuse/aids)
    REPAIR = "repair"  # a repair job for it was sent, priced, approved, done or closed


def enum_column(enum_cls: type[enum.StrEnum], **kw: Any):
    """Store a StrEnum as its value in a plain string column, readable in SQL and portable."""
    return mapped_column(
        db.Enum(
            enum_cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
        ),
        **kw,
    )


def state_column(enum_cls: type[enum.StrEnum], name: str, **kw: Any):
    """A workflow's state: an enum column whose values the database itself holds to (a CHECK
    constraint named `name`), so no writer, the import's raw SQL included, can store a state
    the transition table does not know."""
    return mapped_column(
        db.Enum(
            enum_cls, native_enum=False, length=32, create_constraint=True, name=name,
            values_callable=lambda e: [m.value for m in e],
        ),
        **kw,
    )  # fmt: skip


class Organisation(db.Model):
    """The one organisation this installation serves, named on first run."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="SEK")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Department(db.Model):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = key_column(200)  # app/folding.py
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("uq_departments_name_key", "name_key", unique=True),)

    def __str__(self) -> str:
        return self.name


keeps_key(Department.name, "name_key")


class Site(db.Model):
    """A building that holds storerooms."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = key_column(200)
    town: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    storerooms: Mapped[list[Storeroom]] = relationship(
        back_populates="site", order_by="Storeroom.code"
    )

    __table_args__ = (Index("uq_sites_name_key", "name_key", unique=True),)

    def __str__(self) -> str:
        return f"{self.name}, {self.town}" if self.town else self.name


keeps_key(Site.name, "name_key")


class Storeroom(db.Model):
    __tablename__ = "storerooms"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    code_key: Mapped[str] = key_column(32)
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    site: Mapped[Site] = relationship(back_populates="storerooms")
    department: Mapped[Department | None] = relationship()

    __table_args__ = (Index("uq_storerooms_code_key", "code_key", unique=True),)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


keeps_key(Storeroom.code, "code_key")


class Category(db.Model):
    """A node in the category tree; replacement value, CO2e and weight feed the savings report."""

    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = key_column(200)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    kind: Mapped[CategoryKind] = enum_column(CategoryKind, default=CategoryKind.FURNITURE)
    replacement_value: Mapped[Decimal | None] = mapped_column(Money)
    co2e_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))  # kept out of waste
    # The name in other languages, by language code ({"da": "Kontorstol"}), where the
    # organisation gave one; a reader of another language sees `name`.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.name"
    )

    __table_args__ = (Index("uq_categories_parent_name", "parent_id", "name_key", unique=True),)

    @property
    def path(self) -> str:
        """The full path, such as 'Furniture > Chairs > Office chair'."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " > ".join(reversed(names))

    def name_in(self, language: str) -> str:
        """The name a reader of `language` sees: theirs if given, else the main name."""
        return (self.names or {}).get(language) or self.name

    def path_in(self, language: str) -> str:
        """The path in `language`, each level by its name in it where there is one."""
        names, node = [], self
        while node is not None:
            names.append(node.name_in(language))
            node = node.parent
        return " > ".join(reversed(names))

    def __str__(self) -> str:
        return self.path


keeps_key(Category.name, "name_key")


class Item(db.Model):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(64))
    tag_key: Mapped[str] = key_column(64)  # app/folding.py
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = key_column(200, index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    # Indexed first in ix_items_department_status_name, which serves lookups by department.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    storeroom_id: Mapped[int | None] = mapped_column(ForeignKey("storerooms.id"), index=True)
    # Where in its storeroom (a shelf, a pallet: "Hylla 3"); or, out of storerooms, where it
    # is in use (a room, an address).
    position: Mapped[str] = mapped_column(String(100), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ItemStatus] = state_column(
        ItemStatus, "status_known", default=ItemStatus.IN_STORAGE, index=True
    )
    condition: Mapped[Condition] = enum_column(Condition, default=Condition.GOOD, index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    serial_number: Mapped[str] = mapped_column(String(120), default="")
    manufacturer: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    purchase_date: Mapped[date | None] = mapped_column(Date)
    purchase_price: Mapped[Decimal | None] = mapped_column(Money)
    replacement_value: Mapped[Decimal | None] = mapped_column(Money)
    notes: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    disposition: Mapped[Disposition | None] = state_column(
        Disposition, "disposition_known", nullable=True
    )
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The last scan of the item: what surfaces things forgotten in a storeroom.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_seen_storeroom_id: Mapped[int | None] = mapped_column(ForeignKey("storerooms.id"))
    last_seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A part split off a lot (a transfer of part of it) links to the lot it came from.
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))

    category: Mapped[Category | None] = relationship()
    department: Mapped[Department] = relationship()
    storeroom: Mapped[Storeroom | None] = relationship(foreign_keys=[storeroom_id])
    last_seen_storeroom: Mapped[Storeroom | None] = relationship(
        foreign_keys=[last_seen_storeroom_id]
    )
    last_seen_by = relationship("User", foreign_keys=[last_seen_by_id])
    events: Mapped[list[ItemEvent]] = relationship(
        back_populates="item", order_by="ItemEvent.id.desc()", cascade="all, delete-orphan"
    )
    photos: Mapped[list[ItemPhoto]] = relationship(
        back_populates="item", order_by="ItemPhoto.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("uq_items_tag_key", "tag_key", unique=True),
        Index("ix_items_department_status_name", "department_id", "status", "name_key", "id"),
        # Deleting an item asks whether a part split off it points at it: without an index,
        # every deletion read the whole table (undoing a large import took hours).
        Index(
            "ix_items_split_from_id",
            "split_from_id",
            sqlite_where=text("split_from_id IS NOT NULL"),
            postgresql_where=text("split_from_id IS NOT NULL"),
        ),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
    )

    @property
    def is_lot(self) -> bool:
        return self.quantity > 1

    @property
    def is_disposed(self) -> bool:
        return self.status == ItemStatus.DISPOSED

    def __str__(self) -> str:
        return f"{self.tag} {self.name}"


keeps_key(Item.tag, "tag_key")
keeps_key(Item.name, "name_key")


class ItemEvent(db.Model):
    """One entry in an item's history: append-only, never edited."""

    __tablename__ = "item_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = enum_column(EventKind)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {field: [before, after]} in display-ready form, so history survives renamed storerooms.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What a person typed, or the msgid of the app's note with its parameters beside it, put
    # in the reader's language when read (app/kept_messages.py); typed notes have none.
    note: Mapped[str] = mapped_column(Text, default="")
    note_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    item: Mapped[Item] = relationship(back_populates="events")
    user = relationship("User")

    @property
    def note_text(self) -> str:
        """The note in the reader's language."""
        return kept_messages.read(self.note, self.note_params)


class ItemPhoto(db.Model):
    """A photo stored in the database, so every app server behind a load balancer sees it."""

    __tablename__ = "item_photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size_bytes: Mapped[int] = mapped_column(default=0, server_default="0")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship(back_populates="photos")

    __table_args__ = (Index("ix_item_photos_uploader", "uploaded_by_id", "created_at"),)


class Counter(db.Model):
    """Named sequences (the item tag number) that work the same on SQLite and PostgreSQL."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
