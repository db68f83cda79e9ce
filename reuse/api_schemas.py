"""The shapes of listings and transfer requests in the API: what a call answers (`...Out`,
made from the models here) and what a body may carry (`...In`, checked by pydantic with the
same limits as the pages' forms: reuse/listings/forms.py, reuse/requests/forms.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.api.schemas import Body, PageLinks
from inventory.api_schemas import Id, Money, Text
from inventory.models import Condition
from reuse.listings.models import Closing, ListingStatus
from reuse.requests.models import HandoverMode, RequestStatus

TierName = Literal["department", "organisation", "partners", "public"]


class ListingPhotoOut(BaseModel):
    id: int
    url: str
    thumbnail_url: str


class ListingOut(BaseModel):
    """A listing as its page shows it to the token's user."""

    id: int
    item_name: str
    item_tag: str | None = Field(description="Only for those who may see the item itself.")
    department_id: int = Field(description="The department that offers it.")
    department: str
    storeroom: str | None = Field(description="The code of the storeroom it is in, if any.")
    site_id: int | None
    site: str | None
    quantity: int = Field(description="Offered; what was handed over already is not counted.")
    reserved: int = Field(description="Held for approved requests.")
    available: int = Field(description="What may still be asked for.")
    condition: Condition
    reason: str
    collect_from: str
    asking_price: Decimal | None = Field(description="Only used outside the organisation.")
    tier: TierName = Field(description="Who it is offered to now; a listing only climbs.")
    tier_ends_at: datetime | None = Field(description="When it climbs, if nothing is approved.")
    status: ListingStatus
    closing: Closing | None = Field(description="How it ended, once it did.")
    created_at: datetime
    closed_at: datetime | None
    photos: list[ListingPhotoOut]
    may_decide: bool = Field(description="The token's user decides on its requests.")
    may_withdraw: bool = Field(description="The token's user may withdraw it.")


class ListingList(BaseModel):
    items: list[ListingOut]
    links: PageLinks


class ListingListQuery(BaseModel):
    q: str = Field("", max_length=200, description="Words of the item's name or its tag.")
    category: Id | None = Field(None, description="A category, with everything below it.")
    condition: Condition | None = None
    site: Id | None = None
    town: str = Field("", max_length=120)
    sort: Literal["newest", "ending"] = Field("newest", description="ending: soonest to climb.")
    after: Id | None = Field(None, description="Opaque: from the `next` link.")
    per_page: int = Field(50, ge=1, le=200)


class OfferIn(Body):
    """What the offer form takes (its photos go through POST /items/{tag}/photos)."""

    quantity: int | None = Field(
        None, ge=1, le=1_000_000,
        description="How many of a lot; none: all of it. A single item is offered whole: 1.",
    )  # fmt: skip
    reason: Annotated[str, Field(max_length=2000)] = Field(
        "", description="Why it is surplus; partners and the public see it once it reaches them."
    )
    condition: Condition | None = Field(None, description="None: as recorded for the item.")
    collect_from: Annotated[Text, Field(max_length=300)] = ""
    asking_price: Money | None = Field(None, description="Outside the organisation only.")
    version: int | None = Field(None, description="The item's version read; a stale one: 409.")


class RequestIn(Body):
    """What the request form takes: how many, by when, and where it should go."""

    quantity: int = Field(1, ge=1, le=1_000_000)
    needed_by: date | None = None
    deliver_to: Id | None = Field(None, description="A storeroom's id...")
    deliver_place: Annotated[Text, Field(max_length=200)] = Field(
        "", description="...or a place: one of the two."
    )
    message: Annotated[str, Field(max_length=2000)] = ""


class NothingIn(Body):
    """A call that takes nothing: send `{}` or no body; any field is refused (422)."""


class ApproveIn(Body):
    """What the decision form takes: a message, and how the handover goes."""

    message: Annotated[str, Field(max_length=2000)] = ""
    handover_mode: HandoverMode | None = None
    handover_from: Annotated[Text, Field(max_length=300)] | None = Field(
        None, description="None: where the listing says to collect it from."
    )
    handover_on: date | None = None
    carrier: Annotated[Text, Field(max_length=200)] = ""


class DeclineIn(Body):
    message: Annotated[str, Field(max_length=2000)] = ""


class RequestOut(BaseModel):
    id: int
    listing_id: int
    item_name: str
    department_id: int = Field(description="The department that asked.")
    department: str
    quantity: int
    needed_by: date | None
    deliver_to: int | None = Field(description="The storeroom's id, if one was chosen.")
    deliver_place: str
    message: str
    status: RequestStatus
    created_at: datetime
    decided_at: datetime | None
    decision_message: str
    handover_mode: HandoverMode | None
    handover_from: str
    handover_on: date | None
    carrier: str
    completed_at: datetime | None
    received_item_tag: str | None = Field(
        description="Once handed over: the item the department received (a new tag when part "
        "of a lot was split off), for those who may see it."
    )


class RequestList(BaseModel):
    items: list[RequestOut]
    links: PageLinks


class RequestListQuery(BaseModel):
    status: RequestStatus | None = None
    listing: Id | None = Field(None, description="The requests of one listing.")
    department: Id | None = Field(None, description="The requests one department made.")
    after: Id | None = Field(None, description="Opaque: from the `next` link.")
    per_page: int = Field(50, ge=1, le=200)
