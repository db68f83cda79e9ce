"""What every part of the API shares in its description: the error body, the statuses any
call may answer with, and a page of a list.

The models are pydantic's: the same class checks a request's body and describes it in the
OpenAPI document (JSON Schema 2020-12, which OpenAPI 3.1 speaks natively).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from spectree import Response


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is a 422, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable: clients may branch on it.")
    message: str = Field(description="For people, in the token user's language.")
    field: str | None = Field(None, description="The field of the body at fault, if one is.")
    current_version: int | None = Field(None, description="With stale_version: the version now.")


class ErrorOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    error: ErrorDetail


class PageLinks(BaseModel):
    next: str | None = Field(None, description="The next page's address, if there is one.")
    previous: str | None = None


# Statuses any authenticated call may answer with, besides its own.
COMMON_ERRORS = (401, 403, 404, 422, 429)


def responses(*, errors: tuple[int, ...] = (), **models: Any) -> Response:
    """The documented answers of a call: `HTTP_200=Model` and so on, plus the errors every
    call may give and those listed in `errors` (409, 413), each with the error body."""
    answers = dict(models)
    for status in sorted({*COMMON_ERRORS, *errors}):
        answers.setdefault(f"HTTP_{status}", ErrorOut)
    return Response(**answers)
