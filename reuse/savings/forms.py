"""The savings report's filters."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from app.request_values import optional_id
from reuse.savings.report import Grouping

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def plausible_date(form: FlaskForm, field: DateField) -> None:
    """Years a report can span; 9999-12-31 would overflow the day after it."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Choose a date between 1900 and 2999."))


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
