"""Item tags: what a tag may be, finding an item by it, and the counter that hands out new ones."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.folding import folded
from inventory.errors import InvalidTag
from inventory.models import Counter, Item

if TYPE_CHECKING:
    pass


TAG_COUNTER = "item_tag"


# Letters (any script), digits, '-', '_' and '.': safe in a URL path and in a QR code.
TAG_PATTERN = re.compile(r"^[\w.\-]{1,64}$")


def normalise_tag(tag: str) -> str:
    """Strip a tag and check it can stand in a URL and on a label."""
    tag = tag.strip()
    if not TAG_PATTERN.match(tag):
        raise InvalidTag(_l("A tag is 1 to 64 letters, digits, '-', '_' or '.', without spaces."))
    return tag


def find_item_by_tag(session: Session, tag: str) -> Item | None:
    """Find an item by tag, ignoring case."""
    return session.scalar(select(Item).where(Item.tag_key == folded(tag.strip())))


def tag_in_use(session: Session, tag: str) -> bool:
    return session.scalar(select(Item.id).where(Item.tag_key == folded(tag))) is not None


def tag_taken(tag: str) -> str:
    """The refusal of a tag an item or storeroom has, for those who may see every item."""
    return str(_l("The tag %(tag)s is already in use.", tag=tag))


def next_tag(session: Session, *, prefix: str, digits: int) -> str:
    """Take the next free tag from the sequence, skipping numbers already given by hand.

    The counter is bumped with a single UPDATE ... RETURNING, which both SQLite and
    PostgreSQL make atomic, so two requests never draw the same number.
    """
    while True:
        number = session.execute(
            update(Counter)
            .where(Counter.name == TAG_COUNTER)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        ).scalar()
        if number is None:  # first tag ever: start the sequence
            session.add(Counter(name=TAG_COUNTER, value=1))
            session.flush()
            number = 1
        tag = f"{prefix}{number:0{digits}d}"
        if not tag_in_use(session, tag):
            return tag
