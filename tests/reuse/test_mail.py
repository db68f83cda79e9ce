"""Notifications by e-mail, received by a real SMTP server on this machine (aiosmtpd).

Mail goes out only after the change's commit (T-F9): an approval mails its requester, in the
requester's language; an approval rolled back leaves no row and sends nothing. The mail is a
task on the queue that the worker runs; its retry sends what was left. Each row is mailed once,
however many senders run; a failure is kept for the command to retry.
"""

import email
import socket
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.auth.roles import Role
from app.timeutil import utcnow
from reuse.errors import Conflict
from reuse.listings.models import Listing
from reuse.notices import mail, notifications
from reuse.notices.models import MailState, Notification
from reuse.requests import services
from reuse.requests.models import RequestStatus, TransferRequest
from reuse.tasks import retry_mail
from tests.background import run_queued
from tests.reuse import making


class Mailbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            self.arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 20) -> None:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mail_on(app, smtp_server, monkeypatch):
    """The app with MAIL_SERVER pointing at the local SMTP server."""
    controller, mailbox = smtp_server
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "reshelf@sundby.example")
    return mailbox


@pytest.fixture
def pending_request(db_session, app, make_user, make_department, make_item):
    """A listing of North with a pending request from the school; returns (request, manager)."""
    north = make_department("North")
    manager = make_user(Role.MANAGER, department=north)
    requester = make_user(Role.REQUESTER, department=make_department("School"),
                          email="teacher@school.example")  # fmt: skip
    desk = make_item("Standing desk", department=north)
    with app.test_request_context():
        listing = making.flag(db_session, desk, quantity=1, by=manager)
        request = making.ask(db_session, listing, user=requester, deliver_place="Room 4")
    db_session.commit()
    return request, manager


def test_an_approval_is_mailed_to_the_requester_after_commit(
    app, client, login, db_session, mail_on, pending_request
):
    request, manager = pending_request
    login(client, manager)
    response = client.post(f"/reuse/requests/{request.id}/approve",
                           data={"message": "Come on Monday", "handover_on": "2099-05-04",
                                 "carrier": "Caretaker"})  # fmt: skip
    assert response.status_code == 302
    mail_on.wait_for(1)
    [message] = mail_on.messages
    assert message["To"] == "teacher@school.example"
    assert message["From"] == "reshelf@sundby.example"
    assert message["Subject"] == "Your request for Standing desk is approved."
    body = message.get_content()
    assert "Come on Monday" in body and "Caretaker" in body
    notice = db_session.scalar(select(Notification).where(Notification.kind == "request_approved"))
    assert f"https://reshelf.test/inbox/{notice.id}" in body
    assert (notice.mail_state, notice.mailed_at is not None) == (MailState.SENT, True)


def test_the_mail_speaks_the_requesters_language(
    app, client, login, db_session, mail_on, pending_request
):
    request, manager = pending_request
    request.requested_by.language = "sv"
    db_session.commit()
    login(client, manager)
    client.post(f"/reuse/requests/{request.id}/decline", data={"message": "Tyvärr"})
    mail_on.wait_for(1)
    [message] = mail_on.messages
    assert message["Subject"] == "Din förfrågan om Standing desk avslogs."
    assert "Tyvärr" in message.get_content()


def test_a_language_no_locale_knows_is_mailed_in_english(
    app, client, login, db_session, mail_on, pending_request
):
    request, manager = pending_request
    request.requested_by.language = "fi-SV"  # stored long ago, or by hand
    db_session.commit()
    login(client, manager)
    client.post(f"/reuse/requests/{request.id}/decline", data={"message": "Sorry"})
    mail_on.wait_for(1)
    [message] = mail_on.messages
    assert message["Subject"] == "Your request for Standing desk was declined."


def test_a_rolled_back_approval_leaves_no_row_and_sends_nothing(
    app, client, login, db_session, mail_on, pending_request, monkeypatch
):
    """T-F9: the approval fails after its UPDATEs and its notification were written."""
    request, manager = pending_request
    approve = services.approve

    def approve_then_fail(session, transfer, **kw):
        approve(session, transfer, **kw)
        assert (
            session.scalar(select(Notification).where(Notification.kind == "request_approved"))
            is not None
        )  # written, not committed
        raise Conflict("The line to the database broke.")

    monkeypatch.setattr(services, "approve", approve_then_fail)
    login(client, manager)
    response = client.post(f"/reuse/requests/{request.id}/approve")
    assert response.status_code == 409
    assert mail_on.messages == []
    db_session.expire_all()
    assert db_session.get(TransferRequest, request.id).status == RequestStatus.PENDING
    assert db_session.scalar(select(Listing)).reserved == 0
    assert db_session.scalar(
        select(Notification).where(Notification.kind == "request_approved")) is None  # fmt: skip


