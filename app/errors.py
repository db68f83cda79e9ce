"""Error pages. They say what happened in the user's terms and never show internals."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.request_values import InvalidInput

log = logging.getLogger("reshelf")
security_log = logging.getLogger("reshelf.security")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
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

    @app.errorhandler(DataError)
    def value_out_of_range(error: DataError):
        """The last guard: a value the database refuses (too long, too large) is a 400 and
        nothing is kept. Checks in forms and routes should have caught it first."""
        db.session.rollback()
        log.warning("value refused by the database: %s", error.orig)
        message = _("A value was too long or too large to be stored. Nothing was saved.")
        return render_template("errors/400.html", error=InvalidInput(message)), 400

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        propagate = app.config["PROPAGATE_EXCEPTIONS"]
        if propagate or (propagate is None and app.testing):
            raise error  # tests see the real traceback
        log.exception("unhandled error")
        return render_template("errors/500.html"), 500
