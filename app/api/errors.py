"""The API's errors: JSON with a stable code, a message in the caller's words and, for a
field, its name. Views raise `ApiError`; a Werkzeug error (a 404 of an unknown path, a 405, a
413) under /api/ becomes the same shape.

    {"error": {"code": "stale_version", "message": "...", "field": null, "current_version": 4}}

Codes are part of the contract: clients branch on them, so they never change meaning.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.extensions import db

PREFIX = "/api/"

# The code of each status a Werkzeug error may carry under /api/.
HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


class ApiError(Exception):
    """A refusal the caller can act on; nothing the request did is kept."""

    def __init__(
        self, status: int, code: str, message: str, *, field: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.extra = extra
        self.headers: dict[str, str] = {}


def unauthorized(message: str) -> ApiError:
    error = ApiError(401, "unauthorized", message)
    error.headers["WWW-Authenticate"] = 'Bearer realm="reshelf"'
    return error


def forbidden(message: str | None = None) -> ApiError:
    return ApiError(403, "forbidden", message or _("Your role does not allow this."))


def not_found() -> ApiError:
    """What does not exist and what the caller may not see are told alike."""
    return ApiError(404, "not_found", _("There is nothing here, or you may not see it."))


def conflict(message: str, code: str = "conflict", **extra: Any) -> ApiError:
    return ApiError(409, code, message, **extra)


def invalid(message: str, field: str | None = None) -> ApiError:
    return ApiError(422, "invalid", message, field=field)


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def api_error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict:
    return {"code": code, "message": message, "field": field, **extra}


def error_response(error: ApiError) -> Response:
    """The JSON answer for `error`, after undoing whatever the request had changed."""
    db.session.rollback()
    response = jsonify(error=api_error_body(error.code, error.message, error.field, **error.extra))
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def http_error_response(error: HTTPException) -> Response:
    """A Werkzeug error under /api/ in the API's shape. A 400 (a NUL in a value, a body that
    cannot be parsed) is a malformed request: a 422, as the API promises for one."""
    status = 422 if error.code == 400 else error.code or 500
    code = HTTP_CODES.get(status, "error")
    message = getattr(error, "user_message", None) or error.description or code
    api_error = ApiError(status, code, message)
    if error.code == 405 and error.valid_methods:
        api_error.headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(api_error)


def server_error_response() -> Response:
    return error_response(ApiError(500, "server_error", _("Something went wrong on our side.")))


def register_api_errors(app: Flask) -> None:
    app.register_error_handler(ApiError, error_response)
