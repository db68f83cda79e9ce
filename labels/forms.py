"""Forms for printing labels and keeping printer profiles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from labels.formats import DEFAULT_FORMAT, FORMATS


def format_choices() -> list[SelectChoice]:
    return [SelectChoice(f.name, f"{f.name}: {f.description}") for f in FORMATS.values()]


def optional_id(value) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class PrintForm(FlaskForm):
    format = SelectField(_l("Label format"), default=DEFAULT_FORMAT, validate_choice=True)
    profile = SelectField(_l("Printer profile"), coerce=optional_id, validate_choice=True)
    start = IntegerField(
        _l("Start at label"),
        default=1,
        validators=[NumberRange(min=1)],
        description=_l("On a partly used sheet: the first free label, counted left to right."),
    )
    copies = IntegerField(_l("Copies of each"), default=1, validators=[NumberRange(1, 20)])

    def validate_start(self, field) -> None:
        fmt = FORMATS.get(self.format.data)
        if fmt and field.data and field.data > fmt.per_page:
            raise ValidationError(_l("This format has %(n)d labels a sheet.", n=fmt.per_page))


class ReservedForm(FlaskForm):
    count = IntegerField(
        _l("How many codes"), default=21, validators=[DataRequired(), NumberRange(1, 1000)]
    )
    format = SelectField(_l("Label format"), default=DEFAULT_FORMAT, validate_choice=True)
    profile = SelectField(_l("Printer profile"), coerce=optional_id, validate_choice=True)
    start = IntegerField(_l("Start at label"), default=1, validators=[NumberRange(min=1)])


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
