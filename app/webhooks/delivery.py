"""Sending a delivery: a signed POST, and its outcome, with retries on a back-off.

Each attempt is claimed first by a compare-and-set that counts it and leases the row for
LEASE, committed before the POST, so two workers never send one attempt twice; a worker that
stops mid-attempt leaves the row due again once the lease ends. The outcome is written only
if the row still holds that attempt (a late answer after the lease changes nothing).

The receiver checks `X-Reshelf-Signature`: "sha256=" and the hex HMAC-SHA256, keyed with the
hook's secret, of the `X-Reshelf-Timestamp` value, a full stop and the raw body.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.states import advance
from app.webhooks import states
from app.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery

# The wait after the 1st, 2nd... failed attempt; the attempt after the last wait is the last.
BACKOFF = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=12),
)  # fmt: skip
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(minutes=5)  # far longer than a POST may take (its timeout)
ANSWER_BYTES = 2048  # of an answer's body read, at most
ANSWER_LENGTH = 500  # characters of it kept
KEEP_FOR = timedelta(days=30)  # finished deliveries older than this are deleted
DUE_AT_ONCE = 100  # deliveries one run of the retry sends, at most
USER_AGENT = "Reshelf-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no HTTP answer (refused, timed out, unreachable)
    excerpt: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Reshelf-Signature of a body sent at `timestamp` (unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def headers_for(secret: str, *, event: str, delivery_id: int, timestamp: int, body: bytes):
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Reshelf-Event": event,
        "X-Reshelf-Delivery": str(delivery_id),
        "X-Reshelf-Timestamp": str(timestamp),
        "X-Reshelf-Signature": signature(secret, timestamp, body),
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other not 2xx: following it would resend a POST as
    a GET, without its body, somewhere the manager never registered."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def excerpt(data: bytes | str) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return " ".join(text.split())[:ANSWER_LENGTH]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST the body and say what came back, or what went wrong; never raises for the network."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Answer(response.status, excerpt(response.read(ANSWER_BYTES)))
    except urllib.error.HTTPError as error:
        try:
            answer = error.read(ANSWER_BYTES)
        except (OSError, http.client.HTTPException):
            answer = b""
        return Answer(error.code, excerpt(answer))
    except urllib.error.URLError as error:
        return Answer(None, excerpt(str(error.reason)))
    except (OSError, http.client.HTTPException, ValueError) as error:  # timeouts are OSErrors
        return Answer(None, excerpt(str(error) or type(error).__name__))


def attempt(
    session: Session, delivery_id: int, *, now: datetime, timeout: float
) -> DeliveryStatus | None:
    """Make the next attempt at a delivery if it is due; return its status after, or None
    when it was not due (done already, waiting, or another worker has it). Commits."""
    row = session.execute(
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.id == delivery_id)
    ).one_or_none()
    if row is None or not _due(row[0], now):
        session.commit()
        return None
    delivery, hook = row
    number = delivery.attempts + 1
    url, secret, event, body = hook.url, hook.secret, delivery.event, body_of(delivery.payload)
    if not _claim(session, delivery_id, number, now=now):
        return None
    timestamp = int(now.timestamp())
    headers = headers_for(secret, event=event, delivery_id=delivery_id, timestamp=timestamp,
                          body=body)  # fmt: skip
    return _record(session, delivery_id, post(url, body, headers, timeout=timeout),
                   number=number, now=now)  # fmt: skip


def _due(delivery: WebhookDelivery, now: datetime) -> bool:
    return (
        delivery.status == DeliveryStatus.PENDING
        and delivery.next_attempt_at is not None
        and delivery.next_attempt_at <= now
    )


def _claim(session: Session, delivery_id: int, number: int, *, now: datetime) -> bool:
    claimed = advance(
        session, WebhookDelivery, states.CLAIM, WebhookDelivery.id == delivery_id,
        WebhookDelivery.attempts == number - 1, WebhookDelivery.next_attempt_at <= now,
        attempts=number, next_attempt_at=now + LEASE, updated_at=now,
    )  # fmt: skip
    session.commit()  # seen by every other worker before the POST
    return claimed == 1


def _record(
    session: Session, delivery_id: int, answer: Answer, *, number: int, now: datetime
) -> DeliveryStatus:
    if answer.ok:
        move, next_at = states.DELIVER, None
    elif number >= MAX_ATTEMPTS:
        move, next_at = states.GIVE_UP, None
    else:
        move, next_at = states.RETRY, now + BACKOFF[number - 1]
    advance(
        session, WebhookDelivery, move, WebhookDelivery.id == delivery_id,
        WebhookDelivery.attempts == number, next_attempt_at=next_at,
        last_status_code=answer.status_code, last_answer=answer.excerpt, updated_at=now,
    )  # fmt: skip
    session.commit()
    return move.target


def due_ids(session: Session, *, now: datetime, limit: int = DUE_AT_ONCE) -> list[int]:
    """The deliveries whose next attempt is due, the longest waiting first."""
    ids = list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )
    session.commit()
    return ids


def send_due(
    session: Session, *, now: datetime, timeout: float, clock: Callable[[], datetime] | None = None
) -> int:
    """Attempt every due delivery (the first attempt of one whose task was lost, or a retry);
    return how many were attempted. Each attempt reads `clock` (the worker's: the real time),
    since a run of slow receivers takes minutes: its lease, signature and back-off start
    when it is made, not when the run began."""
    return sum(
        attempt(session, delivery_id, now=clock() if clock else now, timeout=timeout) is not None
        for delivery_id in due_ids(session, now=now)
    )


def forget_old(session: Session, *, now: datetime) -> None:
    """Delete finished deliveries older than KEEP_FOR; the page shows only recent ones."""
    session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.status.in_(states.FINAL), WebhookDelivery.updated_at < now - KEEP_FOR
        )
    )
    session.commit()
