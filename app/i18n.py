"""Language and time zone for each request: the user's choice, else the browser's."""

from flask import current_app, has_request_context, request
from flask_login import current_user


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return None
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages)


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
