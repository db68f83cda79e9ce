"""bench/bench_load.py end to end, briefly: seeds a few hundred items, serves them with
gunicorn, runs two clients for two seconds and prints its figures, ending with `errors 0`.

On SQLite by default; with TEST_DATABASE_URL on PostgreSQL, in a database of its own named
after the test database (the bench drops the schema it is given)."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from config import database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_database(tmp_path) -> Iterator[str]:
    given = os.environ.get("TEST_DATABASE_URL")
    if not given:
        yield f"sqlite:///{tmp_path}/load.db"
        return
    url = make_url(database_url(given))
    own = url.set(database=f"{url.database}_bench_load")
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}"'))
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    except ProgrammingError as error:  # no CREATEDB privilege
        pytest.skip(f"cannot make a database for the bench: {error.orig}")
    yield own.render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
    server.dispose()


def test_a_short_run_prints_its_figures_and_no_errors(bench_database):
    options = ["--items", "300", "--clients", "2", "--seconds", "2", "--think", "0"]
    command = [sys.executable, "bench/bench_load.py", "--database-url", bench_database, *options]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    for kind in ("scan look-up", "search", "item page"):
        [row] = [line for line in lines if line.startswith(kind)]
        assert re.search(r"(\d+\.\dms\s*){3}$", row), row  # p50, p95, p99
    assert re.search(r"[\d.]+ requests/s", lines[-1])
    assert re.search(r"\berrors 0$", lines[-1])
