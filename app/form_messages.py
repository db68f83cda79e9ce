"""WTForms' own messages ("This field is required.") in the reader's language.

Flask-WTF translates them with WTForms' catalogues, which have Swedish and Dutch but no Danish,
so a Danish reader met English under every field. Our catalogues translate the messages our
forms can show, like every other string (the list below is what extraction finds); a message
they do not translate is looked up in WTForms' catalogue, as before. Flask-WTF keeps a
request's translations in `request.wtforms_translations`, filled on first use: we fill it
first, with an object that loads nothing until a form speaks.
"""

from __future__ import annotations

from babel import support
from flask import Flask, request
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from wtforms.i18n import messages_path


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction; WTForms itself chooses the form."""
    return singular, plural


WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Field must be equal to %(other_name)s."),
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ),
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
    _l("Not a valid date value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
)


class FormMessages:
    """A gettext catalogue as Flask-WTF calls it (ugettext, ungettext; WTForms formats the
    result itself): our catalogue first, then WTForms' own for the same locale."""

    def __init__(self) -> None:
        self._ours: support.NullTranslations | None = None
        self._theirs: support.NullTranslations | None = None

    def _load(self) -> tuple[support.NullTranslations, support.NullTranslations]:
        if self._ours is None or self._theirs is None:
            self._ours = get_translations()
            locale = get_locale()
            locales = [locale] if locale else []
            self._theirs = support.Translations.load(messages_path(), locales, domain="wtforms")
        return self._ours, self._theirs

    def ugettext(self, string: str) -> str:
        ours, theirs = self._load()
        text = ours.ugettext(string)
        return text if text != string else theirs.ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        ours, theirs = self._load()
        text = ours.ungettext(singular, plural, n)
        return text if text not in (singular, plural) else theirs.ungettext(singular, plural, n)


def register_form_messages(app: Flask) -> None:
    @app.before_request
    def speak_the_readers_language_in_forms() -> None:
        request.wtforms_translations = FormMessages()
