"""The managers' webhooks page: adding a hook shows its secret once, only http(s) addresses,
the last deliveries with their answers, switching off, deleting, a test event; 403 for others."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditAction, AuditEvent
from app.auth.roles import Role
from app.webhooks.models import Webhook, WebhookDelivery
from tests.conftest import PASSWORD, csrf_token

ALL_EVENTS = ["item.moved", "listing.offered", "listing.closed", "transfer.handed_over",
              "import.committed"]  # fmt: skip


def hooks(db_session) -> list[Webhook]:
    db_session.expire_all()
    return db_session.scalars(select(Webhook).order_by(Webhook.id)).all()


@pytest.fixture
def manager_client(client, login, make_user):
    login(client, make_user(Role.MANAGER))
    return client


def test_adding_a_hook_shows_its_secret_once(manager_client, db_session, receiver):
    response = manager_client.post("/webhooks", data={"url": receiver.url, "events": ALL_EVENTS})
    assert response.status_code == 200
    (hook,) = hooks(db_session)
    assert hook.events == ALL_EVENTS and hook.is_active
    shown = re.search(r'id="webhook-secret">([^<]+)<', response.text).group(1)
    assert shown == hook.secret and shown.startswith("whsec_")
    again = manager_client.get("/webhooks")
    assert again.status_code == 200 and receiver.url in again.text
    assert hook.secret not in again.text
    audited = db_session.scalars(select(AuditEvent.action)).all()
    assert AuditAction.WEBHOOK_CREATED in audited


@pytest.mark.parametrize(
    "url", ["ftp://example.org/hook", "javascript:alert(1)", "file:///etc/passwd", "example.org",
            "http://", "http://exa mple.org/"],
)  # fmt: skip
def test_an_address_other_than_http_or_https_is_refused(manager_client, db_session, url):
    response = manager_client.post("/webhooks", data={"url": url, "events": ALL_EVENTS})
    assert response.status_code == 400
    assert hooks(db_session) == []


def test_a_hook_needs_an_event(manager_client, db_session):
    response = manager_client.post("/webhooks", data={"url": "https://example.org/hook"})
    assert response.status_code == 400 and "Choose at least one event." in response.text
    assert hooks(db_session) == []


def test_a_test_event_shows_among_the_last_deliveries_with_its_answer_escaped(
    app, manager_client, db_session, receiver, make_webhook, login, make_user
):
    hook = make_webhook(receiver.url)
    receiver.answer = b"<script>alert('x')</script> received"
    response = manager_client.post(f"/webhooks/{hook.id}/ping")
    assert response.status_code == 302
    (got,) = receiver.requests
    assert got.payload["event"] == "ping" and got.signed_by(hook.secret)
    page = manager_client.get("/webhooks").text
    assert "<code>200</code>" in page
    # What a receiver answers is an admin's to read: a manager could otherwise read any
    # internal address's answer through a webhook pointed at it.
    assert "received" not in page
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN))
    page = admin.get("/webhooks").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; received" in page
    assert "<script>alert" not in page


def test_the_page_shows_only_the_last_50_deliveries_of_a_hook(
    manager_client, db_session, make_webhook
):
    hook = make_webhook("https://example.org/hook")
    db_session.add_all(
        WebhookDelivery(webhook_id=hook.id, event="ping", payload={}, next_attempt_at=None,
                        status="failed", last_answer=f"answer-{n:03d}")
        for n in range(60)
    )  # fmt: skip
    db_session.commit()
    page = manager_client.get("/webhooks").text
    assert page.count('<tr class="delivery">') == 50
    assert "answer-059" in page and "answer-009" not in page


def test_a_hook_switched_off_gets_no_events_and_can_be_deleted(
    manager_client, db_session, receiver, make_webhook
):
    hook = make_webhook(receiver.url)
    assert manager_client.post(f"/webhooks/{hook.id}/active").status_code == 302
    assert hooks(db_session)[0].is_active is False
    manager_client.post(f"/webhooks/{hook.id}/ping")  # a test goes even so
    assert manager_client.post(f"/webhooks/{hook.id}/delete").status_code == 302
    assert hooks(db_session) == []
    assert db_session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {AuditAction.WEBHOOK_DEACTIVATED, AuditAction.WEBHOOK_DELETED} <= actions


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.STAFF])
def test_others_than_managers_and_admins_are_refused(
    client, login, make_user, db_session, make_webhook, role
):
    hook = make_webhook("https://example.org/hook")
    login(client, make_user(role))
    assert client.get("/webhooks").status_code == 403
    data = {"url": "https://evil.example/", "events": ALL_EVENTS}
    assert client.post("/webhooks", data=data).status_code == 403
    for action in ("ping", "active", "delete"):
        assert client.post(f"/webhooks/{hook.id}/{action}").status_code == 403
    (kept,) = hooks(db_session)
    assert kept.is_active and kept.url == "https://example.org/hook"


def test_an_admin_may_use_the_page(client, login, make_user):
    login(client, make_user(Role.ADMIN))
    assert client.get("/webhooks").status_code == 200


def test_a_form_without_its_csrf_token_changes_nothing(csrf_app, make_user, db_session):
    client = csrf_app.test_client()
    manager = make_user(Role.MANAGER)
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": manager.email, "password": PASSWORD, "csrf_token": token})
    data = {"url": "https://example.org/hook", "events": ALL_EVENTS}
    assert client.post("/webhooks", data=data).status_code == 400
    assert hooks(db_session) == []
    token = csrf_token(client, "/webhooks")
    assert client.post("/webhooks", data={**data, "csrf_token": token}).status_code == 200
    assert len(hooks(db_session)) == 1
