"""Forms of the demand pages: a wish, a watch, and checking before buying."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.request_values import optional_id
from reuse.demand.models import BuyCheckOutcome


class WishForm(FlaskForm):
    category = SelectField(_l("Category"), coerce=optional_id, validate_choice=True)
    words = StringField(
        _l("Words in the name"), validators=[Length(max=200)],
        description=_l("All of them must appear, for example: standing desk"),
    )  # fmt: skip
    site = SelectField(_l("Only at this site"), coerce=optional_id, validate_choice=True)


class WatchForm(FlaskForm):
    """Watch (on=1) or stop watching (on=0): saying it, not toggling, so a double click
    does not undo itself."""

    on = HiddenField(validators=[InputRequired()])


class CheckSearchForm(FlaskForm):
    """What the user is about to buy; a GET form, so the results page can be shared."""

    class Meta:
        csrf = False

    category = SelectField(_l("Category"), coerce=optional_id, validate_choice=True)
    words = StringField(_l("Words in the name"), validators=[Length(max=200)])
    quantity = IntegerField(
        _l("How many do you need?"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=100_000)],
    )


class CheckAnswerForm(FlaskForm):
    """The answer, recorded with the search it answers."""

    category = SelectField(coerce=optional_id, validate_choice=True)
    words = StringField(validators=[Length(max=200)])
    quantity = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=100_000)])
    outcome = RadioField(
        _l("What did you find?"),
        choices=[
            SelectChoice(BuyCheckOutcome.FOUND_REQUESTED.value, _l("Found it, and asked for it")),
            SelectChoice(
                BuyCheckOutcome.NOTHING_SUITABLE.value, _l("Nothing suitable: buying new")
            ),
        ],
        validators=[InputRequired(_l("Choose an answer."))],
    )
    listing = SelectField(_l("Which listing?"), coerce=optional_id, validate_choice=True)
