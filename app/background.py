"""Background work: one task queue (huey) in the app's database, run by `flask --app app worker`.

Pages and hooks put tasks on the queue (an import to check, mail to send); the worker, a
process of its own beside the web servers, takes them off and runs them, at most
IMPORT_MAX_JOBS at once, and also runs the periodic tasks (the ladder's tick, the mail retry).
A queued task is a row (app/task_queue.py), so it waits for a worker through any restart.
Features add their tasks at start-up (`Background.task`, `Background.periodic`): a task is a
plain function whose first argument is the app, so it runs the same in the worker and in tests.
With BACKGROUND_IMMEDIATE (the test suite) a task runs at once, in the caller.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey
from huey.api import TaskWrapper

from app.task_queue import DatabaseStorage

SOON = 10  # the priority of short tasks (mail, the tick): ahead of imports waiting their turn
POLL_SECONDS = 1.0  # an idle worker looks at the queue this often (a read of a small table)


class Background:
    """The app's queue and the tasks the features registered on it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = Huey(
            "reshelf",
            storage_class=DatabaseStorage,
            app=app,
            results=False,  # tasks report on their own rows (an import on its batch)
            utc=True,
            immediate=app.config["BACKGROUND_IMMEDIATE"],
        )
        self.tasks: dict[str, TaskWrapper] = {}

    def task(self, func: Callable[..., object], *, name: str, priority: int = 0) -> None:
        """Let `func(app, *args, **kwargs)` run in the worker after `enqueue(name, ...)`."""
        self.tasks[name] = self.huey.task(name=name, priority=priority)(self._with_app(func))

    def periodic(self, func: Callable[[Flask], object], *, name: str, minutes: int) -> None:
        """Let the worker run `func(app)` every `minutes`."""
        self.huey.periodic_task(every(minutes), name=name, priority=SOON)(self._with_app(func))

    def enqueue(self, name: str, *args: object, **kwargs: object) -> None:
        self.tasks[name](*args, **kwargs)

    def _with_app(self, func: Callable[..., object]) -> Callable[..., None]:
        @functools.wraps(func)  # huey names a task by its function's module and name
        def with_app(*args: object, **kwargs: object) -> None:
            func(self.app, *args, **kwargs)

        return with_app


def every(minutes: int) -> Callable[[datetime], bool]:
    """A periodic task's test: true once every `minutes`, counted from the epoch, so that
    several workers run it at the same minutes."""

    def due(moment: datetime) -> bool:  # huey passes naive UTC
        return int(moment.replace(tzinfo=UTC).timestamp() // 60) % minutes == 0

    return due


def minutes_of(seconds: int) -> int:
    """A setting in seconds as the whole minutes the worker's scheduler counts in."""
    return max(1, math.ceil(seconds / 60))


def background(app: Flask) -> Background:
    return app.extensions["background"]


@click.command("worker")
@click.option("--threads", type=int, help="Tasks run at once (default: IMPORT_MAX_JOBS).")
@with_appcontext
def worker_command(threads: int | None) -> None:
    """Run the background tasks (imports, mail, the ladder's tick) until stopped.

    SIGTERM lets running tasks finish; SIGINT (Ctrl-C) stops at once, and a stopped import
    changes nothing."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = current_app._get_current_object()
    consumer = background(app).huey.create_consumer(
        workers=threads or app.config["IMPORT_MAX_JOBS"],
        worker_type="thread",
        max_delay=POLL_SECONDS,
        graceful_signal="TERM",  # what systemd sends on stop and restart
    )
    consumer.run()
