"""Items out to a spreadsheet (xlsx) or CSV file, in columns our importer reads back.

Rows are read in chunks with only the columns the export shows; department names and
storeroom codes come from PlaceNames and category names from one small query, so 200,000 items
cost no per-row lookups. CSV is produced line by line for a streamed response.

The cells themselves are written by app.sheets, safely for a spreadsheet program.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.sheets import CellValue
from inventory.models import Condition, Item, ItemStatus, Site, Storeroom
from inventory.place_names import PlaceNames, load_place_names
from inventory.vocabulary import CONDITION, FIELD, STATUS, translated

if TYPE_CHECKING:
    pass

FIELDS = (
    "tag", "name", "category", "department", "site", "storeroom", "position", "place", "status",
    "condition", "quantity", "serial_number", "manufacturer", "model", "purchase_date",
    "purchase_price", "replacement_value", "notes",
)  # fmt: skip
COLUMNS = (
    Item.tag, Item.name, Item.category_id, Item.department_id, Item.storeroom_id,
    Item.position, Item.place, Item.status, Item.condition, Item.quantity, Item.serial_number,
    Item.manufacturer, Item.model, Item.purchase_date, Item.purchase_price,
    Item.replacement_value, Item.notes, Item.extra,
)  # fmt: skip
CHUNK_SIZE = 1000
CENT = Decimal("0.01")


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What every row of an export needs, read before the first item: the header, names
    and words in the user's language, and the extra attributes' keys (one column each)."""

    header: list[CellValue]
    names: PlaceNames  # categories by path, which the importer follows down the tree
    room_sites: dict[int, str]  # storeroom id -> its site's name: a storeroom is its site's
    extra_keys: list[str]
    status_words: dict[ItemStatus, str]
    condition_words: dict[Condition, str]


def export_layout(session: Session, query: Select, *, chunk_size: int = CHUNK_SIZE) -> Layout:
    """Read the layout of an export of `query`; translate while the user's locale is known."""
    keys = extra_keys(session, query, chunk_size=chunk_size)
    return Layout(
        header=[str(FIELD[field]) for field in FIELDS] + keys,
        names=load_place_names(session, language=""),  # main names: what the importer reads
        room_sites=dict(
            session.execute(select(Storeroom.id, Site.name).join(Storeroom.site)).all()
        ),
        extra_keys=keys,
        status_words=translated(STATUS),
        condition_words=translated(CONDITION),
    )


def export_rows(
    session: Session, query: Select[tuple[Item]], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[CellValue]]:
    """The header, then one row per item of `query` in its order, read `chunk_size` at a time.

    The layout is read now; the items only as the rows are consumed.
    """
    layout = export_layout(session, query, chunk_size=chunk_size)
    return chain([layout.header], item_rows(session, query, layout, chunk_size=chunk_size))


def extra_keys(session: Session, query: Select, *, chunk_size: int = CHUNK_SIZE) -> list[str]:
    """Every key of the extra attributes of the items of `query`, sorted."""
    found: set[str] = set()
    extras = query.with_only_columns(Item.extra).order_by(None)
    for extra in session.scalars(extras.execution_options(yield_per=chunk_size)):
        found.update(extra or {})
    return sorted(found)


def item_rows(
    session: Session, query: Select, layout: Layout, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[CellValue]]:
    """One row per item of `query`, without the header."""
    names, keys = layout.names, layout.extra_keys
    status_words, condition_words = layout.status_words, layout.condition_words
    rows = query.with_only_columns(*COLUMNS).execution_options(yield_per=chunk_size)
    for row in session.execute(rows):
        room = names.storerooms.get(row.storeroom_id)
        extra = row.extra or {}
        yield [
            row.tag, row.name, names.categories.get(row.category_id, ""),
            names.departments.get(row.department_id, ""),
            layout.room_sites.get(row.storeroom_id, ""), room[0] if room else "", row.position,
            row.place, status_words[row.status], condition_words[row.condition], row.quantity,
            row.serial_number, row.manufacturer, row.model, row.purchase_date,
            money(row.purchase_price), money(row.replacement_value), row.notes,
            *(extra_value(extra.get(key)) for key in keys),
        ]  # fmt: skip


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


def extra_value(value: Any) -> CellValue:
    """An extra attribute as a cell: numbers stay numbers, anything else becomes text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)
