"""The ladder and its reminders, run in the background of each web process.

Reading a page must change nothing, so the tick no longer rides on page loads. Each web
process ticks every REUSE_TICK_SECONDS from a daemon thread started by its first request;
cron can run `flask --app app reuse tick` as well. A tick is a set of compare-and-set updates,
so several processes ticking at once move each listing once and remind once.
"""

import logging
import random
import threading
import time

from flask import Flask

from app.extensions import db
from app.timeutil import utcnow
from reuse import services

log = logging.getLogger("reshelf")
_started = threading.Lock()


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


def _run(app: Flask, interval: float) -> None:
    while True:
        time.sleep(interval * random.uniform(0.8, 1.2))  # workers started together spread out
        tick_once(app)


def register_ticker(app: Flask) -> None:
    """Start the ticker with the process's first request (not at import: `flask db upgrade`
    and the other commands must not tick an unmigrated database)."""
    interval = app.config.get("REUSE_TICK_SECONDS", 0)
    if not interval:
        return

    @app.before_request
    def start_ticker() -> None:
        if app.extensions.get("reuse_ticker") or not _started.acquire(blocking=False):
            return
        try:
            thread = threading.Thread(
                target=_run, args=(app, interval), name="reuse-ticker", daemon=True
            )
            thread.start()
            app.extensions["reuse_ticker"] = thread
        finally:
            _started.release()
