"""The file's values as the preview lists them: what each resolved to, how many rows name it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imports.places import Places
from imports.resolve import KINDS, RESOLVED, Value

if TYPE_CHECKING:
    from imports.plan import Plan

SHOWN_VALUES = 300  # per kind, those named by most rows first


def values_summary(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Kind -> the file's values of that kind, in JSON for the batch's preview."""
    summary: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        found = sorted(plan.values.get(kind, {}).values(), key=lambda v: (-v.rows, v.key))
        if found:
            summary[kind] = [_entry(value, plan.places) for value in found[:SHOWN_VALUES]]
    return summary


def _entry(value: Value, places: Places) -> dict[str, Any]:
    return {
        "key": value.key,
        "text": value.text,
        "site": value.site.text if value.site is not None else None,
        "rows": value.rows,
        "status": value.status.value,
        "target": value.target,
        "label": target_label(value, places),
        "options": [[id_, place_label(value.kind, id_, places)] for id_ in value.options],
        "remembered": value.remembered,
        "imported": value.imported,
    }


def target_label(value: Value, places: Places) -> str | None:
    """What the value resolved to, by name (a condition by its value, worded by the page)."""
    if value.target is None:
        return None
    if value.kind == "condition":
        return str(value.target)
    return place_label(value.kind, int(value.target), places)


def place_label(kind: str, id_: int, places: Places) -> str:
    """A place as the preview names it: a storeroom with its site, a category by its path."""
    return places.room_label(id_) if kind == "storeroom" else places.label(kind, id_)


def resolved_fields(fields: dict[str, Any], places: Places) -> dict:
    """A row's fields with the places it names by name, as they resolved or as written."""
    return {
        name: (target_label(value, places) if value.status in RESOLVED else value.text)
        if isinstance(value, Value) else value
        for name, value in fields.items()
    }  # fmt: skip
