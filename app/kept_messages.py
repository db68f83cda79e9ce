"""Messages kept in the database as their msgid and parameters and put in words when read, so
each reader sees them in their own language, not in the language of whoever caused them: a
scan's message (labels), the note of an item's history event ("Split from INV-000012").

A message is made with `_l("%(tag)s moved to %(code)s.", tag=..., code=...)`, as any other,
so the catalogues find it; `kept` takes that lazy string apart into what a row stores, and
`read` translates it for the reader. A parameter may itself be such a message (the reason an
inventory service gave), stored the same way. Rows from before, and text people typed, hold
their text with no parameters (None), and read as they were written.
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString, gettext


def kept(message: object) -> tuple[str, dict[str, Any]]:
    """The msgid and parameters of a message made with `_l`; other text is kept as it is."""
    if isinstance(message, LazyString) and message._func is gettext and len(message._args) == 1:
        params = {name: _kept_value(value) for name, value in message._kwargs.items()}
        return message._args[0], params
    return str(message), {}


def _kept_value(value: object) -> object:
    if isinstance(value, LazyString):
        msgid, params = kept(value)
        return {"msgid": msgid, "params": params}
    return value if isinstance(value, int | float) else str(value)


def read(msgid: str, params: dict[str, Any] | None) -> str:
    """The message in the reader's language; text stored before messages were kept is as is."""
    if params is None:
        return msgid
    values = {
        name: read(value["msgid"], value["params"]) if isinstance(value, dict) else value
        for name, value in params.items()
    }
    return gettext(msgid, **values)
