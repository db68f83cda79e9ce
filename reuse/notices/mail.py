"""Notifications by e-mail through SMTP, when configured: an outbox sent after commit.

Rows are written PENDING in the transaction of the change they report. Only after that
transaction commits are they sent: the session's after_commit event queues a task for the ids
noted in this transaction (reuse.notices.notifications.OUTBOX), which the background worker runs
(app/background.py); every few minutes the worker also sends whatever is left and retries
failures (reuse/tasks.py), as `flask --app app reuse send-mail` does from cron. A rolled-back
change leaves no row and so no mail. Each row is claimed by a compare-and-set (PENDING or
FAILED -> SENT) committed before the SMTP conversation, so two senders never mail it twice; a
failure marks it FAILED for a retry. A sender killed between claim and send loses that one
mail rather than sending it twice.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale, gettext
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.background import background
from app.extensions import db
from app.i18n import spoken
from app.timeutil import utcnow
from reuse.notices.models import MailState, Notification
from reuse.notices.notifications import MAIL_ENABLED, OUTBOX
from reuse.notices.text import describe

log = logging.getLogger(__name__)
SEND_TASK = "send_mail"
RETRY_FOR = timedelta(days=3)  # a failed mail older than this is not tried again
SEND_ERRORS = (smtplib.SMTPException, OSError, ValueError)  # SMTPException is an OSError
# Refusals of one message; anything else (unreachable, disconnected, login refused) stops the run.
ONE_MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, ValueError,
)  # fmt: skip


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    username: str
    password: str
    use_tls: bool  # STARTTLS after connecting
    use_ssl: bool  # TLS from the first byte (usually port 465)
    sender: str
    timeout: float = 20.0


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """The SMTP settings, or None when no MAIL_SERVER is set: then nothing is mailed."""
    if not config.get("MAIL_SERVER"):
        return None
    use_ssl = bool(config.get("MAIL_USE_SSL"))
    return MailSettings(
        server=config["MAIL_SERVER"],
        port=int(config.get("MAIL_PORT") or (465 if use_ssl else 25)),
        username=config.get("MAIL_USERNAME") or "",
        password=config.get("MAIL_PASSWORD") or "",
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=use_ssl,
        sender=config.get("MAIL_FROM") or f"reshelf@{config['MAIL_SERVER']}",
    )


def compose(notification: Notification, user: User, *, sender: str, base_url: str,
            default_language: str = "en") -> EmailMessage:  # fmt: skip
    """The mail of a notification, in its reader's language, linking to it in Reshelf."""
    with force_locale(spoken(user.language) or default_language):
        notice = describe(notification)
        link = gettext("Open it in Reshelf: %(url)s", url=f"{base_url}/inbox/{notification.id}")
        footer = gettext("Your inbox in Reshelf keeps every notice.")
    message = EmailMessage()
    message["Subject"] = " ".join(notice.title.split())  # no line breaks in a header
    message["From"] = sender
    message["To"] = user.email
    message.set_content("\n\n".join([notice.title, *notice.details, link, "-- \n" + footer]))
    return message


def connect(settings: MailSettings) -> smtplib.SMTP:
    kind = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    smtp = kind(settings.server, settings.port, timeout=settings.timeout)
    if settings.use_tls and not settings.use_ssl:
        smtp.starttls()
    if settings.username:
        smtp.login(settings.username, settings.password)
    return smtp


def _claim(session: Session, notification_id: int, states: tuple[MailState, ...],
           now: datetime) -> bool:  # fmt: skip
    claimed = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.mail_state.in_(states))
        .values(mail_state=MailState.SENT, mailed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()  # the claim must be visible to other senders before the mail goes
    return claimed.rowcount == 1


def _mark_failed(session: Session, notification_id: int) -> None:
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(mail_state=MailState.FAILED)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _waiting(
    session: Session, states: tuple[MailState, ...], *, now: datetime, ids: list[int] | None
) -> list[int]:
    """The ids of the rows in `states` (of `ids`, if given) not older than RETRY_FOR; the
    read's transaction ends here, so each claim after it commits on its own."""
    query = select(Notification.id).where(
        Notification.mail_state.in_(states), Notification.created_at >= now - RETRY_FOR
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    wanted = list(session.scalars(query.order_by(Notification.id)))
    session.commit()
    return wanted


def send_pending(
    session: Session, settings: MailSettings, *, base_url: str, now: datetime,
    ids: list[int] | None = None, retry: bool = False, default_language: str = "en",
) -> tuple[int, int]:  # fmt: skip
    """Send the PENDING rows (only `ids`, if given; FAILED ones of the last RETRY_FOR too, if
    `retry`); return (sent, failed). It runs after the changes' commit and commits each claim
    itself. When the server cannot be reached, the rest wait for the next run."""
    states = (MailState.PENDING, MailState.FAILED) if retry else (MailState.PENDING,)
    wanted = _waiting(session, states, now=now, ids=ids)
    sent = failed = 0
    smtp = None
    try:
        for notification_id in wanted:
            if not _claim(session, notification_id, states, now):
                continue  # another sender has it
            notification = session.get(Notification, notification_id)
            user = session.get(User, notification.user_id)
            try:
                message = compose(notification, user, sender=settings.sender,
                                  base_url=base_url, default_language=default_language)  # fmt: skip
                smtp = smtp or connect(settings)
                smtp.send_message(message)
            except SEND_ERRORS as error:
                failed += 1
                _mark_failed(session, notification_id)
                log.warning("mail of notification %s failed: %s", notification_id, error)
                if not isinstance(error, ONE_MESSAGE_ERRORS):
                    break
            else:
                sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(*SEND_ERRORS):
                smtp.quit()
    return sent, failed


# --- after commit ----------------------------------------------------------------------------------


def register_outbox(app: Flask) -> None:
    """Hook the app's database sessions: mark rows PENDING when mail is configured, and send
    them once their transaction has committed. (The hooks are on Flask-SQLAlchemy's session
    class and read the app of the moment, so several apps in one process each keep theirs.)"""
    for name, listener in (("after_begin", _note_mail_setting), ("after_commit", _send_outbox),
                           ("after_rollback", _drop_outbox)):  # fmt: skip
        if not event.contains(FlaskSession, name, listener):
            event.listen(FlaskSession, name, listener)


def _note_mail_setting(session: Session, _transaction, _connection) -> None:
    session.info[MAIL_ENABLED] = mail_settings(current_app.config) is not None


def _drop_outbox(session: Session) -> None:
    session.info.pop(OUTBOX, None)


def _send_outbox(session: Session) -> None:
    ids = session.info.pop(OUTBOX, None)
    if not ids:
        return
    app = current_app._get_current_object()
    if mail_settings(app.config) is None:
        return
    try:
        background(app).enqueue(SEND_TASK, ids)
    except Exception:  # the change is committed all the same; the worker's retry sends these
        log.exception("queueing mail after commit failed")


def send_committed(app: Flask, ids: list[int]) -> None:
    """Send the rows a request (or command) committed: the task queued after its commit."""
    settings = mail_settings(app.config)
    if settings is not None:
        send_in_session(app, settings, ids=ids)


def send_in_session(
    app: Flask, settings: MailSettings, *, ids: list[int] | None = None, retry: bool = False
) -> tuple[int, int]:
    """`send_pending` in a session of its own, as the worker runs it."""
    with app.app_context(), Session(db.engine) as session:
        return send_pending(
            session,
            settings,
            base_url=app.config["PUBLIC_BASE_URL"],
            now=utcnow(),
            ids=ids,
            retry=retry,
            default_language=app.config["BABEL_DEFAULT_LOCALE"],
        )
