"""Reading the audit trail in tests."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditAction, AuditEvent


def audit_rows(session: Session, action: AuditAction | None = None) -> list[AuditEvent]:
    """The audit rows as committed now (of one action, if given), oldest first."""
    session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


def only_row(session: Session, action: AuditAction) -> AuditEvent:
    """The one row of `action`; fails if there are none or several."""
    rows = audit_rows(session, action)
    assert len(rows) == 1, f"{len(rows)} rows of {action}"
    return rows[0]
