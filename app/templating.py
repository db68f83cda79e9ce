"""Helpers available in every template."""

from decimal import Decimal

from flask import Flask, request, url_for
from flask_babel import format_decimal, get_locale
from sqlalchemy.exc import SQLAlchemyError

from app.auth.roles import ROLE_LABELS, Role
from app.extensions import db
from inventory import vocabulary
from inventory.models import Organisation


def format_money(value: Decimal | None, currency: str = "") -> str:
    if value is None:
        return "—"
    return f"{format_decimal(value, format='#,##0.00')} {currency}".strip()


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced; None removes an argument."""
    args = request.args.to_dict()
    args.update(changes)
    args = {k: v for k, v in args.items() if v is not None}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        get_locale=get_locale,
        vocabulary=vocabulary,
        format_money=format_money,
        url_with=url_with,
        role_labels=ROLE_LABELS,
        Role=Role,
    )

    @app.context_processor
    def organisation():
        def organisation_name() -> str:
            try:
                org = db.session.scalar(db.select(Organisation).limit(1))
            except SQLAlchemyError:  # the error page must render even when the database is down
                db.session.rollback()
                return "Reshelf"
            return org.name if org else "Reshelf"

        return {"organisation_name": organisation_name}
