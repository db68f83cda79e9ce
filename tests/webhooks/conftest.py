"""A real HTTP receiver on 127.0.0.1 for the webhooks' tests, and a way to check what it got."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.timeutil import utcnow
from app.webhooks import services
from app.webhooks.models import Webhook, WebhookEvent


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    def signed_by(self, secret: str) -> bool:
        """Check the signature as a receiver is told to: HMAC-SHA256 of "<timestamp>.<body>"."""
        signed = self.headers["X-Reshelf-Timestamp"].encode() + b"." + self.body
        expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers["X-Reshelf-Signature"])


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200  # what it answers next
    answer: bytes = b"thanks"
    delay: float = 0.0  # seconds before answering

    def events(self) -> list[str]:
        return [request.payload["event"] for request in self.requests]

    def of(self, event: str) -> Received:
        (found,) = [request for request in self.requests if request.payload["event"] == event]
        return found


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    record = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            record.requests.append(Received(self.path, dict(self.headers.items()), body))
            if record.delay:
                threading.Event().wait(record.delay)
            self.send_response(record.status)
            self.send_header("Content-Length", str(len(record.answer)))
            self.end_headers()
            self.wfile.write(record.answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield record
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def closed_port_url() -> str:
    """An address where nothing listens: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture
def make_webhook(db_session):
    def make(url: str, events=tuple(WebhookEvent)) -> Webhook:
        hook = services.make_webhook(db_session, url=url, events=events, by=None, now=utcnow())
        db_session.commit()
        return hook

    return make
