"""The shapes of the aid calls: a step's body, an aid as the API shows it, the ready list."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from app.api.schemas import Body
from inventory.api_schemas import Id, Text
from reuse.aids.states import AidState, Step


class CheckIn(Body):
    check: Annotated[Text, Field(min_length=1, max_length=200)]
    passed: bool


class StepIn(Body):
    """One step; each reads only the fields it needs. `method` (and `agent`) for cleaned;
    `passed`, `notes` and the checklist's `checks` for inspected; `to` (a department's id)
    and `unit` for issued; `gap_reason` for ready with an incomplete kit; `storeroom` (a
    code) for returned, else the storeroom it was issued from."""

    step: Step
    method: Annotated[Text, Field(max_length=200)] = ""
    agent: Annotated[Text, Field(max_length=200)] = ""
    passed: bool | None = None
    notes: Annotated[str, Field(max_length=2000)] = ""
    checks: Annotated[list[CheckIn], Field(max_length=50)] = []
    to: Id | None = None
    unit: Annotated[Text, Field(max_length=200)] = ""
    gap_reason: Annotated[Text, Field(max_length=2000)] = ""
    storeroom: Annotated[Text, Field(max_length=32)] = ""
    override_reason: Annotated[Text, Field(max_length=2000)] = ""


class AidOut(BaseModel):
    tag: str
    name: str
    state: AidState
    since: datetime
    category_id: int | None
    category: str | None
    purchase_date: date | None
    purchase_price: Decimal | None
    serial_number: str
    iso_class: str
    article_number: str | None = Field(description='Its kind first: "HMI 12345".')
    storeroom: str | None
    issued_to_department_id: int | None
    issued_unit: str
    next_inspection: date | None
    next_service: date | None
    accessories: list[str] = Field(description="The tags of the accessories linked to it.")
    missing_accessories: list[str] = Field(description="Kit parts no accessory stands for.")


class AidList(BaseModel):
    items: list[AidOut]


class ReadyQuery(BaseModel):
    category: Id | None = Field(None, description="A category: its aids and those below it.")
