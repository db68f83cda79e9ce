"""Forms of the import pages: the upload, the mapping with its options and the choices for
the file's values, the sheet."""

import hashlib
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField

from imports.mapping import EXTRA, FIELDS, IGNORE
from imports.models import ImportBatch
from imports.resolve import NEW, Status
from inventory.models import Condition
from inventory.vocabulary import CONDITION, FIELD

COLUMN_PREFIX = "column_"
VALUE_PREFIX = "value_"


class UploadForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=_l("xlsx, xlsm, xlsb, xls, ods or CSV, as your stock list is kept."),
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: import, undo. The form carries the CSRF token."""


class SheetForm(FlaskForm):
    sheet = SelectField(_l("Sheet"), validate_choice=True)


class MappingForm(FlaskForm):
    """Options of an import, and one `column_<n>` choice per column (added by mapping_form)."""

    create_missing = BooleanField(
        _l("Create missing"),
        description=_l("Create the departments, storerooms, sites and categories the file names "
                       "that do not exist yet."),
    )  # fmt: skip
    all_or_nothing = BooleanField(
        _l("All or nothing"), description=_l("Import nothing if any row has an error.")
    )
    fill_merged = BooleanField(
        _l("Fill merged cells"),
        description=_l("Where cells are merged over several rows, use their value for every "
                       "row."),
    )  # fmt: skip

    def column_fields(self) -> list[SelectField]:
        return [f for f in self if f.name.startswith(COLUMN_PREFIX)]

    def chosen_mapping(self) -> list[str]:
        return [f.data for f in self.column_fields()]

    value_keys: dict[str, tuple[str, str]] = {}  # field name -> (kind, folded value)

    def value_field(self, kind: str, key: str) -> SelectField:
        return self[value_field_name(kind, key)]

    def chosen_values(self) -> dict[str, dict[str, str]]:
        """What the user chose for the file's values (an empty choice: as the file says)."""
        chosen: dict[str, dict[str, str]] = {}
        for name, (kind, key) in self.value_keys.items():
            if self[name].data:
                chosen.setdefault(kind, {})[key] = self[name].data
        return chosen


def field_label(name: str) -> str:
    return FIELD.get(name, name)


def target_choices() -> list[SelectChoice]:
    return [
        *(SelectChoice(name, field_label(name)) for name in FIELDS),
        SelectChoice(EXTRA, _l("Keep as an extra attribute")),
        SelectChoice(IGNORE, _l("Leave out")),
    ]


def value_field_name(kind: str, key: str) -> str:
    """A value's choice field, named by a digest: a value may hold any character."""
    return f"{VALUE_PREFIX}{kind}_{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def mapping_form(
    batch: ImportBatch, places: dict[str, list[tuple[str, str]]] | None = None, **kwargs
) -> MappingForm:
    """A MappingForm with a choice for each of the batch's columns, set to its mapping, and
    one for each value its last check listed, set to the user's choice.

    :param places: kind -> (id, name) of every place of ours of that kind, to choose from.
    """

    class BatchMappingForm(MappingForm):
        value_keys = {}

    for index, header in enumerate(batch.headers):
        field = SelectField(header or _l("(no header)"), choices=target_choices(),
                            default=batch.mapping[index], validate_choice=True)  # fmt: skip
        setattr(BatchMappingForm, f"{COLUMN_PREFIX}{index}", field)
    chosen = batch.value_choices or {}
    for kind, entries in ((batch.preview or {}).get("values") or {}).items():
        for entry in entries:
            name = value_field_name(kind, entry["key"])
            field = SelectField(
                entry["text"], choices=value_choices(kind, entry, (places or {}).get(kind, [])),
                default=chosen.get(kind, {}).get(entry["key"], ""), validate_choice=True,
            )  # fmt: skip
            setattr(BatchMappingForm, name, field)
            BatchMappingForm.value_keys[name] = (kind, entry["key"])
    return BatchMappingForm(
        create_missing=batch.create_missing, all_or_nothing=batch.all_or_nothing,
        fill_merged=batch.fill_merged, **kwargs,
    )  # fmt: skip


def value_choices(
    kind: str, entry: dict[str, Any], places: list[tuple[str, str]]
) -> list[SelectChoice]:
    """What a value of the file may be: as the file says, the places it is near or could be,
    new, or any place of ours of its kind (a condition: one of ours)."""
    status = entry["status"]
    first = SelectChoice("", _as_written(kind, entry))
    if kind == "condition":
        return [first, *(SelectChoice(c.value, CONDITION[c]) for c in Condition)]
    options = {str(id_): label for id_, label in entry["options"]}
    choices = [first, *(SelectChoice(id_, label) for id_, label in options.items())]
    if status in (Status.NEW, Status.NEAR):
        choices.append(SelectChoice(NEW, _l("New: create “%(name)s”", name=entry["text"])))
    choices += [SelectChoice(id_, label) for id_, label in places if id_ not in options]
    return choices


def _as_written(kind: str, entry: dict[str, Any]) -> Any:
    """The first choice of a value: what it is without a choice of the user's."""
    status, label = entry["status"], entry["label"]
    if kind == "condition" and label:
        label = CONDITION[Condition(label)]
    if status == Status.FOUND:
        return _l("%(name)s, as written", name=label)
    if status == Status.CHOSEN and entry["remembered"]:
        return _l("%(name)s, as chosen for an earlier file", name=label)
    if status == Status.NEW:
        return _l("New")
    if status == Status.CHOSEN:
        return _l("As the file says")
    return _l("Choose…")
