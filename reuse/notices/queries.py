"""Read-only queries of the inbox, as Select objects."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from app.auth.models import User
from reuse.notices.models import Notification


def inbox(user: User) -> Select[tuple[Notification]]:
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_count(user_id: int) -> Select:
    """One COUNT on the (user_id, read_at) index: cheap enough for every page's nav."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
