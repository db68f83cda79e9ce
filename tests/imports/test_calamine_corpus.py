"""python-calamine's own test files, real-world quirks of every format: each is read, or
refused for its own reason, never crashes (tests/corpus.py fetches them once).

bench/read_corpus.py does the same by hand over any folders, calamine's test files too.
"""

import pytest

from imports.reading import ImportRejected, _workbook_rows, read_table
from imports.workbooks import open_workbook
from tests import corpus as fetching
from tests.corpus import CorpusMissing, python_calamine_corpus

NO_HEADER = "could not find the header row"
PASSWORD = "protected with a password"
EMPTY = "The file is empty"
# Per file: ("read", sheet, data rows) or ("refused", what the message says).
EXPECTED = {
    "any_sheets.ods": ("refused", NO_HEADER),  # numbers only, no header we know
    "any_sheets.xls": ("refused", NO_HEADER),
    "any_sheets.xlsb": ("refused", NO_HEADER),
    "any_sheets.xlsx": ("refused", NO_HEADER),
    "base.ods": ("refused", NO_HEADER),  # a row of every type of cell, no header
    "base.xls": ("refused", NO_HEADER),
    "base.xlsb": ("refused", NO_HEADER),
    "base.xlsx": ("refused", NO_HEADER),
    "empty_file.ods": ("refused", EMPTY),  # 0 bytes
    "empty_file.xlsb": ("refused", EMPTY),
    "empty_file.xlsx": ("refused", EMPTY),
    "issue139.xlsx": ("refused", NO_HEADER),  # a date column of serials out of range
    "password.ods": ("refused", PASSWORD),
    "password.xls": ("refused", PASSWORD),
    "password.xlsb": ("refused", PASSWORD),
    "password.xlsx": ("refused", PASSWORD),
    "table-multiple.xlsx": ("read", "Sheet1", 4),  # Item, Type, Quantity
}


@pytest.fixture(scope="module")
def corpus():
    try:
        return python_calamine_corpus()
    except CorpusMissing as missing:
        pytest.fail(f"python-calamine's test files are needed and missing: {missing}")


def test_the_corpus_is_the_one_the_expectations_are_for(corpus):
    assert sorted(path.name for path in corpus.iterdir() if path.name != ".complete") == sorted(
        EXPECTED
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_file_is_read_or_refused_for_its_own_reason(app, corpus, name):
    expected = EXPECTED[name]
    with app.test_request_context():
        try:
            table = read_table((corpus / name).read_bytes(), name, max_rows=1000)
        except ImportRejected as refusal:
            assert expected[0] == "refused", f"{name} refused: {refusal}"
            assert expected[1] in str(refusal)
            return
    assert ("read", table.sheet, len(table.rows)) == expected


@pytest.mark.parametrize("sheet", ["Sheet1", "Merged Cells"])
def test_one_workbook_saved_as_xls_xlsb_and_xlsx_reads_as_the_same_cells(corpus, sheet):
    """base.* hold the same sheets: a row of every type of cell, and cells merged over rows.
    The merged ranges of the .xlsb are read by us (calamine has none for it)."""
    read = {}
    for extension in ("xls", "xlsb", "xlsx"):
        pieces = open_workbook((corpus / f"base.{extension}").read_bytes()).sheet(sheet)
        rows = list(_workbook_rows(pieces))
        read[extension] = (rows, pieces.merges)
    assert read["xls"] == read["xlsb"] == read["xlsx"]
    assert read["xls"][0] or read["xls"][1]  # something was read


def test_a_corpus_that_cannot_be_fetched_or_is_not_the_pinned_one_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(fetching, "FOLDER", tmp_path / "corpus")
    monkeypatch.setattr(fetching, "URL", "http://127.0.0.1:9/python_calamine.tar.gz")
    with pytest.raises(CorpusMissing, match="Could not download"):
        python_calamine_corpus()
    other = tmp_path / "other.tar.gz"
    other.write_bytes(b"not the archive")
    monkeypatch.setattr(fetching, "URL", other.as_uri())
    with pytest.raises(CorpusMissing, match="not the pinned"):
        python_calamine_corpus()
    assert not (tmp_path / "corpus").exists()
