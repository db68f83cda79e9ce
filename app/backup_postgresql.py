"""PostgreSQL's client tools for backups: pg_dump writes an archive, pg_restore reads it, psql
loads it. They come from the operating system's package (Debian: postgresql-client).

A load runs in one transaction: psql gets BEGIN, the caller's SQL and pg_restore's script,
and COMMIT only once pg_restore has read the whole archive; without COMMIT, psql's end rolls
everything back. (pg_restore straight into the database could not put the caller's SQL in its
transaction.)
"""

import os
import shutil
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from sqlalchemy.engine import URL

MAGIC = b"PGDMP"
# No owners, privileges or comments: the restoring role owns what it creates, and the only
# comment a dump of ours holds is the public schema's, which only that schema's owner may set.
RESTORE_OPTIONS = ["--no-owner", "--no-privileges", "--no-comments"]


class ClientError(Exception):
    """A client tool is missing or failed; the message says which and why."""


def require(*tools: str) -> None:
    for tool in tools:
        _tool(tool)


def dump(url: URL, output: Path) -> None:
    """Write the database to `output` in pg_dump's custom format."""
    _run(["pg_dump", "--format=custom", f"--file={output}"], url)


def archive_revision(archive: Path) -> str | None:
    """The migration revision in an archive (its alembic_version row), None if it has none."""
    script = _run(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(archive)]
    )
    lines = script.splitlines()
    for start, line in enumerate(lines):
        if line.startswith("COPY ") and line.endswith("FROM stdin;"):
            rows = lines[start + 1 : lines.index("\\.", start)]
            return rows[0] if len(rows) == 1 else None
    return None


def load(url: URL, archive: Path, *, first: str) -> None:
    """Run the SQL `first`, then the archive's script, in one transaction."""
    psql_args, env = _connection(url)
    with tempfile.TemporaryFile("w+") as psql_err, tempfile.TemporaryFile("w+") as restore_err:
        psql = subprocess.Popen(
            [_tool("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"]
            + psql_args,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        restore = subprocess.Popen(
            [_tool("pg_restore"), *RESTORE_OPTIONS, "--file=-", str(archive)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
        )
        complete = _feed(psql, restore, f"BEGIN;\n{first}\n")
        psql_failed = psql.wait() != 0
        restore_message, psql_message = _file_end(restore_err), _file_end(psql_err)
    if not complete and restore_message:
        raise ClientError(f"{archive} is damaged ({restore_message})")
    if psql_failed or not complete:
        raise ClientError(psql_message or "psql stopped")


def _feed(psql: subprocess.Popen, restore: subprocess.Popen, prelude: str) -> bool:
    """Send psql the prelude and pg_restore's script; COMMIT if pg_restore succeeded."""
    assert psql.stdin is not None and restore.stdout is not None
    try:
        psql.stdin.write(prelude.encode())
        shutil.copyfileobj(restore.stdout, psql.stdin)
        complete = restore.wait() == 0
        if complete:
            psql.stdin.write(b"COMMIT;\n")
    except BrokenPipeError:  # psql stopped at an error; its message says which
        restore.kill()
        restore.wait()
        complete = False
    finally:
        restore.stdout.close()
        with suppress(BrokenPipeError):
            psql.stdin.close()
    return complete


def _connection(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq's --dbname and environment for `url`: the password goes in the environment,
    not on the command line, where any user of the machine could read it."""
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return [f"--dbname={dsn}"], env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ClientError(
            f"{name} was not found: install PostgreSQL's client tools "
            "(Debian and Ubuntu: apt-get install postgresql-client)"
        )
    return path


def _run(command: list[str], url: URL | None = None) -> str:
    """Run a client tool and return what it printed; ClientError with its message if it fails."""
    args, env = _connection(url) if url is not None else ([], None)
    done = subprocess.run(
        [_tool(command[0]), *command[1:], *args],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        env=env,
    )
    if done.returncode != 0:
        raise ClientError(_last_lines(done.stderr) or f"{command[0]} failed")
    return done.stdout


def _last_lines(text: str, count: int = 3) -> str:
    """The end of a tool's messages, where it says what went wrong."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[-count:])


def _file_end(file) -> str:
    file.seek(0)
    return _last_lines(file.read())
