"""The server under load: gunicorn with the app on the bench's database, as README.md's
deployment runs it, on a free port of 127.0.0.1; and PostgreSQL's restart for the outage run."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
RESTART_POSTGRES = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(url: str, port: int, log: Path) -> subprocess.Popen:
    """Start the app in production settings (CSRF on, secure cookies) with its own secret."""
    env = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    options = f"--workers {WORKERS} --bind 127.0.0.1:{port} --timeout 60 --no-control-socket"
    command = [sys.executable, "-m", "gunicorn", *options.split(), "app:create_app()"]
    with log.open("ab") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    wait_until_serving(server, port)
    return server


def wait_until_serving(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    """Wait until every worker could have booted: the login page answers a few times."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 2 * WORKERS:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with status {server.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer within a minute")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login")
            answered += connection.getresponse().status == 200
            connection.close()
        except OSError:
            time.sleep(0.2)


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn gracefully (SIGTERM), or kill it after 30 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def restart_postgres() -> tuple[float, float, str]:
    """Restart the PostgreSQL cluster; returns when it began and ended (epoch seconds) and
    what went wrong, if anything."""
    began = time.time()
    try:
        done = subprocess.run(RESTART_POSTGRES, capture_output=True, text=True, timeout=120)
        problem = "" if done.returncode == 0 else (done.stderr or done.stdout).strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        problem = str(error)
    return began, time.time(), problem
