"""Departments, categories, sites and storerooms an import creates because the file names
them and the user ticked "create missing"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from imports.places import Places, key
from inventory import services
from inventory.models import CategoryKind, Site

if TYPE_CHECKING:
    from imports.plan import Plan

_CODE_CHARS = re.compile(r"[^\w.\-]+")


def create_missing(session: Session, plan: Plan) -> None:
    """Create what the plan found missing, and add it to the plan's places by name."""
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
    site_of = {}  # storeroom name -> the site first named with it
    named = dict.fromkeys(
        (row.fields.get("storeroom"), row.fields.get("site")) for row in plan.rows
    )
    for room, site in named:  # each pair once: a file repeats a few dozen on every row
        if room and site:
            site_of.setdefault(key(room), places.site.get(key(site)))
    for name in plan.missing["storeroom"]:
        site = site_of.get(key(name)) or _fallback_site(session, places)
        room = services.save_storeroom(
            session, code=_free_code(session, name), name=name, site=site
        )
        places.storeroom[key(name)] = room
        places.storeroom[key(room.code)] = room


def _fallback_site(session: Session, places: Places) -> Site:
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
