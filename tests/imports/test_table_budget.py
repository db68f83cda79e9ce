"""What a table read whole holds is counted as it is read, each distinct text once, and a
table past cell_columns.TABLE_BYTES is refused: a stock list repeats its values and is held in
little, a sheet of distinct texts is not (tests/imports/test_read_memory.py measures both)."""

import pytest

from imports import cell_columns
from imports.reading import ImportRejected, read_table
from tests.imports.importing import xlsx

ROWS = 20_000


@pytest.fixture
def small_budget(monkeypatch):
    """A budget of 4 MB: 20,000 rows of three cells take 3 MB before their texts."""
    monkeypatch.setattr(cell_columns, "TABLE_BYTES", 4_000_000)


@pytest.mark.parametrize("name", ["list.csv", "list.xlsx"])
def test_texts_that_repeat_are_counted_once_and_distinct_ones_each(app, small_budget, name):
    repeated = [["Name", "Condition", "Notes"]] + [["Chair", "Good", "worn " * 8]] * ROWS
    distinct = [["Name", "Condition", "Notes"]] + [
        [f"Chair {n}", "Good", f"worn {n} " + "x" * 30] for n in range(ROWS)
    ]
    with app.test_request_context():
        assert len(read_table(_file(repeated, name), name, max_rows=200_000).rows) == ROWS
        with pytest.raises(ImportRejected, match="holds too much to check at once"):
            read_table(_file(distinct, name), name, max_rows=200_000)


def _file(rows: list[list[str]], name: str) -> bytes:
    if name.endswith(".xlsx"):
        return xlsx(rows)
    return "".join(";".join(row) + "\n" for row in rows).encode()
