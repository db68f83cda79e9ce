"""Reading the audit trail: the filters of the audit page and its CSV download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select

from app.audit.models import AuditAction, AuditEvent, AuditObject
from app.folding import folded, folded_sql


@dataclass(frozen=True)
class AuditFilter:
    """What the page and the download show; every field optional. `since` and `until` are
    moments in UTC, `until` exclusive."""

    action: AuditAction | None = None
    actor: str = ""  # part of the actor's e-mail address, any case
    object_type: AuditObject | None = None
    object: str = ""  # an object's id, or part of its label, any case
    since: datetime | None = None
    until: datetime | None = None


def _contains(column, text: str):
    """Case-insensitive "contains", with % and _ in the text taken literally."""
    return folded_sql(column).contains(folded(text), autoescape=True)


def audit_events(filters: AuditFilter) -> Select:
    """The events that pass the filters, newest first, as plain rows (for keyset pages and
    streamed downloads)."""
    query = select(*AuditEvent.__table__.columns)
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        query = query.where(_contains(AuditEvent.actor_email, filters.actor))
    if filters.object_type is not None:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object:
        named = _contains(AuditEvent.object_label, filters.object)
        if filters.object.isdigit() and len(filters.object) < 19:
            named = or_(AuditEvent.object_id == int(filters.object), named)
        query = query.where(named)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    return query.order_by(AuditEvent.id.desc())
