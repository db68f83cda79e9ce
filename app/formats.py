"""Dates, numbers and money in the reader's locale: the one place the app formats them.

Every page, mail and notice goes through these functions (templates through the filters
registered in app/templating.py), so a reader sees one convention everywhere. Each language we
speak reads the conventions of the country our users have it from: Swedish as in Sweden,
Danish as in Denmark, Dutch as in Flanders. English, and any language we do not speak, reads
British English with ISO short dates ("2026-05-12"): never the US month-first "5/12/26".
Files written for programs (exports, feeds, JSON) keep ISO dates and plain numbers instead.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import g, has_app_context
from flask_babel import get_locale, get_timezone
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.sheets import COMMAS, CSV_STYLES, SEMICOLONS, CsvStyle
from app.timeutil import as_utc
from inventory.models import Organisation

FORMAT_LOCALES = {"en": "en_GB", "sv": "sv_SE", "da": "da_DK", "nl": "nl_BE"}
FALLBACK_LOCALE = "en_GB"
# British English writes short dates day/month/year with slashes, which a reader used to
# month/day cannot tell from their own; ISO cannot be misread.
ISO_SHORT = {"date": "yyyy-MM-dd", "datetime": "yyyy-MM-dd HH:mm"}
Number = int | float | Decimal
# The currencies offered when an organisation is set up, the first for each language's country.
CURRENCIES = ("SEK", "DKK", "EUR", "NOK", "ISK", "GBP", "CHF", "USD")
LOCAL_CURRENCY = {"sv": "SEK", "da": "DKK", "nl": "EUR"}


def reader_locale() -> Locale:
    """The locale whose conventions the reader's language uses."""
    language = get_locale() if has_app_context() else None
    code = FORMAT_LOCALES.get(language.language if language else "", FALLBACK_LOCALE)
    return Locale.parse(code)


def reader_language() -> str:
    """The language code of the current locale ("sv"); "" outside a request or mail."""
    language = get_locale() if has_app_context() else None
    return language.language if language else ""


def _pattern(kind: str, width: str, locale: Locale) -> str:
    return ISO_SHORT[kind] if width == "short" and locale.language == "en" else width


def format_day(value: date | datetime | None, width: str = "medium") -> str:
    """A day such as "12 May 2026" or "2026-05-12" (short); a moment is first put in the
    reader's time zone, so a handover at 00:30 is on the reader's day."""
    if value is None:
        return ""
    locale = reader_locale()
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(get_timezone()).date()
    return babel_dates.format_date(value, _pattern("date", width, locale), locale=locale)


def format_moment(value: datetime | None, width: str = "medium") -> str:
    """A moment in the reader's time zone, such as "2026-05-12 14:30" (short)."""
    if value is None:
        return ""
    locale = reader_locale()
    pattern = _pattern("datetime", width, locale)
    return babel_dates.format_datetime(value, pattern, tzinfo=get_timezone(), locale=locale)


def format_number(value: Number | None, pattern: str | None = None) -> str:
    """A number with the reader's digit grouping and decimal mark: "1 250,5" in Swedish."""
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, format=pattern, locale=reader_locale())


def format_money(value: Decimal | None, currency: str | None = None) -> str:
    """An amount in `currency` (by default the organisation's), as the reader writes money:
    "1 250,50 kr", "€ 1.250,50", "SEK 1,250.50". A currency Babel does not know is written
    after the number as it was given; no amount is "—"."""
    if value is None:
        return "—"
    code = organisation_currency() if currency is None else currency
    locale = reader_locale()
    if not code:
        return format_number(value, "#,##0.00")
    if not known_currency(code):
        return f"{format_number(value, '#,##0.00')} {code}"
    pattern = None
    if locale.language == "en" and babel_numbers.get_currency_symbol(code, locale) == code:
        pattern = "¤\xa0#,##0.00"  # "SEK 1,250.50", not "SEK1,250.50"
    return babel_numbers.format_currency(value, code, format=pattern, locale=locale)


def reader_csv_style(choice: str | None = None) -> CsvStyle:
    """The CSV the reader's spreadsheet opens in columns: semicolons and decimal commas where
    the locale writes a decimal comma, else commas and points; `choice` ("comma" or
    "semicolon", a link's ?sep=) overrides it."""
    if choice in CSV_STYLES:
        return CSV_STYLES[choice]
    return SEMICOLONS if babel_numbers.get_decimal_symbol(reader_locale()) == "," else COMMAS


def other_csv_style() -> CsvStyle:
    """The style the reader's spreadsheet does not expect, offered beside the usual one."""
    return COMMAS if reader_csv_style() is SEMICOLONS else SEMICOLONS


def known_currency(code: str) -> bool:
    return babel_numbers.is_currency(code)


def organisation_currency() -> str:
    """The organisation's currency code, read once per request (or app context)."""
    if not has_app_context():
        return ""
    if "organisation_currency" not in g:
        try:
            code = db.session.scalar(select(Organisation.currency).limit(1))
        except SQLAlchemyError:  # an error page must render even when the database is down
            db.session.rollback()
            code = None
        g.organisation_currency = (code or "").strip().upper()
    return g.organisation_currency
