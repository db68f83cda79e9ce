"""Departments, categories, sites and storerooms an import creates because rows being
imported name them and the user ticked "create missing": never for a refused row."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from imports.places import Places
from imports.similar import same_key
from inventory import item_tags, place_records
from inventory.models import Category, CategoryKind, Site

if TYPE_CHECKING:
    from imports.plan import Plan

_CODE_CHARS = re.compile(r"[^\w.\-]+")


def create_missing(session: Session, plan: Plan) -> None:
    """Create the new values the imported rows name; each value gets its new place's id."""
    places = plan.places
    for value in plan.to_create("department"):
        department = place_records.save_department(session, value.text)
        places.add_department(department.id, department.name)
        value.target = department.id
    for value in plan.to_create("site"):
        site = place_records.save_site(session, name=value.text)
        places.add_site(site.id, site.name)
        value.target = site.id
    for value in plan.to_create("storeroom"):
        on_site = value.site is not None and value.site.target is not None
        site = session.get(Site, value.site.target) if on_site else _fallback_site(session, places)
        room = place_records.save_storeroom(
            session, code=_free_code(session, value.text), name=value.text, site=site
        )
        places.add_storeroom(room.id, room.code, room.name, site.id)
        value.target = room.id
    for value in plan.to_create("category"):
        value.target = _category_path(session, places, value.parent, value.path)


def _category_path(session: Session, places: Places, parent: int | None, names: list[str]) -> int:
    """The category at the end of `names` below `parent`, each step found or created."""
    node = parent
    for name in names:
        found = [id_ for id_ in places.categories_by_name.get(same_key(name), [])
                 if places.category_parent[id_] == node]  # fmt: skip
        if found:
            node = found[0]
            continue
        category = place_records.save_category(
            session, name=name, parent=session.get(Category, node) if node else None,
            kind=CategoryKind.FURNITURE, replacement_value=None, co2e_kg=None,
        )  # fmt: skip
        places.add_category(category.id, category.name, node)
        node = category.id
    assert node is not None
    return node


def _fallback_site(session: Session, places: Places) -> Site:
    """Where storerooms go when the file names no site: one site for imported storerooms."""
    name = str(_l("Imported storerooms"))
    found = places.site.get(same_key(name))
    if found is not None:
        site = session.get(Site, found)
        assert site is not None
        return site
    site = place_records.save_site(session, name=name)
    places.add_site(site.id, site.name)
    return site


def _free_code(session: Session, name: str) -> str:
    """A storeroom code from its name: "Förråd 2" -> "Förråd-2", made unique if needed."""
    base = _CODE_CHARS.sub("-", name.strip()).strip("-.")[:28] or "ROOM"
    code, n = base, 1
    while place_records.find_storeroom_by_code(session, code) or item_tags.tag_in_use(
        session, code
    ):
        n += 1
        code = f"{base}-{n}"
    return code
