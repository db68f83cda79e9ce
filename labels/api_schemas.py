"""The body of a label job in the API: what to print (items by tag, or a storeroom's items or
its own label) and how, with the limits of the print page's form."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas import Body
from labels.formats import DEFAULT_FORMAT, FORMATS
from labels.services import MAX_LABELS_PER_JOB

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
FormatName = Literal[tuple(FORMATS)]  # type: ignore[valid-type]


class LabelsIn(Body):
    """Either `tags` or `storeroom`."""

    tags: list[Tag] | None = Field(
        None, min_length=1, max_length=MAX_LABELS_PER_JOB, description="The items, by tag."
    )
    storeroom: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = (
        Field(None, max_length=32, description="A storeroom's code: its items' labels.")
    )
    storeroom_label: bool = Field(
        False, description="With `storeroom`: the storeroom's own label instead of its items'."
    )
    format: FormatName = Field(DEFAULT_FORMAT, description="The label stock (labels/formats.py).")
    profile_id: Annotated[int, Field(gt=0, le=2**31 - 1)] | None = Field(
        None, description="A printer profile for the format, to correct its offset and scale."
    )
    start: int = Field(1, ge=1, description="On a partly used sheet: the first free label.")
    copies: int = Field(1, ge=1, le=20, description="Copies of each label.")
