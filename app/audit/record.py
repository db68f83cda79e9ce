"""Writing the audit trail: one row per event, added to the caller's transaction.

Nothing here commits. The row is flushed with the change it records and committed or rolled
back with it, so a change that fails leaves no row, and no row claims a change that was not
made. The time, the actor and the address are given by the caller from the server's side
(the clock, the session, the connection), never read from a form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.models import AuditAction, AuditEvent, AuditObject
from app.auth.models import User
from inventory.models import Department

LABEL_LENGTH = 300
ADDRESS_LENGTH = 64

State = dict[str, Any]
# An account's lock by failed logins, before and after it is set or opened.
LOCKED: State = {"locked": True}
UNLOCKED: State = {"locked": False}


@dataclass(frozen=True)
class Target:
    """The object an event is about, with the name it had then (it may be renamed later)."""

    type: AuditObject
    id: int | None
    label: str


def user_target(user: User) -> Target:
    return Target(AuditObject.USER, user.id, user.email)


def user_state(session: Session, user: User) -> State:
    """What an admin can change about an account, as it is now, in display form."""
    department = session.get(Department, user.department_id)
    return {
        "email": user.email,
        "name": user.name,
        "role": str(user.role),
        "department": department.name if department else None,
        "language": user.language,
        "active": user.is_active_account,
    }


def changed(before: State, after: State) -> tuple[State, State]:
    """The two states cut down to the keys whose values differ."""
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}


def record_event(
    session: Session,
    action: AuditAction,
    target: Target,
    *,
    actor: User | None,
    remote_addr: str | None,
    now: datetime,
    before: State | None = None,
    after: State | None = None,
) -> AuditEvent:
    """Add one audit row and flush it with the caller's change. `actor` None: nobody logged
    in (a failed login, a command-line run)."""
    label = target.label
    if len(label) > LABEL_LENGTH:
        label = label[: LABEL_LENGTH - 1] + "…"
    event = AuditEvent(
        at=now,
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        object_type=target.type,
        object_id=target.id,
        object_label=label,
        before=before,
        after=after,
        remote_addr=remote_addr[:ADDRESS_LENGTH] if remote_addr else None,
    )
    session.add(event)
    session.flush()
    return event


def record_change(
    session: Session,
    action: AuditAction,
    target: Target,
    before: State,
    after: State,
    *,
    actor: User | None,
    remote_addr: str | None,
    now: datetime,
) -> AuditEvent | None:
    """Record only the values that differ between two states; nothing when none does."""
    before, after = changed(before, after)
    if not after:
        return None
    return record_event(
        session,
        action,
        target,
        actor=actor,
        remote_addr=remote_addr,
        now=now,
        before=before,
        after=after,
    )
