"""The shapes of items, their history and their places in the API: what a call answers
(`...Out`, made from the models here) and what a body may carry (`...In`, checked by
pydantic with the same limits as the pages' forms)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from app.api.schemas import Body, PageLinks
from inventory.forms import MAX_EXTRA_ATTRIBUTES
from inventory.models import CategoryKind, Condition, Disposition, ItemStatus

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e10"), decimal_places=2)]
Id = Annotated[int, Field(gt=0, le=2**31 - 1)]


class PhotoOut(BaseModel):
    id: int
    url: str
    thumbnail_url: str


class ItemOut(BaseModel):
    tag: str
    name: str
    status: ItemStatus
    condition: Condition
    quantity: int
    category_id: int | None
    category: str | None = Field(description="The category's path, such as Furniture > Chairs.")
    department_id: int
    department: str
    storeroom_id: int | None
    storeroom: str | None = Field(description="The storeroom's code, when the item is in one.")
    position: str = Field(description="Where in the storeroom: a shelf, a pallet.")
    place: str = Field(description="Where the item is in use, when it is in no storeroom.")
    serial_number: str
    manufacturer: str
    model: str
    purchase_date: date | None
    purchase_price: Decimal | None
    replacement_value: Decimal | None
    notes: str
    extra: dict[str, Any] = Field(description="Columns of a spreadsheet the tool has no field for.")
    disposition: Disposition | None
    version: int = Field(description="Send it back with a change; a stale one is refused (409).")
    created_at: datetime
    updated_at: datetime
    last_seen_at: datetime | None
    photos: list[PhotoOut]


class ItemRow(BaseModel):
    """An item in a list: enough to show it and find it again."""

    tag: str
    name: str
    status: ItemStatus
    quantity: int
    category_id: int | None
    department_id: int
    storeroom_id: int | None
    position: str
    place: str


class ItemList(BaseModel):
    items: list[ItemRow]
    links: PageLinks


class ItemListQuery(BaseModel):
    q: str = Field("", max_length=200, description="Words to search for, as on the item list.")
    category: Id | None = Field(None, description="A category, with everything below it.")
    department: Id | None = None
    storeroom: Id | None = None
    site: Id | None = None
    status: ItemStatus | None = Field(None, description="Disposed items show only when asked.")
    condition: Condition | None = None
    sort: str = Field("", pattern="^(|registered|name|tag|newest|oldest)$")
    after: Id | None = Field(None, description="Opaque: from the `next` link.")
    before: Id | None = Field(None, description="Opaque: from the `previous` link.")
    per_page: int = Field(50, ge=1, le=200)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(**constraints: Any) -> Any:
    """A field a body may leave out but never send as null (its column holds a value):
    pydantic fills in None only when the field is missing, and the description shows no
    default, since there is none to send."""
    return Field(None, json_schema_extra=_no_default, **constraints)


class ItemFields(Body):
    """Fields of an item a create or a change may set; null clears only what may be empty
    (the category, the purchase date, the prices)."""

    name: Annotated[Text, Field(min_length=1, max_length=200)] = absent()
    category_id: Id | None = None
    department_id: Id = absent()
    condition: Condition = absent()
    quantity: int = absent(ge=1, le=1_000_000)
    serial_number: Annotated[Text, Field(max_length=120)] = absent()
    manufacturer: Annotated[Text, Field(max_length=120)] = absent()
    model: Annotated[Text, Field(max_length=120)] = absent()
    purchase_date: date | None = None
    purchase_price: Money | None = None
    replacement_value: Money | None = None
    notes: Annotated[str, Field(max_length=10_000)] = absent()
    position: Annotated[Text, Field(max_length=100)] = absent()
    place: Annotated[Text, Field(max_length=200)] = absent()
    extra: dict[
        Annotated[str, Field(min_length=1, max_length=100)],
        Annotated[str, Field(max_length=1000)],
    ] = absent(max_length=MAX_EXTRA_ATTRIBUTES)


class ItemCreate(ItemFields):
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    tag: str | None = Field(None, max_length=64, description="Empty: the next free tag.")
    storeroom_id: Id | None = Field(None, description="None: the item is in use at `place`.")


class ItemChange(ItemFields):
    version: int = Field(description="The version read; a change on an older one is refused.")


class MoveIn(Body):
    version: int | None = None
    storeroom_id: Id | None = Field(None, description="None: out of storage, into use at `place`.")
    position: Annotated[Text, Field(max_length=100)] = ""
    place: Annotated[Text, Field(max_length=200)] = ""


class DisposeIn(Body):
    version: int | None = None
    disposition: Disposition
    note: Annotated[Text, Field(max_length=2000)] = ""


class EventOut(BaseModel):
    kind: str
    at: datetime
    by: str | None = Field(description="Who made the change: a person, or none for the system.")
    changes: dict[str, Any] = Field(description="{field: [before, after]}")
    note: str


class HistoryOut(BaseModel):
    tag: str
    events: list[EventOut]


class DepartmentOut(BaseModel):
    id: int
    name: str


class SiteOut(BaseModel):
    id: int
    name: str
    town: str
    address: str


class StoreroomOut(BaseModel):
    id: int
    code: str
    name: str
    site_id: int
    department_id: int | None
    notes: str


class CategoryOut(BaseModel):
    id: int
    name: str
    path: str
    parent_id: int | None
    kind: CategoryKind
    replacement_value: Decimal | None
    co2e_kg: Decimal | None
    weight_kg: Decimal | None
    names: dict[str, str]


class Departments(BaseModel):
    items: list[DepartmentOut]


class Sites(BaseModel):
    items: list[SiteOut]


class Storerooms(BaseModel):
    items: list[StoreroomOut]


class Categories(BaseModel):
    items: list[CategoryOut]


class DepartmentIn(Body):
    name: Annotated[Text, Field(min_length=1, max_length=200)]


class SiteIn(Body):
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    town: Annotated[Text, Field(max_length=120)] = ""
    address: Annotated[Text, Field(max_length=300)] = ""


class StoreroomIn(Body):
    code: Annotated[Text, Field(min_length=1, max_length=32)]
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    site_id: Id
    department_id: Id | None = None
    notes: Annotated[str, Field(max_length=10_000)] = ""


class CategoryIn(Body):
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    parent_id: Id | None = None
    kind: CategoryKind = CategoryKind.FURNITURE
    replacement_value: Money | None = None
    co2e_kg: Annotated[Decimal, Field(ge=0, lt=Decimal("1e8"), decimal_places=2)] | None = None
    weight_kg: Annotated[Decimal, Field(ge=0, lt=Decimal("1e8"), decimal_places=2)] | None = None
    names: dict[
        Annotated[str, Field(pattern="^(en|sv|da|nl)$")], Annotated[str, Field(max_length=200)]
    ] = Field(default_factory=dict, description="The name in other languages, by code.")


class SiteChange(Body):
    """A PATCH of a site: what it names changes, the rest stays."""

    name: Annotated[Text, Field(min_length=1, max_length=200)] = absent()
    town: Annotated[Text, Field(max_length=120)] = absent()
    address: Annotated[Text, Field(max_length=300)] = absent()


class StoreroomChange(Body):
    code: Annotated[Text, Field(min_length=1, max_length=32)] = absent()
    name: Annotated[Text, Field(min_length=1, max_length=200)] = absent()
    site_id: Id = absent()
    department_id: Id | None = Field(None, description="null: the storeroom is no department's.")
    notes: Annotated[str, Field(max_length=10_000)] = absent()


class CategoryChange(Body):
    name: Annotated[Text, Field(min_length=1, max_length=200)] = absent()
    parent_id: Id | None = Field(None, description="null: at the top of the tree.")
    kind: CategoryKind = absent()
    replacement_value: Money | None = None
    co2e_kg: Annotated[Decimal, Field(ge=0, lt=Decimal("1e8"), decimal_places=2)] | None = None
    weight_kg: Annotated[Decimal, Field(ge=0, lt=Decimal("1e8"), decimal_places=2)] | None = None
    names: dict[
        Annotated[str, Field(pattern="^(en|sv|da|nl)$")], Annotated[str, Field(max_length=200)]
    ] = absent()
