"""Error pages. They say what happened in the user's terms and never show internals."""

import logging

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.api.errors import (
    api_error_body,
    http_error_response,
    is_api_request,
    server_error_response,
)
from app.extensions import db
from app.request_values import InvalidInput

log = logging.getLogger("reshelf")
security_log = logging.getLogger("reshelf.security")

# Seconds a client is asked to wait when the database cannot be reached: about what a
# restart of PostgreSQL or a fail-over takes.
RETRY_AFTER_SECONDS = 10
# SQLSTATE classes of a lost connection: 08 connection exception, 57P operator intervention
# (the server shutting down, restarting, or terminating the session).
CONNECTION_LOST = ("08", "57P")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(DataError, value_out_of_range)
    app.register_error_handler(DBAPIError, database_error)
    app.register_error_handler(Exception, server_error)


def http_error(error: HTTPException):
    if is_api_request():
        return http_error_response(error)
    if error.code == 403:
        security_log.warning(
            "forbidden",
            extra={
                "path": request.path,
                "method": request.method,
                "user_id": getattr(current_user, "id", None),
            },
        )
    if request.is_json and error.code in (400, 413):  # the phone's sync reads JSON
        return jsonify(error=getattr(error, "user_message", error.description)), error.code
    if error.code in (400, 403, 404, 405, 409, 413, 429):
        return render_template(f"errors/{error.code}.html", error=error), error.code
    return error


def value_out_of_range(error: DataError):
    """The last guard: a value the database refuses (too long, too large) is a 400 and
    nothing is kept. Checks in forms and routes should have caught it first."""
    db.session.rollback()
    log.warning("value refused by the database: %s", error.orig)
    message = _("A value was too long or too large to be stored. Nothing was saved.")
    if is_api_request():
        return jsonify(error=api_error_body("invalid", message)), 422
    return render_template("errors/400.html", error=InvalidInput(message)), 400


def database_unreachable(error: DBAPIError) -> bool:
    """Whether the database could not be reached or dropped the connection (a restart, a
    network cut), which passes, rather than refused a statement, which is a fault."""
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(CONNECTION_LOST)
    return error.statement is None  # it failed while connecting


def database_error(error: DBAPIError):
    """A 503 with Retry-After while the database is out of reach; the pool's pre-ping (see
    config.py) replaces dead connections once it is back. Any other error is a 500."""
    if not database_unreachable(error):
        return server_error(error)
    rollback_quietly()
    log.warning("database unreachable: %s", str(error.orig).strip().splitlines()[0])
    # Nobody can be looked up now: the rest of this request (the page's menu, its language,
    # its headers) treats the visitor as anonymous instead of asking the database again.
    current_app.login_manager._update_request_context_with_user()
    g.database_unreachable = True
    message = _(
        "Reshelf cannot reach its database just now. Wait a minute and try again; if you were"
        " saving something, check afterwards whether it was saved."
    )
    if is_api_request():
        response = jsonify(error=api_error_body("database_unreachable", message))
    elif wants_json():
        response = jsonify(error=message)
    else:
        response = current_app.make_response(render_template("errors/503.html", message=message))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def rollback_quietly() -> None:
    """Roll the session back; on a dead connection that can fail too, and changes nothing."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def wants_json() -> bool:
    """Whether the client reads JSON (the phone's sync, feeds, scripts) rather than a page."""
    if request.is_json or request.path.startswith("/api/") or request.path.endswith(".json"):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


def server_error(error: Exception):
    db.session.rollback()
    propagate = current_app.config["PROPAGATE_EXCEPTIONS"]
    if propagate or (propagate is None and current_app.testing):
        raise error  # tests see the real traceback
    log.exception("unhandled error")
    if is_api_request():
        return server_error_response()
    return render_template("errors/500.html"), 500
