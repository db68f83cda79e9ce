"""Forms of closing a listing and of choosing what the savings report shows."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.request_values import optional_id
from inventory.forms import MoneyField
from reuse.savings import Grouping

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def plausible_date(form: FlaskForm, field: DateField) -> None:
    """Years a report can span; 9999-12-31 would overflow the day after it."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Choose a date between 1900 and 2999."))


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


GROUPINGS = [
    SelectChoice(Grouping.DEPARTMENT.value, _l("Department")),
    SelectChoice(Grouping.CATEGORY.value, _l("Category")),
    SelectChoice(Grouping.MONTH.value, _l("Month")),
    SelectChoice(Grouping.QUARTER.value, _l("Quarter")),
    SelectChoice(Grouping.YEAR.value, _l("Year")),
]


class SavingsForm(FlaskForm):
    """The report's filters, read from the query string (a GET form changes nothing)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), plausible_date])
    end = DateField(_l("To"), validators=[Optional(), plausible_date])
    by = SelectField(_l("Group by"), choices=GROUPINGS, default=Grouping.DEPARTMENT.value)
    department = SelectField(_l("Department"), coerce=optional_id, validate_choice=True)
