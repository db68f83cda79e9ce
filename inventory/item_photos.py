"""An item's photos, within the quotas per item and per user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.errors import PhotoRejected
from inventory.item_history import record_event
from inventory.models import EventKind, Item, ItemPhoto

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass(frozen=True)
class PhotoQuota:
    """How many photos an item may have, and how many and how much one user may upload."""

    per_item: int
    per_user_per_day: int
    bytes_per_user: int


def check_photo_quota(
    session: Session, item: Item, size: int, *, by: User | None, now: datetime, quota: PhotoQuota
) -> None:
    if len(item.photos) >= quota.per_item:
        raise PhotoRejected(_l("An item can have at most %(n)d photos.", n=quota.per_item))
    if by is None:
        return
    today, stored = session.execute(
        select(
            func.count().filter(ItemPhoto.created_at > now - timedelta(days=1)),
            func.coalesce(func.sum(ItemPhoto.size_bytes), 0),
        ).where(ItemPhoto.uploaded_by_id == by.id)
    ).one()
    if today >= quota.per_user_per_day:
        raise PhotoRejected(
            _l("You can upload %(n)d photos a day; try again tomorrow.", n=quota.per_user_per_day)
        )
    if stored + size > quota.bytes_per_user:
        raise PhotoRejected(
            _l("Your photos have reached their storage limit; remove some you no longer need.")
        )


def add_photo(
    session: Session, item: Item, photo, *, by: User | None, now: datetime, quota: PhotoQuota
) -> ItemPhoto:
    """Attach a processed photo (see inventory.photos) to an item, within the quota."""
    size = len(photo.data) + len(photo.thumbnail)
    check_photo_quota(session, item, size, by=by, now=now, quota=quota)
    record = ItemPhoto(
        item=item,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        data=photo.data,
        thumbnail=photo.thumbnail,
        size_bytes=size,
        uploaded_by_id=by.id if by else None,
        created_at=now,
    )
    session.add(record)
    session.flush()
    record_event(session, item, EventKind.PHOTO_ADDED, by=by, now=now, note=f"#{record.id}")
    session.flush()
    return record


def remove_photo(session: Session, photo: ItemPhoto, *, by: User | None, now: datetime) -> None:
    """Delete a photo; the item's history keeps a note of it."""
    record_event(session, photo.item, EventKind.PHOTO_REMOVED, by=by, now=now, note=f"#{photo.id}")
    session.delete(photo)
    session.flush()
