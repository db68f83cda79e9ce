"""Forms of the import pages: the upload, the mapping with its options, the sheet."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField

from imports.mapping import EXTRA, FIELDS, IGNORE
from imports.models import ImportBatch
from inventory.vocabulary import FIELD

COLUMN_PREFIX = "column_"


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


def field_label(name: str) -> str:
    return FIELD.get(name) or {"site": _l("Site")}.get(name, name)


def target_choices() -> list[SelectChoice]:
    return [
        *(SelectChoice(name, field_label(name)) for name in FIELDS),
        SelectChoice(EXTRA, _l("Keep as an extra attribute")),
        SelectChoice(IGNORE, _l("Leave out")),
    ]


def mapping_form(batch: ImportBatch, **kwargs) -> MappingForm:
    """A MappingForm with a choice for each of the batch's columns, set to its mapping."""

    class BatchMappingForm(MappingForm):
        pass

    for index, header in enumerate(batch.headers):
        field = SelectField(header or _l("(no header)"), choices=target_choices(),
                            default=batch.mapping[index], validate_choice=True)  # fmt: skip
        setattr(BatchMappingForm, f"{COLUMN_PREFIX}{index}", field)
    return BatchMappingForm(
        create_missing=batch.create_missing, all_or_nothing=batch.all_or_nothing,
        fill_merged=batch.fill_merged, **kwargs,
    )  # fmt: skip
