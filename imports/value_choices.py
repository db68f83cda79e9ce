"""Choices a user made for a file's values, remembered for the next file that uses them, as a
confirmed column mapping is (imports.models.SavedMapping); and choices given on the command
line."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from imports.models import ValueChoice
from imports.places import Places
from imports.resolve import KINDS, NEW, Resolver, Status
from imports.similar import same_key

if TYPE_CHECKING:
    from app.auth.models import User


def remembered_choices(session: Session) -> dict[str, dict[str, str]]:
    """Every remembered choice: kind -> folded value -> an id of ours (a condition's value)."""
    found: dict[str, dict[str, str]] = {}
    for kind, key, choice in session.execute(
        select(ValueChoice.kind, ValueChoice.key, ValueChoice.choice)
    ):
        found.setdefault(kind, {})[key] = choice
    return found


def remember_choices(
    session: Session, choices: dict[str, dict[str, str]], *, user: User, now: datetime
) -> None:
    """Keep the choices of an import for the next files. "New" is not kept: once created, the
    place is found by its name."""
    wanted = {(kind, key): choice for kind, by_key in choices.items()
              for key, choice in by_key.items() if choice != NEW}  # fmt: skip
    if not wanted:
        return
    existing = {(row.kind, row.key): row for row in session.scalars(select(ValueChoice))}
    for (kind, key), choice in wanted.items():
        row = existing.get((kind, key))
        if row is None:
            session.add(ValueChoice(kind=kind, key=key, choice=choice, saved_by_id=user.id,
                                    saved_at=now))  # fmt: skip
        else:
            row.choice, row.saved_by_id, row.saved_at = choice, user.id, now
    session.flush()


class BadChoice(ValueError):
    """A choice from the command line that does not say a kind, a value and one of ours."""


def parse_choice(text: str, places: Places) -> tuple[str, str, str]:
    """A command line's "KIND:VALUE=WHAT" as (kind, folded value, choice): WHAT names one of
    ours as a file would (a storeroom by its code, a category by its path), or is "new"; a
    storeroom's VALUE may say its site, "SITE/NAME", as the rows of a file with a site do."""
    kind, _, rest = text.partition(":")
    value, _, what = rest.rpartition("=")
    kind = kind.strip().lower()
    if kind not in KINDS or not value.strip() or not what.strip():
        raise BadChoice(f"{text!r}: write KIND:VALUE=WHAT, KIND one of {', '.join(KINDS)}")
    site, _, name = value.rpartition("/") if kind == "storeroom" else ("", "", value)
    key = f"{same_key(site)}/{same_key(name)}" if site.strip() else same_key(name)
    if what.strip().lower() == NEW and kind != "condition":
        return kind, key, NEW
    found = Resolver(places, {}, {}).value(kind, what.strip())
    if found.status != Status.FOUND:
        raise BadChoice(f"{text!r}: {what.strip()} is not one {kind} of ours")
    return kind, key, str(found.target)
