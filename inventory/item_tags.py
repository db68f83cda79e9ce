"""Item tags: what a tag may be, finding an item by it, and the counter that hands out new ones."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.folding import folded
from inventory.errors import InvalidTag
from inventory.models import Counter, Item, Storeroom

TAG_COUNTER = "item_tag"
LOOKUP_CHUNK = 5_000  # tags looked up in one query


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


def tags_in_use(session: Session, tags: list[str]) -> set[str]:
    """The keys (app/folding.py) of these tags that items or storerooms (their codes) have."""
    taken = _storeroom_codes(session)
    query = select(Item.tag_key).where(Item.tag_key.in_(bindparam("keys", expanding=True)))
    for start in range(0, len(tags), LOOKUP_CHUNK):
        keys = [folded(tag) for tag in tags[start : start + LOOKUP_CHUNK]]
        taken.update(session.scalars(query, {"keys": keys}))
    return taken


def tag_taken(tag: str) -> str:
    """The refusal of a tag an item or storeroom has, for those who may see every item."""
    return str(_l("The tag %(tag)s is already in use.", tag=tag))


def next_tag(session: Session, *, prefix: str, digits: int) -> str:
    """Take the next free tag from the sequence, skipping numbers already given by hand."""
    return reserve_tags(session, 1, prefix=prefix, digits=digits)[0]


def reserve_tags(session: Session, count: int, *, prefix: str, digits: int) -> list[str]:
    """Take `count` free tags from the sequence, skipping numbers an item or a storeroom's code
    already has (given by hand), moving the counter once for each pass.

    The counter is bumped with a single UPDATE ... RETURNING, which both SQLite and
    PostgreSQL make atomic, so two requests never draw the same number."""
    tags: list[str] = []
    while len(tags) < count:
        need = count - len(tags)
        last = session.execute(
            update(Counter)
            .where(Counter.name == TAG_COUNTER)
            .values(value=Counter.value + need)
            .returning(Counter.value)
        ).scalar()
        if last is None:  # first tag ever: start the sequence
            session.add(Counter(name=TAG_COUNTER, value=need))
            session.flush()
            last = need
        drawn = [f"{prefix}{n:0{digits}d}" for n in range(last - need + 1, last + 1)]
        taken = _keys_between(session, drawn[0], drawn[-1])
        tags += [tag for tag in drawn if folded(tag) not in taken]
    return tags


def _keys_between(session: Session, first: str, last: str) -> set[str]:
    """The keys of the tags in use (items' and storerooms' codes) from `first` to `last`.

    Drawn tags share their prefix and their number of digits, so every one of them sorts
    between the first and the last: one range of the tag index answers for all of them."""
    taken = _storeroom_codes(session)
    query = select(Item.tag_key).where(Item.tag_key.between(folded(first), folded(last)))
    taken.update(session.scalars(query))
    return taken


def _storeroom_codes(session: Session) -> set[str]:
    """Storerooms' codes, folded: a scanned code finds a storeroom or an item, never both."""
    return set(session.scalars(select(Storeroom.code_key)))
