"""The form that makes an API token on the account page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.api.tokens import SCOPE_LABELS, TokenScope

# Days a new token lives; "" never expires. A short life is the default: a token left in a
# script nobody runs any more should stop working by itself.
LIFETIMES = (
    SelectChoice("90", _l("90 days")),
    SelectChoice("30", _l("30 days")),
    SelectChoice("365", _l("1 year")),
    SelectChoice("", _l("Never")),
)


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(), Length(max=100)],
        description=_l("What the token is for, such as the finance system's nightly sync."),
    )
    scope = SelectField(
        _l("Access"),
        choices=[SelectChoice(scope.value, SCOPE_LABELS[scope]) for scope in TokenScope],
        default=TokenScope.READ.value,
    )
    lifetime = SelectField(_l("Expires after"), choices=LIFETIMES, default="90")
