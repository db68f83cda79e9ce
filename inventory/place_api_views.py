"""Departments, sites, storerooms and categories in the API: anyone with a token reads them;
facility managers and admins create and change them, through the same services and audit
trail as the places pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_login import current_user

from app.api.errors import forbidden, not_found
from app.api.schemas import Body, responses
from app.api.web import bp, spec
from app.extensions import db
from app.formats import reader_language
from inventory import access, place_records, queries
from inventory.api_schemas import (
    Categories,
    CategoryChange,
    CategoryIn,
    CategoryOut,
    DepartmentIn,
    DepartmentOut,
    Departments,
    SiteChange,
    SiteIn,
    SiteOut,
    Sites,
    StoreroomChange,
    StoreroomIn,
    StoreroomOut,
    Storerooms,
)
from inventory.api_web import refused
from inventory.errors import InventoryError
from inventory.item_api_views import chosen
from inventory.models import Category, Department, Site, Storeroom
from inventory.place_audit import audit_place, place_state

TAGS = ("places",)
WRITTEN = (409,)


def place_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        raise not_found()
    return found


def saved(save: Callable, place) -> object:
    """Run a save as a manager, record it in the audit trail and commit; a refusal (a name
    or code taken) is a 409."""
    if not access.can_manage_places(current_user):
        raise forbidden()
    before = place_state(place)
    try:
        result = save()
        audit_place(result, before)
    except InventoryError as error:
        raise refused(error, field="code") from None
    db.session.commit()
    return result


def department_out(department: Department) -> DepartmentOut:
    return DepartmentOut(id=department.id, name=department.name)


def site_out(site: Site) -> SiteOut:
    return SiteOut(id=site.id, name=site.name, town=site.town, address=site.address)


def storeroom_out(room: Storeroom) -> StoreroomOut:
    return StoreroomOut(
        id=room.id, code=room.code, name=room.name, site_id=room.site_id,
        department_id=room.department_id, notes=room.notes,
    )  # fmt: skip


def category_out(category: Category) -> CategoryOut:
    return CategoryOut(
        id=category.id, name=category.name, path=category.path_in(reader_language()),
        parent_id=category.parent_id, kind=category.kind,
        replacement_value=category.replacement_value, co2e_kg=category.co2e_kg,
        weight_kg=category.weight_kg, names=category.names or {},
    )  # fmt: skip


@bp.get("/departments")
@spec.validate(resp=responses(HTTP_200=Departments), tags=TAGS)
def list_departments():
    """Every department, by name."""
    return Departments(items=[department_out(d) for d in db.session.scalars(queries.departments())])


@bp.post("/departments")
@spec.validate(json=DepartmentIn, resp=responses(HTTP_201=DepartmentOut, errors=WRITTEN), tags=TAGS)
def create_department():
    """Create a department (facility managers and admins)."""
    body: DepartmentIn = request.context.json
    department = saved(lambda: place_records.save_department(db.session, body.name), None)
    return department_out(department), 201


@bp.patch("/departments/<int:department_id>")
@spec.validate(json=DepartmentIn, resp=responses(HTTP_200=DepartmentOut, errors=WRITTEN), tags=TAGS)
def change_department(department_id: int):
    """Rename a department (facility managers and admins)."""
    department = place_or_404(Department, department_id)
    body: DepartmentIn = request.context.json
    saved(lambda: place_records.save_department(db.session, body.name, department=department),
          department)  # fmt: skip
    return department_out(department)


@bp.get("/sites")
@spec.validate(resp=responses(HTTP_200=Sites), tags=TAGS)
def list_sites():
    """Every site, by name."""
    return Sites(items=[site_out(site) for site in db.session.scalars(queries.sites())])


def patched(body: Body, place, fields: tuple[str, ...]) -> dict[str, Any]:
    """The place's values with the body's over them: a PATCH changes only what it names."""
    return {
        **{name: getattr(place, name) for name in fields},
        **body.model_dump(exclude_unset=True),
    }


def save_site(values: dict[str, Any], site: Site | None) -> Site:
    return place_records.save_site(db.session, **values, site=site)


@bp.post("/sites")
@spec.validate(json=SiteIn, resp=responses(HTTP_201=SiteOut, errors=WRITTEN), tags=TAGS)
def create_site():
    """Create a site (facility managers and admins)."""
    body: SiteIn = request.context.json
    return site_out(saved(lambda: save_site(body.model_dump(), None), None)), 201


@bp.patch("/sites/<int:site_id>")
@spec.validate(json=SiteChange, resp=responses(HTTP_200=SiteOut, errors=WRITTEN), tags=TAGS)
def change_site(site_id: int):
    """Change what the body names of a site (facility managers and admins)."""
    site = place_or_404(Site, site_id)
    values = patched(request.context.json, site, ("name", "town", "address"))
    return site_out(saved(lambda: save_site(values, site), site))


@bp.get("/storerooms")
@spec.validate(resp=responses(HTTP_200=Storerooms), tags=TAGS)
def list_storerooms():
    """Every storeroom, by code."""
    rooms = db.session.scalars(db.select(Storeroom).order_by(Storeroom.code_key))
    return Storerooms(items=[storeroom_out(room) for room in rooms])


def save_storeroom(values: dict[str, Any], room: Storeroom | None) -> Storeroom:
    return place_records.save_storeroom(
        db.session, code=values["code"], name=values["name"], notes=values["notes"],
        storeroom=room, site=chosen(Site, values["site_id"], "site_id"),
        department=chosen(Department, values["department_id"], "department_id"),
    )  # fmt: skip


@bp.post("/storerooms")
@spec.validate(json=StoreroomIn, resp=responses(HTTP_201=StoreroomOut, errors=WRITTEN), tags=TAGS)
def create_storeroom():
    """Create a storeroom (facility managers and admins); its code is unique and no tag."""
    body: StoreroomIn = request.context.json
    return storeroom_out(saved(lambda: save_storeroom(body.model_dump(), None), None)), 201


@bp.patch("/storerooms/<int:storeroom_id>")
@spec.validate(json=StoreroomChange, resp=responses(HTTP_200=StoreroomOut, errors=WRITTEN),
              tags=TAGS)  # fmt: skip
def change_storeroom(storeroom_id: int):
    """Change what the body names of a storeroom (facility managers and admins)."""
    room = place_or_404(Storeroom, storeroom_id)
    fields = ("code", "name", "site_id", "department_id", "notes")
    values = patched(request.context.json, room, fields)
    return storeroom_out(saved(lambda: save_storeroom(values, room), room))


@bp.get("/categories")
@spec.validate(resp=responses(HTTP_200=Categories), tags=TAGS)
def list_categories():
    """Every category, with its path in the token user's language."""
    rows = [category_out(c) for c in db.session.scalars(queries.categories())]
    return Categories(items=sorted(rows, key=lambda row: row.path.lower()))


