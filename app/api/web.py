"""The API's blueprint and description: `/api/v1`, JSON, `Authorization: Bearer TOKEN`.

Every call but the description passes `authenticate` first: the token must be usable, its
scope must allow the method, and its window of requests must have room. The call then runs as
the token's user (`current_user`), so the features' API views ask the same access functions
as their pages do. Features add their calls to `bp` in their own `api_views.py`, decorated
with `spec.validate`, which checks the body against its model and describes the call.

Why spectree: it works on a plain Flask app and its blueprints (apiflask wants its own app
class), describes calls from pydantic models, whose JSON Schema 2020-12 is what OpenAPI 3.1
speaks (flask-smorest and apiflask go through apispec and marshmallow, written for 3.0), and
is small: the models that check a body are the ones the description shows.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.plugins.flask_plugin import FlaskPlugin

from app.api.errors import ApiError, invalid, unauthorized
from app.api.tokens import find_token, take_request
from app.extensions import csrf, db
from app.timeutil import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookie is read here: a token is sent on purpose, it cannot be forged

READING = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_ENDPOINTS = frozenset({"api.openapi", "api.reference"})


def refuse_invalid_body(_request, _response, error, _instance, model_adapter) -> None:
    """spectree's hook: a body that breaks its model is a 422 naming the first field at fault."""
    if error is None:
        return
    problem = model_adapter.validation_errors(error)[0]
    field = ".".join(str(part) for part in problem.get("loc", ()) if part != "__root__")
    raise invalid(problem.get("msg", _("This value is not valid.")), field=field or None)


class NamedCalls(FlaskPlugin):
    """Calls named by their view functions (`get_item`), not by their paths."""

    def get_func_operation_id(self, func, path: str, method: str) -> str:
        return func.__name__


spec = SpecTree(
    backend=NamedCalls,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,  # one ItemStatus, wherever it is used
    mode="strict",
    title="Reshelf API",
    version="1",
    description="The inventory, its places, reuse, imports and labels. See docs/api.md.",
    page_templates={},  # the reference page is ours (`reference`), served with nothing remote
    security_schemes=[
        SecurityScheme(name="token", data=SecuritySchemeData(type="http", scheme="bearer"))
    ],
    security={"token": []},
    before=refuse_invalid_body,
)


@bp.before_request
def authenticate() -> None:
    """Let the call run as the token's user, or refuse it (401, 403, 429)."""
    if request.endpoint in OPEN_ENDPOINTS:
        return
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    now = utcnow()
    token = find_token(db.session, secret.strip(), now=now) if scheme.lower() == "bearer" else None
    if token is None:
        raise unauthorized(_("Send a valid API token: Authorization: Bearer TOKEN."))
    if request.method not in READING and not token.can_write:
        raise ApiError(403, "insufficient_scope", _("This token may only read."))
    config = current_app.config
    wait = take_request(
        db.session,
        token,
        now=now,
        limit=config["API_RATE_LIMIT"],
        window=timedelta(seconds=config["API_RATE_WINDOW_SECONDS"]),
    )
    db.session.commit()  # the count stands whatever becomes of the call
    if wait is not None:
        error = ApiError(429, "rate_limited", _("Too many requests; wait and try again."))
        error.headers["Retry-After"] = str(wait)
        raise error
    g._login_user = token.user  # Flask-Login's current_user, for this request only
    g.api_token = token
    refresh_locale()  # messages in the token user's language, not one guessed before
    refuse_malformed_json()


def refuse_malformed_json() -> None:
    """A call that takes a JSON body refuses any other (spectree would read a form as no
    body, and a broken JSON text as `{}`): a 422 that says so."""
    if request.method in READING:
        return
    calls = spec.get_function_metadata(current_app.view_functions[request.endpoint])
    if calls is None or calls.json is None:
        return
    if request.mimetype not in ("application/json", "") or (
        request.content_length and request.get_json(silent=True) is None
    ):  # no body at all reads as `{}`: a call whose fields are all optional takes nothing
        raise invalid(_("Send the body as JSON, with Content-Type: application/json."))


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API, generated from the code."""
    return jsonify(spec.spec)


@bp.route("/docs")
def reference():
    """A readable reference of every call, made from the description on the server."""
    return render_template("api/reference.html", spec=spec.spec)
