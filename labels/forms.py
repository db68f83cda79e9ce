"""Forms for printing labels and keeping printer profiles."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from app.extensions import db
from app.formats import format_number
from app.request_values import optional_id
from labels.formats import DEFAULT_FORMAT, FORMATS, LabelFormat
from labels.models import PrinterProfile


def format_choices() -> list[SelectChoice]:
    return [SelectChoice(f.name, f"{f.name}: {format_description(f)}") for f in FORMATS.values()]


def format_description(fmt: LabelFormat) -> str:
    """What the format is, for the reader: a sheet's paper, grid and brand read alike in
    every language; a roll's words are translated."""
    if not fmt.is_roll:
        return fmt.description
    return _(
        "Roll, %(width)s × %(height)s mm (thermal printer)",
        width=format_number(fmt.label_width),
        height=format_number(fmt.label_height),
    )


class SheetForm(FlaskForm):
    """Format, printer and where on a partly used sheet to start."""

    format = SelectField(_l("Label format"), default=DEFAULT_FORMAT, validate_choice=True)
    profile = SelectField(_l("Printer profile"), coerce=optional_id, validate_choice=True)
    start = IntegerField(
        _l("Start at label"),
        default=1,
        validators=[NumberRange(min=1)],
        description=_l("On a partly used sheet: the first free label, counted left to right."),
    )

    def validate_start(self, field) -> None:
        fmt = FORMATS.get(self.format.data)
        if fmt and field.data and field.data > fmt.per_page:
            raise ValidationError(_l("This format has %(n)d labels a sheet.", n=fmt.per_page))

    def validate_profile(self, field) -> None:
        profile = self.chosen_profile()
        if profile is not None and profile.format != self.format.data:
            raise ValidationError(_l("This profile is for %(f)s labels.", f=profile.format))

    def chosen_profile(self) -> PrinterProfile | None:
        return db.session.get(PrinterProfile, self.profile.data) if self.profile.data else None


class PrintForm(SheetForm):
    copies = IntegerField(_l("Copies of each"), default=1, validators=[NumberRange(1, 20)])


class ReservedForm(SheetForm):
    count = IntegerField(
        _l("How many codes"), default=21, validators=[DataRequired(), NumberRange(1, 1000)]
    )


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    format = SelectField(_l("Label format"), default=DEFAULT_FORMAT, validate_choice=True)
    offset_x = DecimalField(
        _l("Shift right (mm)"),
        default=0,
        places=1,
        validators=[NumberRange(-20, 20)],
        description=_l("Negative moves left."),
    )
    offset_y = DecimalField(
        _l("Shift down (mm)"),
        default=0,
        places=1,
        validators=[NumberRange(-20, 20)],
        description=_l("Negative moves up."),
    )
    scale = DecimalField(
        _l("Scale"), default=1, places=3, validators=[NumberRange(0.9, 1.1)],
        description=_l("1.000 prints at true size; 0.990 shrinks by 1%."),
    )  # fmt: skip
