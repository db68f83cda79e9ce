"""Reading an upload takes bounded memory, whatever the file declares (T-A1, T-A3, T-A6).

Each file is generated here (tests/bombs.py) and read in a child process whose peak memory is
measured: a sheet declaring 450 MB of small cells is checked by the real job in under 400 MB,
reading stopping at the row cap; a shared string copied into every cell, nested entities, a
zip stating less than it holds, and a zip of 50,000 entries are read or refused within 100 MB,
as are .xls and .ods files that calamine, which reads them whole, would make gigabytes of.
"""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import jobs, services
from imports.models import ImportBatch, JobKind
from inventory.models import Item
from tests import bombs

CHECK_LIMIT_MB = 400
READ_INCREASE_MB = 100

CHECK = """
from app import create_app
from imports import jobs
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
jobs.run(app, int(sys.argv[2]), "check", token=sys.argv[4], user_id=int(sys.argv[3]), locale="en")
print(json.dumps({"peak": peak_mb()}))
"""

READ = """
from app import create_app
from imports.reading import ImportRejected, read_table
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
data = open(sys.argv[1], "rb").read()
base = peak_mb()
with app.test_request_context():
    try:
        outcome = f"{len(read_table(data, sys.argv[2], max_rows=200_000).rows)} rows"
    except ImportRejected as refusal:
        outcome = str(refusal)
print(json.dumps({"increase": peak_mb() - base, "outcome": outcome}))
"""


@pytest.fixture(scope="module")
def cells_450_mb(tmp_path_factory) -> bytes:
    """Rows of small cells declaring 450 MB of XML: about 4 million rows, a 38 MB upload."""
    path = tmp_path_factory.mktemp("bombs") / "cells.xlsx"
    return bombs.xlsx(path, bombs.rows_far_past_the_cap(450_000_000)).read_bytes()


def read_in_child(tmp_path, data: bytes, name: str = "upload.xlsx") -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return bombs.measured(READ, str(path), name)


def test_checking_a_sheet_declaring_450_mb_of_cells_stays_under_400_mb(
    app, db_session, make_user, cells_450_mb
):
    """The audit's case: reading stopped at the row cap only after holding the whole sheet
    (1.3 GB). The check runs as the page runs it, in a job, here in a process of its own."""
    assert zipfile.ZipFile(io.BytesIO(cells_450_mb)).getinfo(bombs.SHEET).file_size > 450e6
    batch, child = check_in_child(
        app, db_session, make_user(Role.MANAGER), cells_450_mb, "cells.xlsx"
    )
    assert (
        batch.job is None and batch.job_error == "Too many rows (at most 200000). Split the file."
    )
    assert child["peak"] < CHECK_LIMIT_MB, child
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0


def check_in_child(app, db_session, user, data: bytes, name: str) -> tuple[ImportBatch, dict]:
    """Check an upload as the page does, by the real job, in a process of its own."""
    batch = services.store_upload(db_session, data, name, user=user, now=utcnow())
    db_session.commit()
    with app.app_context():
        token = jobs.claim(batch.id, JobKind.CHECK, now=utcnow(), limit=jobs.stall_limit(app))
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    child = bombs.measured(CHECK, url, str(batch.id), str(user.id), token)
    db_session.expire_all()
    return db_session.get(ImportBatch, batch.id), child


def test_a_wide_sheet_of_distinct_texts_is_checked_under_400_mb(
    app, db_session, make_user, tmp_path
):
    """12,000 rows of 98 columns we have no field for, every cell a text of its own: the
    check remembered each column's cells to parse each once (700 MB at 24,000 rows), where
    nothing repeats; such columns are now parsed cell by cell."""
    data = bombs.xlsx(tmp_path / "wide.xlsx", bombs.distinct_texts(12_000, 100)).read_bytes()
    batch, child = check_in_child(app, db_session, make_user(Role.MANAGER), data, "wide.xlsx")
    assert batch.job_error is None and batch.preview["counts"]["new"] == 12_000
    assert child["peak"] < CHECK_LIMIT_MB, child


