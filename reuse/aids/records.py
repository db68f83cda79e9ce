"""An aid's record and what its category asks: the ISO 9999 class and article number of a
unit, the accessories linked to it, a category's plan and kit, and equivalence groups.

Every change to an aid's record or accessories appends a history event to the item; plans,
kits and groups belong to categories, whose changes the places pages audit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.folding import folded
from inventory.item_history import record_event
from inventory.models import Category, EventKind, Item
from reuse.aids.cycle import AidRefused
from reuse.aids.models import Aid, AidAccessory, AidPlan, ArticleScheme, EquivalenceGroup, KitPart
from reuse.aids.states import AidState
from reuse.errors import Conflict

if TYPE_CHECKING:
    from app.auth.models import User

# ISO 9999: a class of two digits, a subclass and a division of two more, "12 22 03".
ISO_CLASS = re.compile(r"^\d{2}( \d{2}){0,2}$")
ARTICLE_NUMBER = re.compile(r"^[0-9A-Za-z-]{1,40}$")


def _in_cycle(aid: Aid) -> None:
    """A disposed aid's record is closed: it is no longer in the cycle."""
    if aid.item.is_disposed:
        raise AidRefused(_l("This item is disposed of: it is no longer in the aid cycle."))


def iso_class_of(text: str) -> str:
    """The ISO 9999 class as "12 22 03", from "122203", "12.22.03" or "12 22 03"."""
    digits = re.sub(r"[\s.\-]", "", text)
    spaced = " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    if spaced and not ISO_CLASS.match(spaced):
        raise AidRefused(_l("An ISO 9999 class is two, four or six digits, such as 12 22 03."))
    return spaced


def edit_record(session: Session, aid: Aid, *, iso_class: str, scheme: ArticleScheme | None,
                number: str, by: User, now: datetime) -> None:  # fmt: skip
    """Set an aid's class and article number, with their history."""
    _in_cycle(aid)
    number = number.strip()
    if number and (scheme is None or not ARTICLE_NUMBER.match(number)):
        raise AidRefused(_l("An article number is letters, digits and dashes, with its kind "
                            "(HMI, HMS or GTIN)."))  # fmt: skip
    after = {"iso_class": iso_class_of(iso_class),
             "article": f"{scheme.value.upper()} {number}" if number and scheme else ""}  # fmt: skip
    before = {"iso_class": aid.iso_class, "article": _article(aid)}
    aid.iso_class = after["iso_class"]
    aid.article_scheme, aid.article_number = (scheme, number) if number else (None, "")
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        record_event(session, aid.item, EventKind.EDITED, by=by, now=now, changes=changes)


def _article(aid: Aid) -> str:
    if not aid.article_number or aid.article_scheme is None:
        return ""
    return f"{aid.article_scheme.value.upper()} {aid.article_number}"


def link_accessory(session: Session, aid: Aid, accessory: Item, *, by: User,
                   now: datetime) -> None:  # fmt: skip
    """Link an accessory to an aid, so it travels with it; the history of both says so."""
    _in_cycle(aid)
    if accessory.id == aid.item_id or session.get(Aid, accessory.id) is not None:
        raise AidRefused(_l("An aid cannot be another aid's accessory."))
    if accessory.is_disposed or accessory.is_lot:
        raise AidRefused(_l("An accessory is one item in stock, not disposed of."))
    linked = session.get(AidAccessory, accessory.id)
    if linked is not None:
        raise AidRefused(_l("%(tag)s is already an accessory of %(aid)s.", tag=accessory.tag,
                            aid=linked.aid.item.tag))  # fmt: skip
    session.add(AidAccessory(item_id=accessory.id, aid_item_id=aid.item_id))
    try:
        session.flush()
    except IntegrityError:  # linked to another aid at the same moment
        raise Conflict(_l("%(tag)s was just linked to another aid.", tag=accessory.tag)) from None
    session.expire(aid, ["accessories"])
    note = _l("Accessory %(tag)s linked to aid %(aid)s.", tag=accessory.tag, aid=aid.item.tag)
    for item in (aid.item, accessory):
        record_event(session, item, EventKind.EDITED, by=by, now=now, note=note)


def unlink_accessory(session: Session, aid: Aid, accessory: AidAccessory, *, by: User,
                     now: datetime) -> None:  # fmt: skip
    _in_cycle(aid)
    note = _l("Accessory %(tag)s taken off aid %(aid)s.", tag=accessory.item.tag,
              aid=aid.item.tag)  # fmt: skip
    for item in (aid.item, accessory.item):
        record_event(session, item, EventKind.EDITED, by=by, now=now, note=note)
    session.delete(accessory)
    session.flush()
    session.expire(aid, ["accessories"])


def record_service(session: Session, aid: Aid, *, notes: str, by: User, now: datetime,
                   today: date) -> None:  # fmt: skip
    """A service done to the plan (a lift's motor, a bed's electrics): its date (`today`, where
    the users are) starts the count to the next one, which an aid must not be issued past."""
    _in_cycle(aid)
    aid.last_serviced_on = today
    notes = notes.strip()
    note = _l("Serviced: %(notes)s", notes=notes) if notes else _l("Serviced.")
    record_event(session, aid.item, EventKind.AID_STEP, by=by, now=now, note=note)
    session.flush()


def save_plan(session: Session, category: Category, *, service_days: int | None,
              inspection_days: int | None, checklist: str, step_days: dict[str, int],
              group: EquivalenceGroup | None) -> AidPlan:  # fmt: skip
    """Make or change a category's plan. Steps' limits are kept only for known states."""
    plan = session.get(AidPlan, category.id) or AidPlan(category_id=category.id)
    plan.service_days, plan.inspection_days = service_days or None, inspection_days or None
    plan.checklist = "\n".join(line.strip() for line in checklist.splitlines() if line.strip())
    known = {state.value for state in AidState}
    plan.step_days = {k: int(v) for k, v in step_days.items() if k in known and v}
    plan.group = group
    session.add(plan)
    session.flush()
    return plan


def set_kit(session: Session, category: Category, parts: Iterable[Category]) -> None:
    """Say which accessories a complete kit of `category` holds."""
    session.execute(delete(KitPart).where(KitPart.category_id == category.id))
    for part in {part.id: part for part in parts}.values():
        if part.id == category.id:
            raise AidRefused(_l("A category cannot be an accessory of itself."))
        session.add(KitPart(category_id=category.id, accessory_category_id=part.id))
    session.flush()


def save_group(session: Session, name: str, *, forced: bool,
               group: EquivalenceGroup | None = None) -> EquivalenceGroup:  # fmt: skip
    """Make or rename an equivalence group; names are unique regardless of case."""
    name = name.strip()
    if not name:
        raise AidRefused(_l("Give the group a name."))
    taken = session.scalar(
        select(EquivalenceGroup).where(EquivalenceGroup.name_key == folded(name))
    )
    if taken is not None and taken is not group:
        raise AidRefused(_l("There is already a group named %(name)s.", name=taken.name))
    group = group or EquivalenceGroup()
    group.name, group.forced = name, forced
    session.add(group)
    session.flush()
    return group
