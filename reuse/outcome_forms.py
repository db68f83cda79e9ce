"""The form of closing a listing."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from app.request_values import optional_id
from inventory.forms import MoneyField


class CloseForm(FlaskForm):
    """How a listing ended; the choices follow the organisation's rule for the outside."""

    closing = RadioField(_l("How did it end?"), validators=[InputRequired()])
    sale_price = MoneyField(
        _l("Price received"), description=_l("Only for a sale: the whole amount received.")
    )
    partner = SelectField(_l("Partner"), coerce=optional_id, validate_choice=True)
    closed_to = StringField(
        _l("To whom"), validators=[Length(max=200)],
        description=_l("The buyer or recipient, or a partner not in the directory."),
    )  # fmt: skip
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
