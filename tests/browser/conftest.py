"""Browser fixtures: the test app served over HTTP, headless Chromium, phone and desktop pages.

The server serves the session's `app` object, so it reads and writes the same test database as
the factories (which commit). Every test in this folder is marked `browser`.
"""

import re
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import WSGIRequestHandler, make_server

from app.auth.models import User
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
HERE = Path(__file__).parent
ARTIFACTS = HERE.parent / "artifacts"

Screenshot = Callable[..., Path]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of this folder, so `-m "not browser"` can leave them out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


class QuietRequestHandler(WSGIRequestHandler):
    """Leave out the access log of every request; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app on a free port in a daemon thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


class ClosingRequestHandler(QuietRequestHandler):
    """One request per connection, so a stopped server really stops answering."""

    protocol_version = "HTTP/1.0"


class SwitchableServer:
    """The test app on a fixed port that a test can stop and start again: no signal, signal.

    The phone keeps its service worker and IndexedDB per origin, so the port must not change.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = 0
        self.server = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=ClosingRequestHandler
        )
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None


@pytest.fixture
def switchable_server(app: Flask) -> Iterator[SwitchableServer]:
    server = SwitchableServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(live_server: str) -> Iterator[Browser]:
    """Headless Debian Chromium, shared by the session.

    It depends on `live_server` so that it is closed first: the browser drops its keep-alive
    connections before the server stops.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Run `make test`, which installs it.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized touch page in a fresh context (no cookies from other tests)."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page in a fresh context."""
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """Save what a page shows to tests/artifacts/<test>-<label>.png, for people to look at.

    The picture is for people, not an assertion: when Chromium cannot capture it (on a loaded
    machine it can time out "waiting for fonts to load"), the test goes on with a warning.
    """

    def save(page: Page, label: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", f"{request.node.name}-{label}")
        path = ARTIFACTS / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=full_page)
        except PlaywrightError as problem:
            warnings.warn(f"no screenshot {path.name}: {problem.message}", stacklevel=2)
        return path

    return save


def log_in(page: Page, base_url: str, user: User, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would.

    Returns once the login page is left, so a following `goto` cannot cut the login short.
    """
    if "/login" not in page.url:
        page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login\b"))


def open_menu(page: Page) -> None:
    """Open the top bar's menu, where every page but Scan is, as a person taps it."""
    page.locator("details.menu > summary").click()
