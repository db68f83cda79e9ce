"""The words users see for our enums and fields, translated through Flask-Babel."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.formats import format_day, format_moment, format_money
from inventory.models import CategoryKind, Condition, Disposition, EventKind, ItemStatus

STATUS = {
    ItemStatus.IN_USE: _l("In use"),
    ItemStatus.IN_STORAGE: _l("In storage"),
    ItemStatus.OFFERED: _l("Offered"),
    ItemStatus.RESERVED: _l("Reserved"),
    ItemStatus.MISSING: _l("Missing"),
    ItemStatus.DISPOSED: _l("Disposed"),
}
CONDITION = {
    Condition.NEW: _l("New"),
    Condition.GOOD: _l("Good"),
    Condition.FAIR: _l("Fair"),
    Condition.NEEDS_REPAIR: _l("Needs repair"),
    Condition.BROKEN: _l("Broken"),
}
CATEGORY_KIND = {
    CategoryKind.FURNITURE: _l("Furniture"),
    CategoryKind.ASSISTIVE_AID: _l("Assistive aid"),
    CategoryKind.EQUIPMENT: _l("Equipment"),
}
DISPOSITION = {
    Disposition.GIVEN_AWAY: _l("Given away"),
    Disposition.SOLD: _l("Sold"),
    Disposition.RECYCLED: _l("Recycled"),
    Disposition.SCRAPPED: _l("Scrapped"),
    Disposition.LOST: _l("Lost"),
    Disposition.TO_PARTNER: _l("Sent to a repair or second-hand partner"),
}
EVENT = {
    EventKind.CREATED: _l("Created"),
    EventKind.EDITED: _l("Edited"),
    EventKind.MOVED: _l("Moved"),
    EventKind.DISPOSED: _l("Disposed"),
    EventKind.PHOTO_ADDED: _l("Photo added"),
    EventKind.PHOTO_REMOVED: _l("Photo removed"),
    EventKind.IMPORTED: _l("Imported"),
    EventKind.LABEL_PRINTED: _l("Label printed"),
    EventKind.COUNTED: _l("Counted"),
    EventKind.FLAGGED: _l("Flagged as surplus"),
    EventKind.REQUESTED: _l("Requested"),
    EventKind.TRANSFERRED: _l("Transferred"),
    EventKind.SPLIT: _l("Split"),
    EventKind.RESERVED: _l("Reserved for a request"),
    EventKind.OFFERED_WIDER: _l("Offered more widely"),
    EventKind.REQUEST_DECLINED: _l("Request declined"),
    EventKind.REQUEST_CANCELLED: _l("Request cancelled"),
    EventKind.AID_STEP: _l("Aid cycle"),
    EventKind.REPAIR: _l("Repair"),
}
FIELD = {
    "name": _l("Name"),
    "tag": _l("Tag"),
    "category": _l("Category"),
    "department": _l("Department"),
    "site": _l("Site"),
    "storeroom": _l("Storeroom"),
    "position": _l("Position"),
    "place": _l("Place"),
    "status": _l("Status"),
    "condition": _l("Condition"),
    "quantity": _l("Quantity"),
    "serial_number": _l("Serial number"),
    "manufacturer": _l("Manufacturer"),
    "model": _l("Model"),
    "purchase_date": _l("Purchase date"),
    "purchase_price": _l("Purchase price"),
    "replacement_value": _l("Replacement value"),
    "notes": _l("Notes"),
    "extra": _l("Other attributes"),
    "disposition": _l("Disposition"),
    "offered": _l("Offered"),
    "requested": _l("Requested"),
    "reserved": _l("Reserved"),
    "tier": _l("Offered to level"),
    "window_ends": _l("Offered at this level until"),
    "collect_from": _l("Collect from"),
}
# Enum-valued fields whose history values are translated when shown.
FIELD_VALUES = {
    "status": STATUS,
    "condition": CONDITION,
    "disposition": DISPOSITION,
}


def translated(labels: dict) -> dict:
    """The labels in the user's language as plain strings, for a template's loop: a lazy
    string is translated again every time it is shown."""
    return {key: str(label) for key, label in labels.items()}


# History keeps dates, moments and amounts as ISO text and plain decimals; shown, they read
# in the reader's locale.
VALUE_FORMATS = {
    "purchase_date": lambda text: format_day(date.fromisoformat(text)),
    "window_ends": lambda text: format_moment(datetime.fromisoformat(text), "short"),
    "purchase_price": lambda text: format_money(Decimal(text)),
    "replacement_value": lambda text: format_money(Decimal(text)),
}


def field_value_label(field: str, value):
    """The user's words for a value kept in an item's history."""
    if value is None or value == "":
        return "—"
    for enum_value, label in FIELD_VALUES.get(field, {}).items():
        if enum_value.value == value:
            return label
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    if field in VALUE_FORMATS and isinstance(value, str):
        try:
            return VALUE_FORMATS[field](value)
        except (ValueError, InvalidOperation):  # written by an older version: shown as kept
            return value
    return value
