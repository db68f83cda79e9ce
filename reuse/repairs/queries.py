"""Reads of repair jobs, as Select objects a page can paginate and a test can run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, select

from reuse import access
from reuse.repairs.models import RepairJob
from reuse.repairs.states import OPEN

if TYPE_CHECKING:
    from app.auth.models import User


def open_jobs(user: User) -> Select:
    """The open jobs the user may see, the longest waiting first."""
    return (
        select(RepairJob)
        .where(RepairJob.status.in_(OPEN), access.repair_scope(user))
        .order_by(RepairJob.since, RepairJob.id)
    )


def jobs_of_item(item_id: int) -> Select:
    """An item's jobs, the newest first."""
    return select(RepairJob).where(RepairJob.item_id == item_id).order_by(RepairJob.id.desc())
