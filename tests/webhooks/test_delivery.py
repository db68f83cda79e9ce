"""Sending deliveries: the signed POST, retries on the back-off, giving up, and the outbox
that sends nothing for a change that rolled back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.timeutil import utcnow
from app.webhooks import delivery, outbox
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from app.webhooks.services import publish
from tests.background import run_queued

TIMEOUT = 2.0


def published(db_session, *, now, data=None) -> WebhookDelivery:
    (row,) = publish(db_session, WebhookEvent.ITEM_MOVED, data or {"n": 1}, now=now)
    db_session.commit()
    return row


def state_of(db_session, delivery_id: int) -> WebhookDelivery:
    db_session.expire_all()
    return db_session.get(WebhookDelivery, delivery_id)


def test_a_delivery_is_posted_with_its_headers_and_a_signature_of_timestamp_and_body(
    db_session, receiver, make_webhook
):
    hook = make_webhook(receiver.url)
    now = utcnow().replace(microsecond=0)
    row = published(db_session, now=now, data={"tag": "INV-1", "name": "Stol åäö"})

    assert delivery.attempt(db_session, row.id, now=now, timeout=TIMEOUT) == "delivered"

    (got,) = receiver.requests
    assert got.path == "/hook"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-Reshelf-Event"] == "item.moved"
    assert got.headers["X-Reshelf-Delivery"] == str(row.id)
    assert got.headers["X-Reshelf-Timestamp"] == str(int(now.timestamp()))
    assert got.signed_by(hook.secret)
    assert not got.signed_by(hook.secret + "x")
    assert got.payload == {
        "event": "item.moved", "at": now.isoformat(), "data": {"tag": "INV-1", "name": "Stol åäö"},
    }  # fmt: skip
    done = state_of(db_session, row.id)
    assert (done.status, done.attempts, done.last_status_code, done.last_answer) == (
        DeliveryStatus.DELIVERED, 1, 200, "thanks",
    )  # fmt: skip
    assert done.next_attempt_at is None
    assert delivery.attempt(db_session, row.id, now=now, timeout=TIMEOUT) is None  # sent once


def test_a_failing_receiver_is_retried_on_the_back_off_until_the_last_attempt_fails(
    db_session, receiver, make_webhook
):
    make_webhook(receiver.url)
    receiver.status, receiver.answer = 500, b"<h1>Internal error</h1>"
    now = utcnow()
    row = published(db_session, now=now)
    delivery.attempt(db_session, row.id, now=now, timeout=TIMEOUT)
    for number, wait in enumerate(delivery.BACKOFF, start=1):
        waiting = state_of(db_session, row.id)
        assert (waiting.status, waiting.attempts, waiting.last_status_code) == (
            "pending",
            number,
            500,
        )
        assert waiting.next_attempt_at == now + wait
        assert waiting.last_answer == "<h1>Internal error</h1>"
        early = now + wait - timedelta(seconds=1)
        assert delivery.send_due(db_session, now=early, timeout=TIMEOUT) == 0  # not yet
        now += wait
        assert delivery.send_due(db_session, now=now, timeout=TIMEOUT) == 1
    failed = state_of(db_session, row.id)
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("failed", 6, None)
    assert len(receiver.requests) == delivery.MAX_ATTEMPTS == 6
    assert delivery.send_due(db_session, now=now + timedelta(days=1), timeout=TIMEOUT) == 0


def test_a_receiver_that_recovers_gets_the_delivery_on_the_next_attempt(
    db_session, receiver, make_webhook
):
    make_webhook(receiver.url)
    receiver.status = 503
    now = utcnow()
    row = published(db_session, now=now)
    delivery.attempt(db_session, row.id, now=now, timeout=TIMEOUT)
    receiver.status = 204
    delivery.send_due(db_session, now=now + timedelta(minutes=1), timeout=TIMEOUT)
    done = state_of(db_session, row.id)
    assert (done.status, done.attempts, done.last_status_code) == ("delivered", 2, 204)


def test_a_refused_connection_is_retried(db_session, closed_port_url, make_webhook):
    make_webhook(closed_port_url)
    now = utcnow()
    row = published(db_session, now=now)
    assert delivery.attempt(db_session, row.id, now=now, timeout=TIMEOUT) == "pending"
    waiting = state_of(db_session, row.id)
    assert (waiting.attempts, waiting.last_status_code) == (1, None)
    assert "refused" in waiting.last_answer.lower()
    assert waiting.next_attempt_at == now + timedelta(minutes=1)


def test_a_receiver_too_slow_to_answer_is_retried(db_session, receiver, make_webhook):
    make_webhook(receiver.url)
    receiver.delay = 1.0
    now = utcnow()
    row = published(db_session, now=now)
    assert delivery.attempt(db_session, row.id, now=now, timeout=0.2) == "pending"
    waiting = state_of(db_session, row.id)
    assert waiting.last_status_code is None and "timed out" in waiting.last_answer


@pytest.mark.parametrize("status", [301, 302, 400, 404])
def test_only_a_2xx_answer_delivers(db_session, receiver, make_webhook, status):
    make_webhook(receiver.url)
    receiver.status = status
    now = utcnow()
    row = published(db_session, now=now)
    assert delivery.attempt(db_session, row.id, now=now, timeout=TIMEOUT) == "pending"
    assert state_of(db_session, row.id).last_status_code == status


def test_an_attempt_cut_short_by_a_stopped_worker_is_made_again_after_its_lease(
    db_session, receiver, make_webhook
):
    make_webhook(receiver.url)
    now = utcnow()
    row = published(db_session, now=now)
    assert delivery._claim(db_session, row.id, 1, now=now)  # and the worker stops here
    assert delivery.send_due(db_session, now=now + timedelta(minutes=1), timeout=TIMEOUT) == 0
    assert delivery.send_due(db_session, now=now + delivery.LEASE, timeout=TIMEOUT) == 1
    done = state_of(db_session, row.id)
    assert (done.status, done.attempts, len(receiver.requests)) == ("delivered", 2, 1)


def test_only_active_hooks_that_want_the_event_get_a_delivery(db_session, receiver, make_webhook):
    wanting = make_webhook(receiver.url, events=[WebhookEvent.ITEM_MOVED])
    make_webhook(receiver.url, events=[WebhookEvent.LISTING_OFFERED])
    off = make_webhook(receiver.url, events=[WebhookEvent.ITEM_MOVED])
    off.is_active = False
    db_session.commit()
    rows = publish(db_session, WebhookEvent.ITEM_MOVED, {}, now=utcnow())
    assert [row.webhook_id for row in rows] == [wanting.id]


def test_a_committed_change_is_sent_and_a_rolled_back_one_sends_nothing(
    app, db_session, receiver, make_webhook
):
    make_webhook(receiver.url)
    with app.app_context():
        publish(db.session, WebhookEvent.ITEM_MOVED, {"kept": False}, now=utcnow())
        db.session.rollback()
        publish(db.session, WebhookEvent.ITEM_MOVED, {"kept": True}, now=utcnow())
        db.session.commit()  # the task runs at once in tests (BACKGROUND_IMMEDIATE)
    assert [got.payload["data"] for got in receiver.requests] == [{"kept": True}]
    count = db_session.scalar(select(func.count()).select_from(WebhookDelivery))
    assert count == 1


def test_old_finished_deliveries_are_forgotten(db_session, receiver, make_webhook):
    make_webhook(receiver.url)
    then = utcnow() - delivery.KEEP_FOR - timedelta(days=1)
    old, waiting = published(db_session, now=then), published(db_session, now=then)
    delivery.attempt(db_session, old.id, now=then, timeout=TIMEOUT)
    delivery.forget_old(db_session, now=utcnow())
    left = db_session.scalars(select(WebhookDelivery.id)).all()
    assert left == [waiting.id]  # a pending one is kept until it is sent or fails


def test_after_commit_a_delivery_waits_on_the_queue_for_the_worker(
    app, db_session, receiver, make_webhook, queued
):
    make_webhook(receiver.url)
    with app.app_context():
        publish(db.session, WebhookEvent.ITEM_MOVED, {}, now=utcnow())
        db.session.commit()
    assert receiver.requests == []  # queued by the commit, not sent by it
    assert run_queued(app) == 1
    assert receiver.events() == ["item.moved"]


def test_the_periodic_retry_sends_a_delivery_whose_task_was_lost(
    app, db_session, receiver, make_webhook
):
    make_webhook(receiver.url)
    published(db_session, now=utcnow())  # a session with no outbox hook: no task was queued
    assert receiver.requests == []
    outbox.send_due(app)
    assert receiver.events() == ["item.moved"]


def test_each_attempt_of_a_run_is_timed_when_it_is_made(db_session, receiver, make_webhook):
    """A run of slow receivers takes minutes: each attempt's signature and lease start when
    it is made, so none goes out stale nor is taken again by the next run meanwhile."""
    make_webhook(receiver.url)
    start = utcnow().replace(microsecond=0)
    first, second = published(db_session, now=start), published(db_session, now=start)
    times = iter([start + timedelta(minutes=4), start + timedelta(minutes=9)])
    assert delivery.send_due(db_session, now=start, timeout=TIMEOUT, clock=lambda: next(times)) == 2
    stamps = sorted(int(got.headers["X-Reshelf-Timestamp"]) for got in receiver.requests)
    assert stamps == [int((start + timedelta(minutes=m)).timestamp()) for m in (4, 9)]
    assert {state_of(db_session, row.id).status for row in (first, second)} == {"delivered"}
