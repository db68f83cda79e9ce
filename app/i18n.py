"""Language and time zone for each request: the user's choice, else the browser's."""

from flask import current_app, has_request_context, request
from flask_login import current_user

# Each language by its own name, as a reader looks for it in a list.
LANGUAGE_NAMES = {"en": "English", "sv": "Svenska", "da": "Dansk", "nl": "Nederlands"}


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return None
    chosen = current_user.language if current_user and current_user.is_authenticated else ""
    if chosen:  # one we no longer speak reads English, as the account page then says
        return spoken(chosen)
    return request.accept_languages.best_match(languages)


def spoken(language: str | None) -> str | None:
    """`language` if Reshelf speaks it, else None (read English): a user's stored choice may
    name a language dropped since, or one no locale library knows, which must not fail a
    page or a mail."""
    return language if language in current_app.config["LANGUAGES"] else None


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def language_not_spoken() -> str | None:
    """The language the user chose, or their browser asks for, that we do not speak and so
    answer in English; None when the pages are in the language asked for."""
    languages = current_app.config["LANGUAGES"]
    chosen = current_user.language if current_user.is_authenticated else ""
    if chosen:
        return None if chosen in languages else chosen
    asked = [tag for tag, _quality in request.accept_languages]
    if not asked or request.accept_languages.best_match(languages) is not None:
        return None
    return asked[0]
