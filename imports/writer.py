"""Statements of a bulk load run by a thread of their own while Python prepares the next ones.

Writing 100,000 new items is two kinds of work, about equal: Python turning rows into
statements (columns, history notes, values in the database's form), and SQLite executing them
(B-trees, the full-text index, foreign keys). Python's sqlite3 lets go of the interpreter lock
while SQLite works, so on a machine with two cores the two can run side by side: the import's
thread prepares chunk n+1 while this writer's thread executes chunk n (docs/benchmarks.md).

That only pays when SQLite's work calls no Python: our `lower()` is a Python function
(app/sqlite.py), and every index on `lower(...)` would call it for every row, each call
waiting for the import's thread to hand the lock over. So a writer is threaded only while
the table's indexes are set aside (imports/bulk_load.py); otherwise it executes each
statement at once, as it would without it.

While a threaded writer is open, its connection belongs to its thread: the import's thread
must not use the session or the connection until the writer is closed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

QUEUED_STATEMENTS = 4  # prepared and waiting: enough to keep SQLite busy, little memory


class _Writer:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, statement: str, parameters: tuple[Any, ...]) -> None:
        self.connection.exec_driver_sql(statement, parameters)

    def close(self) -> None:
        """Wait for every statement; raise the first failure."""

    def abandon(self) -> None:
        """Stop as soon as possible: the import failed and will be rolled back."""


class _ThreadedWriter(_Writer):
    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.waiting: queue.Queue[tuple[str, tuple[Any, ...]] | None] = queue.Queue(
            QUEUED_STATEMENTS
        )
        self.failure: BaseException | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (work := self.waiting.get()) is not None:
            if self.failure is None and not self.stop.is_set():
                try:
                    super().execute(*work)
                except BaseException as failure:  # handed to the import's thread
                    self.failure = failure

    def execute(self, statement: str, parameters: tuple[Any, ...]) -> None:
        if self.failure is not None:  # stop preparing what cannot be written
            self.close()
        self.waiting.put((statement, parameters))

    def close(self) -> None:
        if self.thread.is_alive():
            self.waiting.put(None)
            self.thread.join()
        if self.failure is not None:
            raise self.failure

    def abandon(self) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.waiting.put(None)
            self.thread.join()


@contextmanager
def statement_writer(connection: Connection, *, threaded: bool) -> Iterator[_Writer]:
    """A writer for the block's statements, executed in order; all of them have run (or the
    first failure is raised) when the block ends. Threaded only if SQLite's work for them calls
    no Python (see the module's docstring)."""
    writer = _ThreadedWriter(connection) if threaded else _Writer(connection)
    try:
        yield writer
    except BaseException:
        writer.abandon()
        raise
    writer.close()
