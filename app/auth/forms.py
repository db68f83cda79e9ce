"""Account forms. Only declared fields are ever read from a request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from app.auth.roles import Role
from app.auth.services import MIN_PASSWORD_LENGTH
from app.formats import CURRENCIES
from app.i18n import LANGUAGE_NAMES

LANGUAGE_CHOICES = [SelectChoice("", _l("Browser default"))] + [
    SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()
]


def new_password_fields():
    password = PasswordField(
        _l("Password"), validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    return password, confirm


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class SetupForm(FlaskForm):
    organisation = StringField(_l("Organisation"), validators=[InputRequired(), Length(max=200)])
    department = StringField(
        _l("Your department"),
        validators=[InputRequired(), Length(max=200)],
        description=_l("For example: Facilities, or the school or health centre you work for."),
    )
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    password, confirm = new_password_fields()
    currency = SelectField(
        _l("Currency"),
        choices=[SelectChoice(code, code) for code in CURRENCIES],
        default="SEK",
        description=_l("Prices, values and savings are in this currency."),
    )


class SetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    password, confirm = new_password_fields()


class PreferencesForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.value) for r in Role])
    department_id = SelectField(_l("Department"), coerce=int, validate_choice=True)
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
