"""huey's storage in the app's own database: the queue, the schedule and huey's keys as tables.

huey ships storages for Redis, a SQLite file of its own and, through peewee, SQL databases; we
keep its tasks in the app's database instead, through the app's engine, because then:
- a queued task is a row like any other: it survives any restart, it is in the backup, and
  SQLite and PostgreSQL run the same code (no second database, driver or ORM to configure);
- the tables come from an Alembic migration like every other table;
- a poll of an empty queue only reads. huey's SQLite storages take the write lock on every
  poll, which would wait behind an import holding SQLite's one writer for seconds; here a
  worker takes the lock only to delete a task it has seen, as the import would have to anyway.

Taking a task is a SELECT and then a DELETE of that row: on PostgreSQL the SELECT skips rows
another worker has locked (FOR UPDATE SKIP LOCKED); on SQLite the DELETE waits for the write
lock and finds the row gone if another worker took it first. Either way one worker gets it.
huey's chords (its counters) are not supported: nothing here uses them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from huey.constants import EmptyData
from huey.storage import BaseStorage
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    LargeBinary,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.db_types import UTCDateTime
from app.extensions import db

tasks = Table(
    "task_queue",
    db.metadata,
    Column("id", Integer, primary_key=True),
    Column("queue", String(64), nullable=False, index=True),
    Column("priority", Integer, nullable=False, default=0),
    Column("data", LargeBinary, nullable=False),
)
schedule = Table(  # tasks to enqueue at a time (retries with a delay, tasks given an eta)
    "task_schedule",
    db.metadata,
    Column("id", Integer, primary_key=True),
    Column("queue", String(64), nullable=False),
    Column("run_at", UTCDateTime, nullable=False, index=True),
    Column("data", LargeBinary, nullable=False),
)
keys = Table(  # huey's key/value store: revoked tasks and locks (we keep no results)
    "task_keys",
    db.metadata,
    Column("queue", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)
TABLES = {tasks.name, schedule.name, keys.name}
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _utc(moment: datetime) -> datetime:
    """huey's times are naive UTC (Huey(utc=True)); our columns want them aware."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class DatabaseStorage(BaseStorage):
    """huey's storage interface over the app's SQLAlchemy engine."""

    def __init__(self, name: str = "huey", app: Flask | None = None, **_settings: Any) -> None:
        super().__init__(name)
        self.app = app
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:  # the app's engine exists once the app is set up
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    # --- the queue ---------------------------------------------------------------------------

    def enqueue(self, data: bytes, priority: int | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(tasks).values(queue=self.name, priority=priority or 0, data=data)
            )

    def dequeue(self) -> bytes | None:
        """Take the most urgent, then the oldest, task off the queue; None when there is none."""
        first = (
            select(tasks.c.id, tasks.c.data)
            .where(tasks.c.queue == self.name)
            .order_by(tasks.c.priority.desc(), tasks.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)  # SQLite has no row locks: the DELETE decides
        )
        with self.engine.begin() as connection:
            row = connection.execute(first).first()
            if row is None:
                return None
            taken = connection.execute(delete(tasks).where(tasks.c.id == row.id)).rowcount
        return bytes(row.data) if taken == 1 else None

    def queue_size(self) -> int:
        return self._count(tasks)

    def enqueued_items(self, limit: int | None = None) -> list[bytes]:
        query = (
            select(tasks.c.data)
            .where(tasks.c.queue == self.name)
            .order_by(tasks.c.priority.desc(), tasks.c.id)
            .limit(limit)
        )
        return self._all(query)

    def flush_queue(self) -> None:
        self._flush(tasks)

    # --- the schedule ------------------------------------------------------------------------

    def add_to_schedule(self, data: bytes, timestamp: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(schedule).values(queue=self.name, run_at=_utc(timestamp), data=data)
            )

    def read_schedule(self, timestamp: datetime) -> list[bytes]:
        """Take every task due by `timestamp` off the schedule (read first: mostly none is)."""
        due = (
            select(schedule.c.id, schedule.c.data)
            .where(schedule.c.queue == self.name, schedule.c.run_at <= _utc(timestamp))
            .order_by(schedule.c.run_at)
            .with_for_update(skip_locked=True)
        )
        taken = []
        with self.engine.begin() as connection:
            for row in connection.execute(due).all():
                if connection.execute(delete(schedule).where(schedule.c.id == row.id)).rowcount:
                    taken.append(bytes(row.data))
        return taken

    def schedule_size(self) -> int:
        return self._count(schedule)

    def scheduled_items(self, limit: int | None = None) -> list[bytes]:
        query = (
            select(schedule.c.data)
            .where(schedule.c.queue == self.name)
            .order_by(schedule.c.run_at)
            .limit(limit)
        )
        return self._all(query)

    def flush_schedule(self) -> None:
        self._flush(schedule)

    # --- keys --------------------------------------------------------------------------------

    def put_data(self, key: str, value: bytes, is_result: bool = False) -> None:
        upsert = UPSERTS[self.engine.dialect.name](keys).values(
            queue=self.name, key=key, value=value
        )
        upsert = upsert.on_conflict_do_update(
            index_elements=[keys.c.queue, keys.c.key], set_={"value": value}
        )
        with self.engine.begin() as connection:
            connection.execute(upsert)

    def put_if_empty(self, key: str, value: bytes, ttl: int | None = None) -> bool:
        if ttl is not None:
            raise NotImplementedError("keys do not expire in the database storage")
        insert_new = UPSERTS[self.engine.dialect.name](keys).values(
            queue=self.name, key=key, value=value
        )
        insert_new = insert_new.on_conflict_do_nothing().returning(keys.c.key)
        with self.engine.begin() as connection:
            return connection.execute(insert_new).first() is not None

    def peek_data(self, key: str) -> bytes | object:
        return self.peek_many([key]).get(key, EmptyData)

    def peek_many(self, keys_wanted: list[str]) -> dict[str, bytes]:
        """One query for the keys huey looks up before each task (is it revoked?)."""
        query = select(keys.c.key, keys.c.value).where(
            keys.c.queue == self.name, keys.c.key.in_(keys_wanted)
        )
        with self.engine.connect() as connection:
            return {key: bytes(value) for key, value in connection.execute(query)}

    def pop_data(self, key: str) -> bytes | object:
        """Read and delete a key (read first: huey pops a key after every task, mostly unset)."""
        this = (keys.c.queue == self.name) & (keys.c.key == key)
        with self.engine.begin() as connection:
            value = connection.scalar(select(keys.c.value).where(this).with_for_update())
            if value is None or connection.execute(delete(keys).where(this)).rowcount != 1:
                return EmptyData
        return bytes(value)

    def has_data_for_key(self, key: str) -> bool:
        return key in self.peek_many([key])

    def result_store_size(self) -> int:
        return self._count(keys)

    def result_items(self) -> dict[str, bytes]:
        query = select(keys.c.key, keys.c.value).where(keys.c.queue == self.name)
        with self.engine.connect() as connection:
            return {key: bytes(value) for key, value in connection.execute(query)}

    def flush_results(self) -> None:
        self._flush(keys)

    # --- shared ------------------------------------------------------------------------------

    def _count(self, table: Table) -> int:
        query = select(func.count()).select_from(table).where(table.c.queue == self.name)
        with self.engine.connect() as connection:
            return connection.scalar(query)

    def _all(self, query) -> list[bytes]:
        with self.engine.connect() as connection:
            return [bytes(data) for data in connection.scalars(query)]

    def _flush(self, table: Table) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.queue == self.name))
