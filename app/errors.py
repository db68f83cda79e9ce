"""Error pages. They say what happened in the user's terms and never show internals."""

import logging

from flask import Flask, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app.extensions import db

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
        if error.code in (400, 403, 404, 405, 409, 413, 429):
            return render_template(f"errors/{error.code}.html", error=error), error.code
        return error

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        propagate = app.config["PROPAGATE_EXCEPTIONS"]
        if propagate or (propagate is None and app.testing):
            raise error  # tests see the real traceback
        log.exception("unhandled error")
        return render_template("errors/500.html"), 500
