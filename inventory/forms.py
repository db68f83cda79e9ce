"""Inventory forms. Views bind only these declared fields, never request.form as a whole."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    Field,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from app.request_values import optional_id
from inventory.models import CategoryKind, Condition, Disposition
from inventory.vocabulary import CATEGORY_KIND, CONDITION, DISPOSITION

MAX_EXTRA_ATTRIBUTES = 50
CATEGORY_LANGUAGES = ("en", "sv", "da", "nl")  # a name field each on the category form


class MoneyField(Field):
    """An amount typed the way people type it: '1 250,50', '1250.50' or '1,250.50'."""

    widget = TextInput()

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return
        if "," in text and "." in text:  # the later mark is the decimal one
            text = (
                text.replace(".", "").replace(",", ".")
                if text.rfind(",") > text.rfind(".")
                else text.replace(",", "")
            )
        else:
            text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_l("Enter an amount such as 1250 or 1 250,50.")) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise ValidationError(_l("Enter an amount from 0 up to 9,999,999,999."))
        self.data = amount.quantize(Decimal("0.01"))


def clean(text: str | None) -> str:
    """Strip a text field; a field missing from the request counts as empty."""
    return (text or "").strip()


def parse_extra(text: str) -> dict[str, str]:
    """Read 'key: value' lines into extra attributes."""
    extra: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise ValidationError(
                _l("Line %(n)d: write each attribute as 'name: value'.", n=number)
            )
        extra[key.strip()[:100]] = value.strip()[:1000]
    if len(extra) > MAX_EXTRA_ATTRIBUTES:
        raise ValidationError(_l("At most %(n)d attributes.", n=MAX_EXTRA_ATTRIBUTES))
    return extra


def format_extra(extra: dict[str, str]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in (extra or {}).items())


class ItemForm(FlaskForm):
    """The fields of an item that an edit may change."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    category_id = SelectField(_l("Category"), coerce=optional_id, validate_choice=True)
    department_id = SelectField(_l("Department"), coerce=int, validate_choice=True)
    position = StringField(
        _l("Position in the storeroom"),
        validators=[Length(max=100)],
        description=_l("A shelf, a pallet or a rack, such as Hylla 3 or Pall 12."),
    )
    place = StringField(
        _l("Place in use"),
        validators=[Length(max=200)],
        description=_l("Where the item is used, when it is not in a storeroom."),
    )
    condition = SelectField(
        _l("Condition"),
        choices=[SelectChoice(c.value, CONDITION[c]) for c in Condition],
        default=Condition.GOOD.value,
    )
    quantity = IntegerField(
        _l("Quantity"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=1_000_000)],
        description=_l("More than 1 for a lot of identical things under one label."),
    )
    serial_number = StringField(_l("Serial number"), validators=[Length(max=120)])
    manufacturer = StringField(_l("Manufacturer"), validators=[Length(max=120)])
    model = StringField(_l("Model"), validators=[Length(max=120)])
    purchase_date = DateField(_l("Purchase date"), validators=[Optional()])
    purchase_price = MoneyField(_l("Purchase price"))
    replacement_value = MoneyField(_l("Replacement value"))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10_000)])
    extra = TextAreaField(
        _l("Other attributes"),
        validators=[Length(max=20_000)],
        description=_l("One per line, as 'name: value'."),
    )
    version = HiddenField()

    def validate_extra(self, field: Field) -> None:
        field.parsed = parse_extra(field.data or "")

    def item_fields(self) -> dict:
        """The values for create_item and update_item."""
        return {
            "name": clean(self.name.data),
            "condition": Condition(self.condition.data),
            "quantity": self.quantity.data,
            "serial_number": clean(self.serial_number.data),
            "manufacturer": clean(self.manufacturer.data),
            "model": clean(self.model.data),
            "purchase_date": self.purchase_date.data,
            "purchase_price": self.purchase_price.data,
            "replacement_value": self.replacement_value.data,
            "notes": clean(self.notes.data),
            "position": clean(self.position.data),
            "place": clean(self.place.data),
            "extra": self.extra.parsed,
        }


class NewItemForm(ItemForm):
    """A new item also gets its tag and its first storeroom or place."""

    tag = StringField(
        _l("Tag"),
        validators=[Optional(), Length(max=64)],
        description=_l("Leave empty to get the next number, or type the tag already on the item."),
    )
    storeroom_id = SelectField(_l("Storeroom"), coerce=optional_id, validate_choice=True)

    def validate_place(self, field: Field) -> None:
        if self.storeroom_id.data is None and not (field.data or "").strip():
            raise ValidationError(_l("Choose a storeroom, or say where the item is in use."))


class MoveForm(FlaskForm):
    storeroom_id = SelectField(_l("To storeroom"), coerce=optional_id, validate_choice=True)
    position = StringField(
        _l("Position in the storeroom"),
        validators=[Length(max=100)],
        description=_l("A shelf, a pallet or a rack, such as Hylla 3 or Pall 12."),
    )
    place = StringField(_l("Or: in use at"), validators=[Length(max=200)])
    version = HiddenField()

    def validate_place(self, field: Field) -> None:
        if self.storeroom_id.data is None and not (field.data or "").strip():
            raise ValidationError(_l("Choose a storeroom, or say where the item is in use."))


class DisposeForm(FlaskForm):
    disposition = SelectField(
        _l("What happened to it"),
        choices=[SelectChoice(d.value, DISPOSITION[d]) for d in Disposition],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    version = HiddenField()


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"), validators=[FileRequired()])


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])


class SiteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    town = StringField(_l("Town"), validators=[Length(max=120)])
    address = StringField(_l("Address"), validators=[Length(max=300)])


class StoreroomForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(), Length(max=32)],
        description=_l("Short, printed on the storeroom's label, for example B1-04."),
    )
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    site_id = SelectField(_l("Site"), coerce=int, validate_choice=True)
    department_id = SelectField(_l("Department"), coerce=optional_id, validate_choice=True)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    parent_id = SelectField(_l("Parent"), coerce=optional_id, validate_choice=True)
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, CATEGORY_KIND[k]) for k in CategoryKind]
    )
    replacement_value = MoneyField(_l("Replacement value per unit"))
    co2e_kg = MoneyField(_l("CO2e per unit (kg)"))
    weight_kg = MoneyField(_l("Weight per unit (kg)"))
    # The name for readers of each language we speak; empty, they read the name above.
    name_en = StringField(_l("Name in English"), validators=[Length(max=200)])
    name_sv = StringField(_l("Name in Swedish"), validators=[Length(max=200)])
    name_da = StringField(_l("Name in Danish"), validators=[Length(max=200)])
    name_nl = StringField(
        _l("Name in Dutch"),
        validators=[Length(max=200)],
        description=_l("Each reader sees the category in their language, else by its name."),
    )

    def names_by_language(self) -> dict[str, str]:
        """The names given in other languages, by language code; empty ones left out."""
        typed = {code: clean(self[f"name_{code}"].data) for code in CATEGORY_LANGUAGES}
        return {code: name for code, name in typed.items() if name}

    def show_names(self, names: dict[str, str]) -> None:
        for code in CATEGORY_LANGUAGES:
            self[f"name_{code}"].data = names.get(code, "")
