"""Deliveries go on the background queue once the change they report has committed.

`publish` notes the ids it wrote in the session (services.OUTBOX); the session's after_commit
event queues one task for them, which the worker runs (app/background.py); after a rollback
the ids are dropped with the rows. Every minute the worker also attempts whatever is due: a
retry whose back-off has passed, or a delivery whose task was lost (a worker stopped, the
queue unreachable at the commit), so no delivery depends on its task alone. This is the mail
outbox's pattern (reuse/notices/mail.py).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.background import SOON, Background, background
from app.extensions import db
from app.timeutil import utcnow
from app.webhooks import delivery
from app.webhooks.services import OUTBOX

log = logging.getLogger(__name__)
SEND_TASK = "send_webhooks"
RETRY_TASK = "retry_webhooks"
RETRY_MINUTES = 1  # the shortest back-off: a retry is late by at most this


def register_webhook_work(work: Background) -> None:
    """Add the tasks to the queue and hook the app's sessions (once per process)."""
    work.task(send_committed, name=SEND_TASK, priority=SOON)
    work.periodic(send_due, name=RETRY_TASK, minutes=RETRY_MINUTES)
    for name, listener in (("after_commit", _queue_outbox), ("after_rollback", _drop_outbox)):
        if not event.contains(FlaskSession, name, listener):
            event.listen(FlaskSession, name, listener)


def _drop_outbox(session: Session) -> None:
    session.info.pop(OUTBOX, None)


def _queue_outbox(session: Session) -> None:
    ids = session.info.pop(OUTBOX, None)
    if not ids:
        return
    try:
        background(current_app._get_current_object()).enqueue(SEND_TASK, ids)
    except Exception:  # the change is committed all the same; the periodic retry sends these
        log.exception("queueing webhook deliveries after commit failed")


def timeout_of(app: Flask) -> float:
    return float(app.config["WEBHOOK_TIMEOUT_SECONDS"])


def send_committed(app: Flask, ids: list[int]) -> None:
    """Make the first attempt at the deliveries a request (or command) committed."""
    with app.app_context(), Session(db.engine) as session:
        for delivery_id in ids:
            delivery.attempt(session, delivery_id, now=utcnow(), timeout=timeout_of(app))


def send_due(app: Flask) -> None:
    """Attempt the deliveries that are due, and forget the old finished ones."""
    with app.app_context(), Session(db.engine) as session:
        try:
            delivery.send_due(session, now=utcnow(), timeout=timeout_of(app), clock=utcnow)
            delivery.forget_old(session, now=utcnow())
        except Exception:
            session.rollback()
            log.exception("the webhook retry failed")
