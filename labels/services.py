"""Printing labels: what goes on them, pre-printed codes, printer profiles, print history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.folding import folded
from inventory import item_history, item_records, item_tags
from inventory.errors import InventoryError
from inventory.models import EventKind, Item, Organisation, Storeroom
from labels.formats import FORMATS, LabelFormat
from labels.models import PrinterProfile, ReservedTag
from labels.pdf import Adjustment, Label
from labels.qr import scan_url

if TYPE_CHECKING:
    from app.auth.models import User

# A bigger job would keep a web worker busy for seconds; print it in parts or with the CLI.
MAX_LABELS_PER_JOB = 5_000
MAX_RESERVED_PER_JOB = 1_000


class LabelError(InventoryError):
    """A label job that cannot be printed; the message is for the user."""


def organisation_name(session: Session) -> str:
    return session.scalar(select(Organisation.name).limit(1)) or ""


def item_label(item: Item, base_url: str, organisation: str) -> Label:
    where = f"{item.storeroom.code} {item.storeroom.name}" if item.storeroom else item.place
    return Label(scan_url(base_url, item.tag), item.tag, (item.name, where, organisation))


def storeroom_label(room: Storeroom, base_url: str, organisation: str) -> Label:
    return Label(
        scan_url(base_url, room.code), room.code, (room.name, str(room.site), organisation)
    )


def reserved_label(tag: str, base_url: str, organisation: str) -> Label:
    return Label(scan_url(base_url, tag), tag, ("", organisation))


def check_job(count: int, copies: int) -> None:
    """Refuse an empty job or one too big for a web request, in the user's terms."""
    limit = MAX_LABELS_PER_JOB
    if count == 0:
        raise LabelError(_l("There is nothing to print: no items match."))
    if count * copies > limit:
        raise LabelError(
            _l(
                "%(n)d labels is more than one job can print (at most %(limit)d). "
                "Narrow the list, or print it in parts.",
                n=count * copies,
                limit=limit,
            )
        )


def record_printed(
    session: Session, items: Sequence[Item], fmt: LabelFormat, *, by: User | None, now: datetime
) -> None:
    """Note the printing in each item's history, so a missing label can be traced."""
    for item in items:
        item_history.record_event(
            session, item, EventKind.LABEL_PRINTED, by=by, now=now, note=fmt.name
        )
    session.flush()


def reserve_tags(
    session: Session, count: int, *, by: User | None, now: datetime, prefix: str, digits: int
) -> list[str]:
    """Take `count` tags from the sequence for pre-printed labels, before any item has them."""
    if not 1 <= count <= MAX_RESERVED_PER_JOB:
        raise LabelError(
            _l("Print between 1 and %(n)d pre-printed codes at a time.", n=MAX_RESERVED_PER_JOB)
        )
    tags = item_tags.reserve_tags(session, count, prefix=prefix, digits=digits)
    session.add_all(
        ReservedTag(tag=tag, reserved_at=now, reserved_by_id=by.id if by else None) for tag in tags
    )
    session.flush()
    return tags


def find_reserved(session: Session, code: str) -> ReservedTag | None:
    return session.scalar(select(ReservedTag).where(ReservedTag.tag_key == folded(code.strip())))


def release_reserved(session: Session, tag: str) -> None:
    """The tag now belongs to an item: it is no longer waiting on a pre-printed label."""
    session.execute(delete(ReservedTag).where(ReservedTag.tag_key == folded(tag)))


def attach_reserved_tag(
    session: Session, item: Item, reserved: ReservedTag, *, by: User | None, now: datetime
) -> None:
    """Give an existing item the tag of a pre-printed label stuck on it; its history keeps
    the old tag."""
    if item_tags.tag_in_use(session, reserved.tag):  # registered by hand meanwhile
        session.delete(reserved)
        raise LabelError(_l("The tag %(tag)s is already in use.", tag=reserved.tag))
    old = item.tag
    item.tag = reserved.tag
    item.updated_at = now
    item_history.record_event(
        session, item, EventKind.EDITED, by=by, now=now, changes={"tag": [old, reserved.tag]},
        note=_l("Pre-printed label attached"),
    )  # fmt: skip
    item_records.flush_item_change(session)
    session.delete(reserved)
    session.flush()


def adjustment(profile: PrinterProfile | None) -> Adjustment:
    if profile is None:
        return Adjustment()
    return Adjustment(profile.offset_x, profile.offset_y, profile.scale)


def save_profile(
    session: Session,
    *,
    organisation: Organisation,
    name: str,
    format_name: str,
    offset_x: float,
    offset_y: float,
    scale: float,
    profile: PrinterProfile | None = None,
) -> PrinterProfile:
    """Create or change a printer profile; names are unique, ignoring case."""
    name = name.strip()
    if format_name not in FORMATS:
        raise LabelError(_l("Unknown label format."))
    clash = session.scalar(
        select(PrinterProfile.id).where(
            PrinterProfile.organisation_id == organisation.id,
            PrinterProfile.name_key == folded(name),
            PrinterProfile.id != (profile.id if profile else -1),
        )
    )
    if clash:
        raise LabelError(_l("A printer profile called %(name)s already exists.", name=name))
    profile = profile or PrinterProfile(organisation_id=organisation.id)
    profile.name, profile.format = name, format_name
    profile.offset_x, profile.offset_y, profile.scale = offset_x, offset_y, scale
    session.add(profile)
    session.flush()
    return profile
