"""Registering webhooks, and publishing events into their outbox in the caller's transaction.

`publish` adds one pending delivery per active hook that wants the event, in the session of
the change it reports, and notes their ids in the session; they are queued only once that
transaction commits (app/webhooks/outbox.py), so a change that rolls back sends nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit.models import AuditObject
from app.audit.record import Target
from app.auth.models import User
from app.webhooks.models import PING, Webhook, WebhookDelivery, WebhookEvent

SECRET_PREFIX = "whsec_"  # lets secret scanners (and people) recognise a webhook's secret
OUTBOX = "reshelf.webhook_outbox"  # session.info: ids of deliveries written in this transaction
SHOWN_DELIVERIES = 50  # per hook on its page; older ones are kept a while, not shown
URL_LENGTH = 2000


class WebhookError(Exception):
    """A hook that cannot be registered as asked; the message says why."""


def check_url(url: str) -> str:
    """The URL stripped, or WebhookError unless it is an absolute http or https URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(_l("Give an address starting with http:// or https://."))
    if len(url) > URL_LENGTH or any(c.isspace() for c in url):
        raise WebhookError(_l("This address is not valid."))
    return url


def make_webhook(
    session: Session, *, url: str, events: Iterable[str], by: User | None, now: datetime
) -> Webhook:
    """Register a hook; its secret is on the returned row, to be shown to its maker once."""
    wanted = [event.value for event in WebhookEvent if event.value in set(events)]
    if not wanted:
        raise WebhookError(_l("Choose at least one event."))
    hook = Webhook(
        url=check_url(url), events=wanted, secret=SECRET_PREFIX + secrets.token_urlsafe(32),
        is_active=True, created_by_id=by.id if by else None, created_at=now,
    )  # fmt: skip
    session.add(hook)
    session.flush()
    return hook


def set_active(hook: Webhook, active: bool) -> bool:
    """Switch a hook on or off; False when it already was. An inactive hook gets no events."""
    if hook.is_active == active:
        return False
    hook.is_active = active
    return True


def delete_webhook(session: Session, hook: Webhook) -> None:
    """Delete a hook and its deliveries; one being sent just now finishes unrecorded."""
    session.delete(hook)
    session.flush()


def webhook_target(hook: Webhook) -> Target:
    """The hook as the audit trail names it: its address, never its secret."""
    return Target(AuditObject.WEBHOOK, hook.id, hook.url)


def envelope(event: str, data: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    return {"event": event, "at": now.isoformat(timespec="seconds"), "data": data}


def publish(
    session: Session, event: WebhookEvent, data: dict[str, Any], *, now: datetime
) -> list[WebhookDelivery]:
    """Add a delivery of `event` for each active hook that wants it, sent after the commit."""
    hooks = session.scalars(select(Webhook).where(Webhook.is_active).order_by(Webhook.id))
    wanting = [hook for hook in hooks if hook.wants(event)]
    return _deliveries(session, wanting, event.value, envelope(event.value, data, now=now), now)


def ping(session: Session, hook: Webhook, *, now: datetime) -> WebhookDelivery:
    """Add a test event for this hook alone, so its receiver can check the signature."""
    data = {"webhook": hook.id, "events": list(hook.events)}
    return _deliveries(session, [hook], PING, envelope(PING, data, now=now), now)[0]


def _deliveries(
    session: Session, hooks: list[Webhook], event: str, payload: dict[str, Any], now: datetime
) -> list[WebhookDelivery]:
    if not hooks:
        return []
    rows = [
        WebhookDelivery(
            webhook_id=hook.id,
            event=event,
            payload=payload,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )  # fmt: skip
        for hook in hooks
    ]
    session.add_all(rows)
    session.flush()
    session.info.setdefault(OUTBOX, []).extend(row.id for row in rows)
    return rows


def webhooks_list() -> Select:
    """Every hook, the newest first."""
    return select(Webhook).order_by(Webhook.created_at.desc(), Webhook.id.desc())


def recent_deliveries(hook_id: int, *, limit: int = SHOWN_DELIVERIES) -> Select:
    """A hook's last deliveries, the newest first."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
