"""Departments, sites, storerooms and categories: names unique regardless of case, storeroom
codes never an item's tag."""

from __future__ import annotations

from decimal import Decimal
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.folding import folded
from inventory.errors import DuplicateCode
from inventory.item_tags import normalise_tag, tag_in_use
from inventory.models import Category, Department, Site, Storeroom

if TYPE_CHECKING:
    pass


def _name_taken(
    session: Session, model: type, name: str, exclude_id: int | None, **scope: Any
) -> bool:
    query = select(model.id).where(model.name_key == folded(name.strip()))
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
    return session.scalar(select(Storeroom).where(Storeroom.code_key == folded(code.strip())))


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
    names: dict[str, str] | None = None,
    category: Category | None = None,
    weight_kg: Decimal | None | EllipsisType = ...,
) -> Category:
    """Create or edit a category node; a category cannot become its own ancestor. A caller
    that does not know the weight (the API before it had one) leaves it as it is (`...`)."""
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
    if weight_kg is not ...:
        category.weight_kg = weight_kg
    if names is not None:
        category.names = {code: text.strip() for code, text in names.items() if text.strip()}
    session.add(category)
    session.flush()
    return category
