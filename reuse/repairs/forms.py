"""Forms of the repair pages, the partner's included; every one carries its CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange

from app.request_values import optional_id
from inventory.forms import MoneyField
from inventory.models import Item
from reuse.repairs.models import LineKind, RepairOutcome, RepairPlace
from reuse.repairs.services import Line
from reuse.repairs.vocabulary import LINE_KIND, OUTCOME, PLACE


class SendForm(FlaskForm):
    fault = TextAreaField(_l("What is wrong?"), validators=[InputRequired(), Length(max=2000)])
    place = RadioField(_l("Repaired where"), default=RepairPlace.WORKSHOP.value,
                       choices=[SelectChoice(p.value, PLACE[p]) for p in RepairPlace])  # fmt: skip
    partner_id = SelectField(_l("Partner"), coerce=optional_id, validate_choice=True,
                             description=_l("For a repair at a partner: it gets a link to the "
                                            "job, without an account."))  # fmt: skip
    estimated_cost = MoneyField(_l("Estimated cost"))
    quantity = IntegerField(_l("How many units"), default=1,
                            validators=[InputRequired(), NumberRange(min=1)])  # fmt: skip
    photos = MultipleFileField(_l("Photos"), description=_l("Of the fault; added to the "
                                                             "item's photos."))  # fmt: skip


def send_form(item: Item, partners: list) -> SendForm:
    """The form for `item`: a lot asks how many of its units, a single item is not asked."""
    form = SendForm()
    form.partner_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(p.id, p.name) for p in partners
    ]
    if item.is_lot:
        form.quantity.validators = [InputRequired(), NumberRange(min=1, max=item.quantity)]
    else:
        del form.quantity
    return form


class QuoteForm(FlaskForm):
    cost = MoneyField(_l("Quoted cost"), validators=[InputRequired()])
    note = TextAreaField(_l("What the quote covers"), validators=[Length(max=2000)])


class LineForm(FlaskForm):
    kind = RadioField(_l("Part or labour"), default=LineKind.PART.value,
                      choices=[SelectChoice(k.value, LINE_KIND[k]) for k in LineKind])  # fmt: skip
    description = StringField(_l("Description"), validators=[InputRequired(), Length(max=200)])
    amount = MoneyField(_l("Hours or quantity"), default=1, validators=[InputRequired()])
    cost = MoneyField(_l("Cost"), validators=[InputRequired()])

    def line(self) -> Line:
        return Line(LineKind(self.kind.data), self.description.data or "", self.amount.data,
                    self.cost.data)  # fmt: skip


class ReturnForm(FlaskForm):
    outcome = RadioField(_l("Where it goes now"), default=RepairOutcome.TO_STOCK.value,
                         choices=[SelectChoice(o.value, OUTCOME[o]) for o in RepairOutcome])  # fmt: skip


class WriteOffForm(FlaskForm):
    reason = TextAreaField(_l("Why is it written off?"),
                           validators=[InputRequired(), Length(max=2000)])  # fmt: skip
