"""The demo's labels: the central store printer's saved correction, a sheet of pre-printed
codes (one since stuck on an item), and label sheets printed for the imported stock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.audit.models import AuditAction, AuditObject
from app.audit.record import Target, record_event
from app.auth.roles import Role
from app.demo.world import World
from inventory.models import Item, ItemStatus, Organisation
from labels import services
from labels.formats import FORMATS
from labels.models import PrinterProfile

SHEET = "L7160"  # 21 labels a sheet


def load_printer_profile(world: World, when: datetime) -> PrinterProfile:
    """The central store's laser printer prints 1.5 mm low and a touch small: saved once."""
    manager = world.people.first(Role.MANAGER)
    organisation = world.session.scalar(select(Organisation).limit(1))
    profile = services.save_profile(world.session, organisation=organisation,
                                    name="Laserskrivaren i Centrallagret", format_name=SHEET,
                                    offset_x=0.5, offset_y=-1.5, scale=1.02)  # fmt: skip
    after = {"name": profile.name, "format": profile.format, "offset_x": profile.offset_x,
             "offset_y": profile.offset_y, "scale": profile.scale}  # fmt: skip
    record_event(world.session, AuditAction.PRINTER_PROFILE_CREATED,
                 Target(AuditObject.PRINTER_PROFILE, profile.id, profile.name), actor=manager,
                 remote_addr=None, now=when, after=after)  # fmt: skip
    return profile


def load_reserved_codes(world: World, when: datetime) -> list[str]:
    """Take a sheet of codes from the sequence for pre-printed labels."""
    staff = world.people.all(Role.STAFF)[0]
    return services.reserve_tags(world.session, FORMATS[SHEET].columns * FORMATS[SHEET].rows,
                                 by=staff, now=when, prefix=world.settings.tag_prefix,
                                 digits=world.settings.tag_digits)  # fmt: skip


def attach_code(world: World, tag: str, when: datetime) -> None:
    """Stick a pre-printed label on an item in use that had none, as the scan page does."""
    item = next(i for i in world.items if i.status == ItemStatus.IN_USE and not i.is_lot)
    reserved = services.find_reserved(world.session, tag)
    services.attach_reserved_tag(world.session, item, reserved,
                                 by=world.people.all(Role.STAFF)[0], now=when)  # fmt: skip


def print_labels(world: World, items: list[Item], when: datetime) -> None:
    """Print the items' labels on the central store's printer, noted in each item's history."""
    staff = world.people.all(Role.STAFF)[0]
    services.record_printed(world.session, items, FORMATS[SHEET], by=staff, now=when)
