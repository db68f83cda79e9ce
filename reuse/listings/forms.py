"""Forms of the listing pages: offering surplus, its window, the settings, closing it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange

from app.request_values import optional_id
from inventory.forms import MoneyField
from inventory.models import Condition, Item
from inventory.vocabulary import CONDITION
from reuse.listings.models import ExternalMode

# The reason is the offer's description outside too; where to collect it stays inside.
REASON_IS_SHOWN = _l("Partners and the public see this once the listing reaches them.")


class OfferForm(FlaskForm):
    quantity = IntegerField(
        _l("How many"), default=1, validators=[InputRequired(), NumberRange(min=1)]
    )
    reason = TextAreaField(
        _l("Why is it surplus?"), validators=[Length(max=2000)], description=REASON_IS_SHOWN
    )
    condition = SelectField(
        _l("Condition"),
        choices=[SelectChoice(c.value, CONDITION[c]) for c in Condition],
        validators=[InputRequired()],
    )
    collect_from = StringField(_l("Where to collect it"), validators=[Length(max=300)])
    asking_price = MoneyField(
        _l("Asking price outside the organisation"),
        description=_l("Only used once the listing reaches partners or the public."),
    )
    photos = MultipleFileField(
        _l("Photos"), description=_l("Added to the item's photos; the listing shows them.")
    )
    version = HiddenField()


def offer_form(item: Item) -> OfferForm:
    """The offer form for `item`, filled with what it has: a lot asks how many of its units,
    within its size; a single item has only one quantity to offer, so it is not asked."""
    form = OfferForm(condition=item.condition.value, quantity=item.quantity)
    if item.is_lot:
        form.quantity.validators = [InputRequired(), NumberRange(min=1, max=item.quantity)]
    else:
        del form.quantity
    return form


def offered_quantity(form: OfferForm) -> int:
    """How many the form offers: 1 when it did not ask."""
    return form.quantity.data if "quantity" in form else 1


class OfferManyForm(FlaskForm):
    """Offer each ticked item whole; the condition stays as recorded unless one is chosen."""

    item = SelectMultipleField(coerce=int, validate_choice=False)
    reason = TextAreaField(
        _l("Why is it surplus?"), validators=[Length(max=2000)], description=REASON_IS_SHOWN
    )
    condition = SelectField(
        _l("Condition"),
        choices=[SelectChoice("", _l("As recorded for each item"))]
        + [SelectChoice(c.value, CONDITION[c]) for c in Condition],
    )
    collect_from = StringField(_l("Where to collect it"), validators=[Length(max=300)])
    asking_price = MoneyField(_l("Asking price outside the organisation, each"))


class WindowForm(FlaskForm):
    ends_on = DateField(_l("Offered at this level until"), validators=[InputRequired()])


class SettingsForm(FlaskForm):
    department_days = IntegerField(
        _l("Days for the owning department"), validators=[InputRequired(), NumberRange(0, 365)]
    )
    organisation_days = IntegerField(
        _l("Days for the whole organisation"), validators=[InputRequired(), NumberRange(0, 365)]
    )
    partner_days = IntegerField(
        _l("Days for partner organisations"), validators=[InputRequired(), NumberRange(0, 365)]
    )
    external_mode = SelectField(
        _l("Outside the organisation, surplus may be"),
        choices=[
            SelectChoice(ExternalMode.BOTH.value, _l("given away or sold")),
            SelectChoice(ExternalMode.GIVE.value, _l("given away only")),
            SelectChoice(ExternalMode.SELL.value, _l("sold only")),
        ],
    )


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
