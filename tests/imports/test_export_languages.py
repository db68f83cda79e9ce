"""An export in any language we speak imports again: its headers, condition words and the
error file's reason column mean, to the importer, what they meant when written."""

import pytest
from flask_babel import force_locale, gettext

from imports.condition_words import condition_word
from imports.export import FIELDS
from imports.header_words import IGNORE
from imports.mapping import guess_mapping, header_target
from inventory.vocabulary import CONDITION, FIELD

LANGUAGES = ["en", "sv", "da", "nl"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_export_headers_map_back_to_their_fields(app, language):
    with app.test_request_context(), force_locale(language):
        headers = [str(FIELD[field]) for field in FIELDS]
    expected = [IGNORE if field == "status" else field for field in FIELDS]
    assert guess_mapping(headers) == expected, headers


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_exported_condition_words_read_back(app, language):
    with app.test_request_context(), force_locale(language):
        words = {condition: str(label) for condition, label in CONDITION.items()}
    assert {condition: condition_word(word) for condition, word in words.items()} == {
        condition: condition for condition in words
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_error_files_reason_column_is_left_out_on_import(app, language):
    with app.test_request_context(), force_locale(language):
        header = gettext("Import error")
    assert header_target(header) == IGNORE
