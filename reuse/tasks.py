"""The reuse work the background worker does (app/background.py).

Reading a page changes nothing, so the ladder does not climb on page loads: the worker ticks
every REUSE_TICK_SECONDS (in whole minutes), moving listings and sending the day's reminders,
and cron may run `flask --app app reuse tick` as well. A tick is a set of compare-and-set
updates, so two at once (two workers, or the worker and cron) move each listing once and remind
once. Mail goes out in a task queued when its change commits (reuse/mail.py); every
MAIL_RETRY_MINUTES the worker also sends what is still waiting and retries what failed.
"""

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from app.background import SOON, Background, minutes_of
from app.extensions import db
from app.timeutil import utcnow
from reuse.listings import services
from reuse.notices import mail

log = logging.getLogger("reshelf")
MAIL_RETRY_MINUTES = 15


def register_reuse_tasks(work: Background, config: Mapping[str, Any]) -> None:
    work.task(mail.send_committed, name=mail.SEND_TASK, priority=SOON)
    work.periodic(retry_mail, name="retry_mail", minutes=MAIL_RETRY_MINUTES)
    if config["REUSE_TICK_SECONDS"]:
        work.periodic(
            tick_once, name="reuse_tick", minutes=minutes_of(config["REUSE_TICK_SECONDS"])
        )


def tick_once(app: Flask) -> int:
    """One tick in a session of its own; a failure is logged and tried again next time."""
    with app.app_context():
        try:
            moved = services.tick(db.session, now=utcnow())
            db.session.commit()
            return moved
        except Exception:
            db.session.rollback()
            log.exception("the background reuse tick failed")
            return 0
        finally:
            db.session.remove()


def retry_mail(app: Flask) -> None:
    """Send the mail still waiting (a worker stopped before it sent it) and retry failures."""
    settings = mail.mail_settings(app.config)
    if settings is not None:
        mail.send_in_session(app, settings, retry=True)
