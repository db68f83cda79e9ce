"""The forms of the aid pages: one step of the cycle, an aid's record, an accessory."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from reuse.aids.models import ArticleScheme
from reuse.aids.states import AidState, Step
from reuse.aids.vocabulary import SCHEME, STATE, STEP


class CheckList(SelectMultipleField):
    """The checklist as tick boxes: a ticked check passed."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StepForm(FlaskForm):
    """One step; the item page shows the fields the step needs, the service checks them."""

    step = HiddenField(validators=[AnyOf([step.value for step in Step])])
    method = StringField(_l("Cleaning method"), validators=[Optional(), Length(max=200)])
    agent = StringField(_l("Cleaning agent"), validators=[Optional(), Length(max=200)])
    passed = RadioField(_l("Result"), choices=[SelectChoice("yes", _l("Passed")), SelectChoice("no", _l("Failed"))],
                        validators=[Optional()])  # fmt: skip
    checks = CheckList(_l("Checks that passed"), choices=[], validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    to = SelectField(_l("Issued to department"), coerce=str, validate_choice=False)
    unit = StringField(_l("Unit or team (never a person's name)"),
                       validators=[Optional(), Length(max=200)])  # fmt: skip
    gap_reason = TextAreaField(_l("Why the kit may go incomplete"),
                               validators=[Optional(), Length(max=2000)])  # fmt: skip
    override_reason = TextAreaField(_l("Why this one and not the oldest ready unit"),
                                    validators=[Optional(), Length(max=2000)])  # fmt: skip


class RecordForm(FlaskForm):
    iso_class = StringField(_l("ISO 9999 class"), validators=[Optional(), Length(max=20)])
    article_scheme = SelectField(
        _l("Article number kind"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(scheme.value, label) for scheme, label in SCHEME.items()],
        validators=[Optional(), AnyOf([""] + [scheme.value for scheme in ArticleScheme])],
    )
    article_number = StringField(_l("Article number"), validators=[Optional(), Length(max=40)])


class AccessoryForm(FlaskForm):
    tag = StringField(_l("Accessory's tag"), validators=[DataRequired(), Length(max=64)])


class ServiceForm(FlaskForm):
    notes = StringField(_l("What was done"), validators=[Optional(), Length(max=500)])


class AskForm(FlaskForm):
    """What a department asks for: a category of aid (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    category = SelectField(_l("Aid asked for"), coerce=str, validate_choice=False)


class IssueForm(FlaskForm):
    """The unit chosen for a request, where it goes, and why when not the proposed one."""

    category = HiddenField(validators=[DataRequired()])
    chosen = RadioField(_l("Unit to issue"), coerce=str, validate_choice=False,
                        validators=[DataRequired(_l("Choose the unit to issue."))])  # fmt: skip
    to = SelectField(_l("Issued to department"), coerce=str, validate_choice=False,
                     validators=[DataRequired(_l("Choose the department the aid is issued to."))])  # fmt: skip
    unit = StringField(_l("Unit or team (never a person's name)"),
                       validators=[Optional(), Length(max=200)])  # fmt: skip
    reason = TextAreaField(_l("Why another unit than the proposed one"),
                           validators=[Optional(), Length(max=2000)])  # fmt: skip


class PlanForm(FlaskForm):
    """A category's plan: intervals, checklist, the days each step may take, group and kit.
    A field `days_<state>` per state is added below."""

    service_days = IntegerField(_l("Service every (days)"),
                                validators=[Optional(), NumberRange(1, 3650)])  # fmt: skip
    inspection_days = IntegerField(_l("Inspection every (days)"),
                                   validators=[Optional(), NumberRange(1, 3650)])  # fmt: skip
    checklist = TextAreaField(_l("Inspection checklist, one check a line"),
                              validators=[Optional(), Length(max=4000)])  # fmt: skip
    group = SelectField(_l("Equivalence group"), coerce=str, validate_choice=True)
    kit = CheckList(_l("A complete kit holds"), coerce=str, validate_choice=True)


for _state in AidState:
    setattr(PlanForm, f"days_{_state.value}",
            IntegerField(STATE[_state], validators=[Optional(), NumberRange(1, 365)]))  # fmt: skip


class GroupForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=120)])
    forced = BooleanField(_l("Forced: the oldest ready unit must go, unless a reason is given"))


class ScanStepForm(FlaskForm):
    """The step the scanning page's aid mode takes, and for cleaning the method used on the
    whole batch (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    step = SelectField(_l("Step"), choices=[SelectChoice(s.value, STEP[s]) for s in Step],
                       default=Step.CLEANED.value)  # fmt: skip
    method = StringField(_l("Cleaning method"), validators=[Optional(), Length(max=200)])
    agent = StringField(_l("Cleaning agent"), validators=[Optional(), Length(max=200)])
