"""A minimal browser for the load clients: one HTTP connection to 127.0.0.1 with its
cookies, and the fields of a page's form as a browser would send them back (CSRF token,
hidden version, selected options), so the app runs with its protections on."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

TIMEOUT = 30  # seconds for one request: a bound, never reached by a healthy server


@dataclass
class Answer:
    status: int
    location: str
    text: str
    started: float  # epoch seconds
    seconds: float


class Browser:
    """Requests to the app on 127.0.0.1 with the session's cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        return self.request("POST", path, urlencode(fields))

    def request(self, method: str, path: str, body: str | None = None) -> Answer:
        headers = {"Accept": "text/html", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started, clock = time.time(), time.perf_counter()
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new one
            raise
        seconds = time.perf_counter() - clock
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, response.getheader("Location", ""), text, started, seconds)

    def close(self) -> None:
        self.connection.close()


class FormReader(HTMLParser):
    """The fields of the first form whose action ends with `action` ("" for a form that
    posts back to its page), with their values as the page shows them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.fields: dict[str, str] = {}
        self.found = self.inside = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.found:
            target = values.get("action", "")
            self.inside = target.endswith(self.action) if self.action else not target
            self.found = self.inside
        elif self.inside and values.get("name") or tag == "option" and self.select:
            self.field_start(tag, values)

    def field_start(self, tag: str, values: dict[str, str]) -> None:
        kind = values.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            ticked = kind in ("checkbox", "radio")
            if not ticked or "checked" in values:
                self.fields[values["name"]] = values.get("value", "on" if ticked else "")
        elif tag == "select":
            self.select, self.first_option = values["name"], None
        elif tag == "option":
            value = values.get("value", "")
            self.first_option = value if self.first_option is None else self.first_option
            if "selected" in values:
                self.fields[self.select] = value
        elif tag == "textarea":
            self.textarea = values["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            text = self.fields[self.textarea]  # a browser drops the newline after the tag
            self.fields[self.textarea] = (
                text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            )
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(page: str, action: str = "") -> dict[str, str] | None:
    """The form's fields, or None when the page has no such form."""
    reader = FormReader(action)
    reader.feed(page)
    return reader.fields if reader.found else None
