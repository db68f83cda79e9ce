"""Forms of asking for a listing and deciding on a request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.request_values import optional_id
from reuse.listings.models import Listing
from reuse.requests.models import HandoverMode


class RequestForm(FlaskForm):
    quantity = IntegerField(
        _l("How many"), default=1, validators=[InputRequired(), NumberRange(min=1)]
    )
    needed_by = DateField(_l("Needed by"), validators=[Optional()])
    deliver_to = SelectField(_l("Deliver to storeroom"), coerce=optional_id, validate_choice=True)
    deliver_place = StringField(_l("…or to this place"), validators=[Length(max=200)])
    message = TextAreaField(_l("Message"), validators=[Length(max=2000)])


def request_form(listing: Listing) -> RequestForm:
    """The form to ask for `listing`: with one unit left there is nothing to choose, so it
    does not ask how many."""
    form = RequestForm()
    if listing.available <= 1:
        del form.quantity
    return form


def requested_quantity(form: RequestForm) -> int:
    """How many the form asks for: 1 when it did not ask."""
    return form.quantity.data if "quantity" in form else 1


class DecisionForm(FlaskForm):
    message = TextAreaField(_l("Message to the requester"), validators=[Length(max=2000)])
    handover_mode = SelectField(
        _l("How it travels"),
        default="",
        choices=[
            SelectChoice("", "—"),
            SelectChoice(HandoverMode.COLLECT.value, _l("They collect it")),
            SelectChoice(HandoverMode.DELIVER.value, _l("We deliver it")),
        ],
    )
    handover_from = StringField(_l("From where"), validators=[Length(max=300)])
    handover_on = DateField(_l("Handover on"), validators=[Optional()])
    carrier = StringField(_l("Who carries it"), validators=[Length(max=200)])