def test_a_sheet_holding_more_than_a_check_may_is_refused_while_read(tmp_path):
    """24,000 such rows hold 200 MB as Python objects, under the row and cell caps: refused
    once what the table holds passes cell_columns.TABLE_BYTES, before any check."""
    data = bombs.xlsx(tmp_path / "wider.xlsx", bombs.distinct_texts(24_000, 100)).read_bytes()
    child = read_in_child(tmp_path, data)
    assert child["outcome"] == (
        "The file holds too much to check at once. Split it into smaller files, or leave out "
        "the columns you do not need."
    )
    assert child["increase"] < 250, child


def test_a_shared_string_copied_into_every_cell_is_read_a_slice_at_a_time(tmp_path):
    """20,000 cells showing one 32,000-character string: 640 MB as calamine reads a sheet."""
    rows, strings = bombs.one_string_in_every_cell(20_000, 32_000)
    data = bombs.xlsx(tmp_path / "copies.xlsx", rows, strings=strings).read_bytes()
    child = read_in_child(tmp_path, data)
    assert child["outcome"] == "20000 rows"
    assert child["increase"] < READ_INCREASE_MB, child


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: bombs.xls_one_string_in_every_cell(20_000, 30_000), id="xls"),
        pytest.param(lambda: bombs.ods_one_text_repeated(20_000, 30_000), id="ods"),
    ],
)
def test_a_text_copied_into_every_cell_of_a_sheet_read_whole_is_refused_unread(tmp_path, data):
    """.xls and .ods are read whole by calamine, every sheet at once: 600 MB of copies of one
    string, from files of 300 kB and 1 kB (1.4 GB and 55 s for the .ods, read)."""
    child = read_in_child(tmp_path, data())
    assert child["outcome"] == (
        "This sheet is too large to read in this format. Save it as .xlsx, or split it."
    )
    assert child["increase"] < READ_INCREASE_MB, child


def test_a_csv_is_decoded_as_it_is_read_not_whole(tmp_path):
    """46 MB of text with an emoji on every line would be a 185 MB string decoded whole (four
    bytes a character), and as much again in the reader's buffer."""
    line = "Stol {};{};" + "Sliten men hel. " * 14 + "\U0001f600\n"
    text = "Name;Quantity;Notes\n" + "".join(line.format(n, n % 9) for n in range(190_000))
    child = read_in_child(tmp_path, text.encode(), "list.csv")
    assert child["outcome"] == "190000 rows"
    assert child["increase"] < READ_INCREASE_MB, child


def test_nested_entities_in_shared_strings_are_refused_in_bounded_memory(tmp_path):
    """T-A1: the billion laughs, in the part calamine reads when it opens a workbook."""
    data = bombs.xlsx(tmp_path / "laughs.xlsx", [bombs.HEADER], strings=bombs.billion_laughs())
    child = read_in_child(tmp_path, data.read_bytes())
    assert child["outcome"] == "The file is not a valid spreadsheet."
    assert child["increase"] < READ_INCREASE_MB, child


@pytest.mark.parametrize("part", [bombs.SHEET, bombs.STRINGS])
def test_a_zip_stating_less_than_it_holds_is_refused_in_bounded_memory(tmp_path, part):
    """T-A3/T-A4: the central directory (and local header) state 1 kB of a part that unpacks
    to far more; the pre-check, which trusts the stated sizes, lets it through."""
    rows, strings = bombs.one_string_in_every_cell(100_000, 2_000)
    whole = bombs.xlsx(tmp_path / "whole.xlsx", rows, strings=strings).read_bytes()
    child = read_in_child(tmp_path, bombs.with_declared_size(whole, part, 1_000))
    assert child["outcome"].startswith("The file is damaged"), child
    assert child["increase"] < READ_INCREASE_MB, child


def test_a_zip_of_50000_tiny_entries_is_refused_in_bounded_memory(tmp_path):
    """T-A3: refused by the pre-check, from the central directory alone."""
    child = read_in_child(tmp_path, bombs.many_entries(50_000))
    assert child["outcome"] == "The file expands beyond the limit we accept."
    assert child["increase"] < READ_INCREASE_MB, child
