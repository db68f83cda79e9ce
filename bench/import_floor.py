"""The limits an import is measured against, each on SQLite and PostgreSQL.

The bare limit: the fastest reader alone (python-calamine for xlsx, csv.reader for CSV) plus
writing its rows into a plain table without an index: executemany on SQLite, COPY on
PostgreSQL, and the commit. What no import of the file can beat.

The floor: the same reading, then the database alone writing the rows the import wrote
(items, their history events, the batch's rows, taken from the imported database beforehand,
so with no Python work per row) into the real schema, its indexes, foreign keys and search
index included, the way the import writes them (multi-row INSERTs on SQLite, COPY on
PostgreSQL), and the commit. What the import costs beyond it is its own Python work: checking
the rows and putting them in the database's form.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import time
from itertools import chain
from pathlib import Path

import psycopg
from import_cases import peak_mb
from sqlalchemy import make_url

COLUMNS = 12  # of the stock list
PLACES = ("departments", "sites", "storerooms", "categories", "import_batches")
WRITTEN = ("items", "item_events", "import_batch_items")
SQLITE_PRAGMAS = ("foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL")


def read_bare(file: Path) -> list[list]:
    """The data rows by the fastest reader: csv.reader, or python-calamine for xlsx."""
    if file.suffix == ".csv":
        with file.open(encoding="utf-8-sig", newline="") as text:
            return list(csv.reader(text, delimiter=";"))[1:]
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(file.read_bytes()))
    return list(book.get_sheet_by_index(0).iter_rows())[1:]


def measure_bare(file: Path, url: str) -> dict:
    """The fastest reader plus a plain write of its rows into a table without an index."""
    started, cpu = time.perf_counter(), time.process_time()
    rows = [row[:COLUMNS] for row in read_bare(file)]
    read = time.perf_counter() - started
    names = ", ".join(f"c{n}" for n in range(COLUMNS))
    if url.startswith("sqlite"):
        with sqlite3.connect(make_url(url).database) as connection:
            connection.execute(f"CREATE TABLE plain ({names})")
            connection.executemany(f"INSERT INTO plain VALUES ({', '.join('?' * COLUMNS)})",
                                   rows)  # fmt: skip
    else:
        with psycopg.connect(conninfo(url)) as connection, connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE plain ({names.replace(',', ' text,')} text)")
            with cursor.copy(f"COPY plain ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([None if cell == "" else str(cell) for cell in row])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "read": read,
            "write": seconds - read, "rows": len(rows), "peak_mb": peak_mb()}  # fmt: skip


def measure_floor(file: Path, url: str, source: str) -> dict:
    """The bare reading, then the database alone writing the rows the import of `file` wrote
    into `source`, into `url`: a copy of `source` whose written tables are emptied first
    (PostgreSQL), or an empty database given `source`'s places (SQLite)."""
    if url.startswith("sqlite"):
        return _sqlite_floor(file, make_url(url).database, make_url(source).database)
    return _postgresql_floor(file, url, source)


def _sqlite_floor(file: Path, database: str, source: str) -> dict:
    with sqlite3.connect(database) as target:
        target.execute("ATTACH ? AS source", (source,))
        for table in PLACES:
            target.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM source.{table}")
        target.commit()
        target.execute("DETACH source")
    with sqlite3.connect(source) as given:
        written = {table: ([column[1] for column in given.execute(f"PRAGMA table_info({table})")],
                           given.execute(f"SELECT * FROM {table} ORDER BY id").fetchall())
                   for table in WRITTEN}  # fmt: skip
    connection = sqlite3.connect(database, isolation_level=None)
    for pragma in SQLITE_PRAGMAS:
        connection.execute(f"PRAGMA {pragma}")
    os.sync()
    started, cpu = time.perf_counter(), time.process_time()
    rows = read_bare(file)
    read = time.perf_counter() - started
    connection.execute("BEGIN IMMEDIATE")
    for table, (columns, values) in written.items():
        one = f"({', '.join('?' * len(columns))})"
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        per = min(1000, 32766 // len(columns))  # as inventory/bulk_rows.py
        for start in range(0, len(values), per):
            chunk = values[start : start + per]
            connection.execute(head + ", ".join([one] * len(chunk)),
                               tuple(chain.from_iterable(chunk)))  # fmt: skip
    written_at = time.perf_counter()
    connection.execute("COMMIT")
    connection.close()
    return _floor_result(started, cpu, read, written_at, len(rows))


def _postgresql_floor(file: Path, url: str, source: str) -> dict:
    written = {}
    with psycopg.connect(conninfo(source)) as given, given.cursor() as cursor:
        for table in WRITTEN:
            cursor.execute(f"SELECT * FROM {table} LIMIT 0")
            columns = [d.name for d in cursor.description if d.name != "search_text"]
            query = f"COPY (SELECT {', '.join(columns)} FROM {table} ORDER BY id) TO STDOUT"
            with cursor.copy(query) as copy:
                written[table] = (columns, [bytes(data) for data in copy])
    with psycopg.connect(conninfo(url), autocommit=True) as connection:
        connection.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")  # the others are empty
        connection.execute("CHECKPOINT")  # as os.sync() before a case on SQLite
        started, cpu = time.perf_counter(), time.process_time()
        rows = read_bare(file)
        read = time.perf_counter() - started
        with connection.transaction(), connection.cursor() as cursor:
            for table, (columns, data) in written.items():
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for block in data:
                        copy.write(block)
            written_at = time.perf_counter()
    return _floor_result(started, cpu, read, written_at, len(rows))


def _floor_result(started: float, cpu: float, read: float, written_at: float, rows: int) -> dict:
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "read": read,
            "write": written_at - started - read, "commit": seconds - (written_at - started),
            "rows": rows, "peak_mb": peak_mb()}  # fmt: skip


def conninfo(url: str) -> str:
    """The libpq address of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
