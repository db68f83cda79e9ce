"""Forms of the outside tiers: the partner directory, and interest from outsiders.

The interest form carries two guards against bots that need no outside service: a field
people never see (a bot filling every field fills it too), and the time the form was shown,
signed so it cannot be forged: a form sent back within seconds was not read by a person, and
a very old one is asked for again.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from reuse.outside.models import PartnerKind

PARTNER_KIND = {
    PartnerKind.PUBLIC_BODY: _l("Public body"),
    PartnerKind.SOCIAL_ENTERPRISE: _l("Social enterprise"),
    PartnerKind.SECOND_HAND: _l("Second-hand shop"),
    PartnerKind.REPAIR: _l("Repair partner"),
}


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in PARTNER_KIND.items()],
    )
    town = StringField(_l("Town"), validators=[Length(max=120)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    notes = TextAreaField(
        _l("Notes"), validators=[Length(max=2000)],
        description=_l("Only seen inside the organisation."),
    )  # fmt: skip


class InterestForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    message = TextAreaField(_l("Message"), validators=[Length(max=2000)])
    website = StringField(_l("Leave this field empty"))  # the trap: hidden from people
    started = HiddenField()  # signed time the form was shown
