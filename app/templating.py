"""Helpers available in every template."""

from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from app.auth.roles import ROLE_LABELS, Role
from app.extensions import db
from app.formats import (
    format_day,
    format_moment,
    format_money,
    format_number,
    other_csv_style,
    reader_language,
)
from app.sheets import COMMAS, SEMICOLONS
from inventory import vocabulary
from inventory.models import Category, Organisation

CSV_STYLE_LABELS = {
    COMMAS.name: _l("CSV with commas and decimal points"),
    SEMICOLONS.name: _l("CSV with semicolons and decimal commas"),
}


def csv_alternative() -> tuple[str, str]:
    """The ?sep= value and link text of the CSV style the reader's spreadsheet does not
    expect, offered beside every CSV download."""
    style = other_csv_style()
    return style.name, str(CSV_STYLE_LABELS[style.name])


def category_name(category: Category) -> str:
    """The category's name in the reader's language, where the organisation gave one."""
    return category.name_in(reader_language())


def category_path(category: Category) -> str:
    return category.path_in(reader_language())


# url_for's own keywords: a query argument of that name would change the link, or crash it.
URL_FOR_RESERVED = frozenset({"endpoint", "_method", "_external", "_anchor", "_scheme"})


def query_args(**changes: Any) -> dict[str, Any]:
    """The current query arguments, safe to pass on to url_for, with some replaced (None
    removes one). url_for's own keywords are dropped: `?endpoint=x` would crash it."""
    args = {**request.args.to_dict(), **changes}
    return {k: v for k, v in args.items() if v is not None and k not in URL_FOR_RESERVED}


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments replaced; None removes an argument."""
    return url_for(request.endpoint, **(request.view_args or {}), **query_args(**changes))


def public_url(endpoint: str, **values: Any) -> str:
    """A full address for a link we send or show to copy: from PUBLIC_BASE_URL, never from the
    request's Host header, which the client sets (a forged one would send a reset link's token
    to someone else's server)."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def register_template_helpers(app: Flask) -> None:
    # Flask-Babel's own date filters would write English dates the US way: theirs are ours.
    app.jinja_env.filters.update(
        dateformat=format_day, datetimeformat=format_moment, number=format_number
    )
    for name in ("timeformat", "timedeltaformat"):
        app.jinja_env.filters.pop(name, None)
    app.jinja_env.globals.update(
        get_locale=get_locale,
        vocabulary=vocabulary,
        format_money=format_money,
        csv_alternative=csv_alternative,
        category_name=category_name,
        category_path=category_path,
        url_with=url_with,
        query_args=query_args,
        public_url=public_url,
        role_labels=ROLE_LABELS,
        Role=Role,
    )

    @app.context_processor
    def organisation():
        def organisation_name() -> str:
            if g.get("database_unreachable"):  # the 503 page asks no more of it
                return "Reshelf"
            try:
                org = db.session.scalar(db.select(Organisation).limit(1))
            except SQLAlchemyError:  # the error page must render even when the database is down
                db.session.rollback()
                return "Reshelf"
            return org.name if org else "Reshelf"

        return {"organisation_name": organisation_name}
