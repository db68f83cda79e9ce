"""A partner's secret link to one repair job, like the partner pages' links: the secret is
shown once, when made; only its sha256 is kept, so a copy of the database hands out no links.
A link expires (REPAIR_LINK_DAYS), is revoked from the job page, and closes with the job; a
wrong, expired or revoked one finds nothing, the same as one that never existed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from reuse.outside.partners import MAX_TOKEN_LENGTH, new_token, token_hash
from reuse.repairs import states as s
from reuse.repairs.models import RepairJob, RepairPlace
from reuse.repairs.services import Actor, RepairRefused, move_job, record_change


def job_by_token(session: Session, token: str, *, now: datetime) -> RepairJob | None:
    """The open job whose live link holds `token`, at an active partner; else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    job = session.scalar(select(RepairJob).where(RepairJob.link_hash == token_hash(token)))
    if job is None or job.link_expires_at is None or job.link_expires_at <= now:
        return None
    if job.partner is None or not job.partner.active or not job.is_open:
        return None
    return job


def make_link(session: Session, job: RepairJob, *, days: int, actor: Actor, now: datetime) -> str:
    """Give the job's partner a new link (the old one stops working); return its secret."""
    if job.place != RepairPlace.PARTNER or job.partner is None:
        raise RepairRefused(_l("Only a job at a partner has a partner link."))
    if not job.is_open:
        raise RepairRefused(_l("This repair job is closed: it needs no link."))
    token, hashed = new_token()
    move_job(session, job, s.WITHIN[job.status], now=now, link_hash=hashed,
          link_expires_at=now + timedelta(days=days))  # fmt: skip
    record_change(session, job, actor, now, _l("New repair link for %(partner)s, valid %(days)d days.",
                                         partner=job.partner.name, days=days))  # fmt: skip
    return token


def revoke_link(session: Session, job: RepairJob, *, actor: Actor, now: datetime) -> None:
    """Shut the partner's link at once."""
    if job.link_hash is None:
        raise RepairRefused(_l("This job has no link to revoke."))
    if job.is_open:
        move_job(session, job, s.WITHIN[job.status], now=now, link_hash=None, link_expires_at=None)
    record_change(session, job, actor, now, _l("Repair link revoked."))
