"""The audit trail of the structure items live in: a department, site, storeroom or category
made or changed, one row each with its values before and after (reliability G1).

A storeroom moved to another department changes who may see what it holds, and a category's
replacement value changes every savings figure, so these edits are as much administration as
a role change is."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditAction, AuditObject
from app.audit.record import State, Target
from app.audit.web import audit, audit_change
from inventory.models import Category, Department, Site, Storeroom

Place = Department | Site | Storeroom | Category

# For each kind of place: what it is called in the trail, and its actions when made and changed.
_KINDS: dict[type, tuple[AuditObject, AuditAction, AuditAction]] = {
    Department: (AuditObject.DEPARTMENT, AuditAction.DEPARTMENT_CREATED, AuditAction.DEPARTMENT_CHANGED),
    Site: (AuditObject.SITE, AuditAction.SITE_CREATED, AuditAction.SITE_CHANGED),
    Storeroom: (AuditObject.STOREROOM, AuditAction.STOREROOM_CREATED, AuditAction.STOREROOM_CHANGED),
    Category: (AuditObject.CATEGORY, AuditAction.CATEGORY_CREATED, AuditAction.CATEGORY_CHANGED),
}  # fmt: skip


def _text(value: Any) -> str | None:
    """A value as JSON-safe text: decimals keep their digits, nothing stays None."""
    return None if value is None else str(value)


def place_state(place: Place | None) -> State | None:
    """What a manager can change about a place, as it is now, in display form (names, not
    ids, since the trail must read the same after the place it points to is renamed)."""
    if place is None:
        return None
    if isinstance(place, Department):
        return {"name": place.name}
    if isinstance(place, Site):
        return {"name": place.name, "town": place.town, "address": place.address}
    if isinstance(place, Storeroom):
        return {
            "code": place.code,
            "name": place.name,
            "site": place.site.name if place.site else None,
            "department": place.department.name if place.department else None,
            "notes": place.notes,
        }
    return {
        "name": place.name,
        "parent": place.parent.path if place.parent else None,
        "kind": str(place.kind),
        "replacement_value": _text(place.replacement_value),
        "co2e_kg": _text(place.co2e_kg),
        **{f"name_{code}": name for code, name in sorted((place.names or {}).items())},
    }


def audit_place(place: Place, before: State | None) -> None:
    """Record a place made (`before` None) or the values of one changed, if any changed."""
    object_type, created, changed = _KINDS[type(place)]
    label = place.code if isinstance(place, Storeroom) else place.name
    target = Target(object_type, place.id, label)
    if before is None:
        audit(created, target, after=place_state(place))
    else:
        audit_change(changed, target, before, place_state(place))