def test_without_a_mail_server_nothing_is_pending(client, login, db_session, pending_request):
    request, manager = pending_request
    login(client, manager)
    client.post(f"/reuse/requests/{request.id}/approve")
    notice = db_session.scalar(select(Notification).where(Notification.kind == "request_approved"))
    assert notice.mail_state == MailState.NONE


def pending_notices(db_session, users, count=3) -> list[int]:
    db_session.info[notifications.MAIL_ENABLED] = True
    for n in range(count):
        notifications.notify(db_session, [u.id for u in users], notifications.Kind.WATCH_WITHDRAWN,
                             now=utcnow(), params={"item": f"Chair {n}"})  # fmt: skip
    db_session.commit()
    return db_session.info.pop(notifications.OUTBOX)


def test_two_senders_at_once_mail_each_row_once(app, db_session, make_user, smtp_server):
    controller, mailbox = smtp_server
    ids = pending_notices(db_session, [make_user(), make_user()], count=5)
    settings = mail.mail_settings({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port})
    barrier = threading.Barrier(2)
    results = []

    def sender():
        with app.app_context():
            from app.extensions import db

            barrier.wait()
            results.append(mail.send_pending(db.session, settings, base_url="https://r.test",
                                             now=utcnow()))  # fmt: skip
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _failed in results) == len(ids) == 10
    mailbox.wait_for(10)
    assert sorted(m["Subject"] for m in mailbox.messages) == sorted(
        f"Chair {n} was withdrawn." for n in range(5) for _user in range(2)
    )
    db_session.expire_all()
    assert {n.mail_state for n in db_session.scalars(select(Notification))} == {MailState.SENT}


def test_a_failed_mail_is_kept_and_sent_again_by_the_command(
    app, db_session, runner, make_user, smtp_server, monkeypatch
):
    controller, mailbox = smtp_server
    [notice_id] = pending_notices(db_session, [make_user()], count=1)
    unreachable = mail.mail_settings({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()})
    with app.app_context():
        from app.extensions import db

        assert mail.send_pending(db.session, unreachable, base_url="https://r.test",
                                 now=utcnow()) == (0, 1)  # fmt: skip
        db.session.remove()
    db_session.expire_all()
    assert db_session.get(Notification, notice_id).mail_state == MailState.FAILED

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    result = runner.invoke(args=["reuse", "send-mail"])
    assert result.exit_code == 0 and "1 sent, 0 failed" in result.output
    mailbox.wait_for(1)
    assert len(mailbox.messages) == 1
    result = runner.invoke(args=["reuse", "send-mail"])  # nothing left: nothing twice
    assert "0 sent, 0 failed" in result.output and len(mailbox.messages) == 1


def test_the_command_says_when_no_mail_server_is_set(runner):
    result = runner.invoke(args=["reuse", "send-mail"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output


def test_the_admins_are_mailed_when_failed_logins_lock_an_account(
    app, client, db_session, make_user, mail_on, monkeypatch
):
    """Failures from many addresses lock an account (app/auth/throttle.py); the admins hear
    of it by mail too, so one of them can unlock it soon."""
    monkeypatch.setitem(app.config, "LOGIN_LOCK_AFTER", 3)
    admin = make_user(Role.ADMIN, email="admin@sundby.example")
    user = make_user(email="target@sundby.example")
    for n in range(3):
        response = client.post("/login", data={"email": user.email, "password": "wrong password"},
                               environ_base={"REMOTE_ADDR": f"172.16.{n}.1"})  # fmt: skip
    assert response.status_code == 429
    mail_on.wait_for(1)
    [message] = mail_on.messages
    assert message["To"] == admin.email
    assert (
        message["Subject"]
        == "target@sundby.example is locked after failed logins from many places."
    )
    assert "unlocks it on the users page" in message.get_content()


def test_the_mail_waits_on_the_queue_until_the_worker_sends_it(
    app, client, login, mail_on, pending_request, queued
):
    request, manager = pending_request
    login(client, manager)
    client.post(f"/reuse/requests/{request.id}/approve")
    assert mail_on.messages == []  # queued by the commit, not sent by the request
    assert run_queued(app) == 1
    mail_on.wait_for(1)
    assert [message["To"] for message in mail_on.messages] == ["teacher@school.example"]


def test_the_workers_retry_sends_mail_whose_task_was_lost(app, db_session, make_user, mail_on):
    pending_notices(db_session, [make_user(email="left@sundby.example")], count=1)  # no task
    retry_mail(app)  # what the worker runs every 15 minutes
    mail_on.wait_for(1)
    assert [message["To"] for message in mail_on.messages] == ["left@sundby.example"]
    db_session.expire_all()
    assert db_session.scalar(select(Notification)).mail_state == MailState.SENT
