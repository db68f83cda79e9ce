"""What each event tells a receiving system: tags, ids, departments, storerooms, quantities.

Names the API itself shows (an item's name, a department's, a storeroom's code), and never a
person: no users, no e-mail addresses, not who received an item outside. Ids and codes match
the API's (`/api/v1/items/{tag}`), so a receiver can ask it for more.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from inventory.models import Department, Item, Storeroom

if TYPE_CHECKING:
    from imports.models import ImportBatch
    from reuse.listings.models import Listing
    from reuse.requests.models import TransferRequest

Data = dict[str, Any]
TIERS = {1: "department", 2: "organisation", 3: "partners", 4: "public"}  # reuse's Tier


def _value(value: enum.Enum | str) -> str:
    """An enum's value; callers may have set a column to the plain string already."""
    return value.value if isinstance(value, enum.Enum) else value


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def item_data(item: Item) -> Data:
    return {
        "tag": item.tag,
        "name": item.name,
        "quantity": item.quantity,
        "status": _value(item.status),
        "department_id": item.department_id,
        "department": item.department.name if item.department else None,
    }


def place_data(storeroom: Storeroom | None, position: str, place: str) -> Data:
    return {
        "storeroom_id": storeroom.id if storeroom else None,
        "storeroom": storeroom.code if storeroom else None,
        "position": position,
        "place": place,
    }


def department_data(department: Department) -> Data:
    return {"id": department.id, "name": department.name}


def item_moved(item: Item, *, from_storeroom: Storeroom | None, from_position: str,
               from_place: str) -> Data:  # fmt: skip
    return {
        "item": item_data(item),
        "from": place_data(from_storeroom, from_position, from_place),
        "to": place_data(item.storeroom, item.position, item.place),
    }


def listing_data(listing: Listing) -> Data:
    return {
        "id": listing.id,
        "quantity": listing.quantity,
        "condition": _value(listing.condition),
        "audience": TIERS.get(listing.tier),
        "audience_ends_at": _moment(listing.tier_ends_at),
        "asking_price": _money(listing.asking_price),
        "created_at": _moment(listing.created_at),
    }


def listing_offered(listing: Listing) -> Data:
    return {"listing": listing_data(listing), "item": item_data(listing.item)}


def listing_closed(listing: Listing, *, closing: str, item: Item, sale_price: Decimal | None,
                   now: datetime) -> Data:  # fmt: skip
    """`item`: what the closing concerned (the part split off a lot, or the item handed over)."""
    listing_part = {**listing_data(listing), "closing": str(closing), "closed_at": _moment(now)}
    return {"listing": listing_part, "item": item_data(item), "sale_price": _money(sale_price)}


def transfer_handed_over(request: TransferRequest, received: Item, *,
                         from_department: Department) -> Data:  # fmt: skip
    return {
        "request": {
            "id": request.id,
            "listing_id": request.listing_id,
            "quantity": request.quantity,
        },  # fmt: skip
        "item": item_data(received),
        "from_department": department_data(from_department),
        "to_department": department_data(received.department),
        "to": place_data(received.storeroom, received.position, received.place),
    }


def import_committed(batch: ImportBatch, counts: dict[str, int]) -> Data:
    return {
        "batch": {
            "id": batch.id,
            "filename": batch.filename,
            "committed_at": _moment(batch.committed_at),
        },  # fmt: skip
        "counts": dict(counts),
    }
