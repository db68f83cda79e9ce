"""Running queued tasks in tests: in this process, as one worker thread would, or in a real
`flask --app app worker` process beside the test (the `queued` fixture puts tasks on the queue)."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from app.background import background

ROOT = Path(__file__).resolve().parent.parent


def run_queued(app: Flask) -> int:
    """Run the tasks on the queue one after the other, as a worker thread takes them; how many."""
    huey = background(app).huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


@contextmanager
def worker_process(database_url: str, log: Path, *, threads: int = 1) -> Iterator[None]:
    """`flask --app app worker` on the test database, as production runs it; stopped with
    SIGTERM at the end, which lets the tasks it runs finish. Its log goes to `log`."""
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": "x", "REUSE_TICK_SECONDS": "0"}
    env = {**os.environ, "APP_ENV": "development", **settings}
    command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--threads", str(threads)]
    with log.open("w") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        try:
            yield
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