def save_category(values: dict[str, Any], category: Category | None) -> Category:
    return place_records.save_category(
        db.session, name=values["name"], kind=values["kind"], names=values["names"],
        parent=chosen(Category, values["parent_id"], "parent_id"),
        replacement_value=values["replacement_value"], co2e_kg=values["co2e_kg"],
        weight_kg=values["weight_kg"], category=category,
    )  # fmt: skip


@bp.post("/categories")
@spec.validate(json=CategoryIn, resp=responses(HTTP_201=CategoryOut, errors=WRITTEN), tags=TAGS)
def create_category():
    """Create a category (facility managers and admins)."""
    body: CategoryIn = request.context.json
    return category_out(saved(lambda: save_category(body.model_dump(), None), None)), 201


@bp.patch("/categories/<int:category_id>")
@spec.validate(json=CategoryChange, resp=responses(HTTP_200=CategoryOut, errors=WRITTEN),
              tags=TAGS)  # fmt: skip
def change_category(category_id: int):
    """Change what the body names of a category (facility managers and admins); never
    under itself."""
    category = place_or_404(Category, category_id)
    fields = ("name", "parent_id", "kind", "replacement_value", "co2e_kg", "weight_kg", "names")
    values = patched(request.context.json, category, fields)
    return category_out(saved(lambda: save_category(values, category), category))
