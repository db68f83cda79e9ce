"""Assistive aids: one row per physical unit in the cycle, its accessories, the steps it took
(the journal of cleanings and inspections), and the plans and groups of its category.

An aid is an item (inventory's `Item`, usually of a category of kind assistive aid) with an
`Aid` row beside it: the core knows nothing of the cycle. No person is ever recorded as the
one an aid is issued to: only a department and a free-text unit or team.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime
from app.extensions import db
from app.folding import keeps_key, key_column
from app.timeutil import utcnow
from inventory.models import Category, Department, Item, Storeroom, enum_column, state_column
from reuse.aids.states import AidState, Step


class ArticleScheme(enum.StrEnum):
    """Where an aid's national article number comes from."""

    HMI = "hmi"  # Danish aid database (Hjælpemiddelbasen)
    HMS = "hms"  # Norwegian NAV aid centres
    GTIN = "gtin"  # the barcode of the product


class EquivalenceGroup(db.Model):
    """Categories whose aids may stand in for each other (a replacement chain). Forced: the
    oldest ready unit of the group must go; optional: it is proposed, another may be chosen."""

    __tablename__ = "equivalence_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = key_column(200, unique=True)
    forced: Mapped[bool] = mapped_column(default=False)

    def __str__(self) -> str:
        return self.name


keeps_key(EquivalenceGroup.name, "name_key")


class AidPlan(db.Model):
    """What a category of aids asks for: how often it is serviced and inspected, what an
    inspection checks, how long an aid may stay in each step, and its equivalence group."""

    __tablename__ = "aid_plans"
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )
    service_days: Mapped[int | None] = mapped_column()
    inspection_days: Mapped[int | None] = mapped_column()
    checklist: Mapped[str] = mapped_column(Text, default="")  # one check per line
    # The most days an aid may stay in a state before it is listed as stuck: {"cleaned": 2}.
    step_days: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("equivalence_groups.id", ondelete="SET NULL"), index=True
    )

    category: Mapped[Category] = relationship()
    group: Mapped[EquivalenceGroup | None] = relationship()

    @property
    def checks(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class KitPart(db.Model):
    """An accessory a complete kit of a category holds: one item of `accessory_category`."""

    __tablename__ = "kit_parts"
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )
    accessory_category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )

    accessory_category: Mapped[Category] = relationship(foreign_keys=[accessory_category_id])


class Aid(db.Model):
    """One unit in the cycle. `status` changes only through reuse/aids/states.py."""

    __tablename__ = "aids"
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[AidState] = state_column(AidState, "aid_state_known", index=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # in this state
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # this round began
    iso_class: Mapped[str] = mapped_column(String(20), default="")  # ISO 9999, "12 22 03"
    article_scheme: Mapped[ArticleScheme | None] = enum_column(ArticleScheme, nullable=True)
    article_number: Mapped[str] = mapped_column(String(40), default="")
    last_inspected_on: Mapped[date | None] = mapped_column(Date)
    last_serviced_on: Mapped[date | None] = mapped_column(Date)
    kit_gap_reason: Mapped[str] = mapped_column(Text, default="")  # missing parts accepted
    issued_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    issued_unit: Mapped[str] = mapped_column(String(200), default="")  # a team, a ward
    home_storeroom_id: Mapped[int | None] = mapped_column(ForeignKey("storerooms.id"))

    item: Mapped[Item] = relationship()
    issued_department: Mapped[Department | None] = relationship()
    home_storeroom: Mapped[Storeroom | None] = relationship()
    accessories: Mapped[list[AidAccessory]] = relationship(
        back_populates="aid", cascade="all, delete-orphan", order_by="AidAccessory.item_id"
    )


class AidAccessory(db.Model):
    """An item (a sling, a backrest, a charger) that travels with an aid."""

    __tablename__ = "aid_accessories"
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    aid_item_id: Mapped[int] = mapped_column(
        ForeignKey("aids.item_id", ondelete="CASCADE"), index=True
    )

    item: Mapped[Item] = relationship(foreign_keys=[item_id])
    aid: Mapped[Aid] = relationship(back_populates="accessories")


class AidStep(db.Model):
    """One step an aid took, kept for good: the journal of its cleanings and inspections
    (who signed, the checklist and its result), and of every issue with its proposal."""

    __tablename__ = "aid_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    step: Mapped[Step] = enum_column(Step)
    from_state: Mapped[AidState | None] = enum_column(AidState, nullable=True)
    to_state: Mapped[AidState] = enum_column(AidState)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(200), default="")  # as signed, kept
    method: Mapped[str] = mapped_column(String(200), default="")  # cleaning method
    agent: Mapped[str] = mapped_column(String(200), default="")  # cleaning agent
    passed: Mapped[bool | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    checks: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[check, passed], ...]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    unit: Mapped[str] = mapped_column(String(200), default="")
    # Issued from a proposal: the unit proposed, and why another was chosen instead.
    proposed_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL")
    )
    override_reason: Mapped[str] = mapped_column(Text, default="")

    department: Mapped[Department | None] = relationship()
    by = relationship("User")

    __table_args__ = (
        Index("ix_aid_steps_item", "item_id", "id"),
        Index("ix_aid_steps_step_at", "step", "at"),
    )
