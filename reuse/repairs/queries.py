"""Reads of repair jobs, as Select objects a page can paginate and a test can run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, select

from reuse import access
from reuse.repairs.models import RepairJob
from reuse.repairs.states import CLOSED, OPEN

if TYPE_CHECKING:
    from app.auth.models import User


def open_jobs(user: User) -> Select:
    """The open jobs the user may see, the longest waiting first."""
    return (
        select(RepairJob)
        .where(RepairJob.status.in_(OPEN), access.repair_scope(user))
        .order_by(RepairJob.since, RepairJob.id)
    )


def closed_jobs(user: User) -> Select:
    """The jobs the user may see that were returned or written off, the latest first."""
    return (
        select(RepairJob)
        .where(RepairJob.status.in_(CLOSED), access.repair_scope(user))
        .order_by(RepairJob.since.desc(), RepairJob.id.desc())
    )
