"""Values from a request, checked before they reach a view or the database.

PostgreSQL refuses a number beyond its integer column and a NUL character in any text, and
SQLite refuses a number beyond 64 bits; either would surface as a server error. So every id
from a URL is bounded here, and a request carrying a NUL anywhere is refused up front with a
message. A view that takes larger uploads than MAX_CONTENT_LENGTH says so with `body_limit`,
read before anything (CSRF protection included) reads the body.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; every primary key fits in it

View = TypeVar("View", bound=Callable[..., Any])


class InvalidInput(BadRequest):
    """A 400 whose description is meant for the user, shown on the error page."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.user_message = message


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a number beyond any row id matches no route, so a 404."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def db_id(value: str) -> int:
    """`request.args.get(name, type=db_id)`: an id in range, or the argument counts as absent."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def bounded_int(value: str | None, *, default: int | None, low: int, high: int) -> int | None:
    """A whole number from a query argument within [low, high]; junk gives the default."""
    text = (value or "").strip()
    if not text.lstrip("-").isdigit() or len(text) > 12:
        return default
    return min(max(int(text), low), high)


def optional_id(value: Any) -> int | None:
    """Coerce a select's value to an id; '', '0' and 'None' mean none chosen."""
    if value in (None, "", "0", "None", 0):
        return None
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(f"no such id: {value}")
    return number


def body_limit(config_key: str, overhead: int = 0) -> Callable[[View], View]:
    """Let a view accept a body of up to `config[config_key] + overhead` bytes."""

    def mark(view: View) -> View:
        view.body_limit = (config_key, overhead)  # type: ignore[attr-defined]
        return view

    return mark


def holds_nul(value: Any) -> bool:
    """True if a NUL character hides anywhere in a string or in nested lists, tuples, dicts."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(v) for v in value)
    return False


def apply_body_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "body_limit", None)
    if limit:
        config_key, overhead = limit
        request.max_content_length = current_app.config[config_key] + overhead


def refuse_nul() -> None:
    """A NUL in the path, the query, a form, a file name or a JSON body is a 400."""
    parts: list[Any] = [request.path, list(request.args.items(multi=True))]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        parts.append(list(request.form.items(multi=True)))
        parts.append([f.filename or "" for f in request.files.values()])
        if request.is_json:
            parts.append(request.get_json(silent=True))
    if holds_nul(parts):
        raise InvalidInput(_("The request holds a NUL character, which no text may contain."))


def register_request_values(app: Flask) -> None:
    """Run before the extensions register: routes added later take the bounded converter,
    and these hooks run ahead of CSRF protection, which reads the body."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(apply_body_limit)
    app.before_request(refuse_nul)
