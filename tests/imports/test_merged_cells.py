"""Merged cells (T-A11): a value merged over rows of the data is never imported as blanks.

The file is refused with the column and rows, unless the user asks for the value to be used
for every row of the range; a title merged over the columns above the header reads as before.
"""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services
from imports.models import ImportBatch
from imports.reading import ImportRejected, read_table
from inventory.models import Department, Item
from tests.imports.test_import_pages import finished, recheck, upload
from tests.imports.test_reading_speedpaths import cell, ods, row

HEADER = ["Name", "Department", "Quantity"]


def stock_list(*merges: str, title: bool = True) -> bytes:
    """A title merged over the columns, a blank row, the header on row 3, data from row 4;
    Parks merged over rows 4-6 of column B when asked (as people merge a department)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Stock list 2024" if title else None])
    sheet.append([])
    sheet.append(HEADER)
    for name, department, quantity in [("Chair", "Parks", 1), ("Desk", None, 2),
                                       ("Lamp", None, 3), ("Shelf", "Schools", 4)]:  # fmt: skip
        sheet.append([name, department, quantity])
    sheet.merge_cells("A1:C1")
    for merged in merges:
        sheet.merge_cells(merged)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(db_session, user, data: bytes, name: str, *, fill: bool = False):
    batch, table = services.start_batch(db_session, data, name, user=user, sheet=None,
                                        now=utcnow(), max_rows=1000, fill_merged=fill)  # fmt: skip
    batch.create_missing = True
    plan = services.commit(db_session, batch, table, user=user, now=utcnow(),
                           tag_prefix="INV-", tag_digits=6)  # fmt: skip
    db_session.commit()
    return plan


def departments_by_name(db_session) -> dict[str, str | None]:
    query = select(Item.name, Department.name).join(Department, isouter=True)
    return dict(db_session.execute(query).all())


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def test_a_title_merged_over_the_columns_reads_as_before(app):
    with app.test_request_context():
        table = read_table(stock_list(), "list.xlsx", max_rows=100)
    assert table.header_row == 3 and table.headers == HEADER
    assert table.merged == [] and table.merged_filled == 0
    assert [cells for _, cells in table.rows][1] == ("Desk", None, 2)


def test_a_department_merged_over_rows_refuses_the_file_and_writes_nothing(
    app, db_session, manager
):
    data = stock_list("B4:B6")
    with app.test_request_context(), pytest.raises(ImportRejected) as refused:
        run(db_session, manager, data, "merged.xlsx")
    assert str(refused.value) == (
        "Merged cells in column Department, rows 4–6: unmerge them, or tick “Fill merged "
        "cells” to use the value for every row."
    )
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0


def test_fill_merged_cells_gives_every_row_of_the_range_its_value(app, db_session, manager):
    with app.test_request_context():
        plan = run(db_session, manager, stock_list("B4:B6"), "merged.xlsx", fill=True)
    assert plan.counts["new"] == 4 and plan.errors == []
    assert departments_by_name(db_session) == {
        "Chair": "Parks", "Desk": "Parks", "Lamp": "Parks", "Shelf": "Schools"
    }  # fmt: skip


def test_a_range_over_rows_and_columns_fills_the_column_of_its_value(app):
    with app.test_request_context():
        table = read_table(stock_list("B4:C5"), "list.xlsx", max_rows=100, fill_merged=True)
    assert [cells for _, cells in table.rows][:2] == [("Chair", "Parks", None),
                                                     ("Desk", "Parks", None)]  # fmt: skip
    assert table.merged_filled == 1


def test_a_merged_range_with_nothing_in_it_is_not_a_problem(app):
    data = stock_list("C5:C6")  # Desk and Lamp have quantities; the range shows Desk's 2
    with app.test_request_context():
        assert read_table(data, "list.xlsx", max_rows=100).merged != []
    book = openpyxl.load_workbook(io.BytesIO(stock_list()))
    book.active["B5"] = book.active["B6"] = None
    book.active.merge_cells("B5:B6")  # an empty department merged over two rows
    out = io.BytesIO()
    book.save(out)
    with app.test_request_context():
        assert read_table(out.getvalue(), "list.xlsx", max_rows=100).merged == []


def test_a_heading_merged_down_into_the_data_is_refused_even_when_filling(app, db_session, manager):
    data = stock_list("B3:B5")
    with app.test_request_context(), pytest.raises(ImportRejected, match="heading Department"):
        run(db_session, manager, data, "merged.xlsx", fill=True)


def test_cells_merged_over_rows_in_an_ods_file_are_found_and_filled(app, db_session, manager):
    spanned = '<table:table-cell table:number-rows-spanned="2" office:value-type="string">' \
              "<text:p>Parks</text:p></table:table-cell>"  # fmt: skip
    data = ods(
        row(cell("string", "Name"), cell("string", "Department"))
        + row(cell("string", "Chair"), spanned)
        + row(cell("string", "Desk"), "<table:covered-table-cell/>")
        + row(cell("string", "Lamp"), cell("string", "Schools"))
    )  # fmt: skip
    with app.test_request_context(), pytest.raises(ImportRejected, match="rows 2–3"):
        run(db_session, manager, data, "lager.ods")
    db_session.rollback()
    with app.test_request_context():
        run(db_session, manager, data, "lager.ods", fill=True)
    assert departments_by_name(db_session) == {"Chair": "Parks", "Desk": "Parks",
                                               "Lamp": "Schools"}  # fmt: skip


def test_the_import_command_names_the_merged_cells_and_fills_them_when_asked(
    runner, db_session, manager, tmp_path
):
    path = tmp_path / "merged.xlsx"
    path.write_bytes(stock_list("B4:B6"))
    args = ["import", str(path), "--create-missing", "--user", manager.email]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0
    assert "Merged cells in column Department, rows 4–6" in refused.output
    assert "--fill-merged" in refused.output
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0
    result = runner.invoke(args=[*args, "--fill-merged"])
    assert result.exit_code == 0 and "created 4" in result.output
    assert departments_by_name(db_session)["Lamp"] == "Parks"


def test_the_preview_page_refuses_merged_cells_until_fill_merged_is_ticked(
    client, login, make_user, db_session
):
    login(client, make_user(Role.MANAGER))
    batch_id = upload(client, stock_list("B4:B6"), "merged.xlsx")
    page = client.get(f"/imports/{batch_id}")
    assert "Merged cells in column Department, rows 4–6" in page.text
    assert 'name="fill_merged"' in page.text and "Import 4 new" not in page.text
    recheck(client, db_session, batch_id, create_missing=True, fill_merged=True)
    page = client.get(f"/imports/{batch_id}")
    assert "Import 4 new and 0 updated items" in page.text
    assert "1 merged range filled" in page.text
    client.post(f"/imports/{batch_id}/commit")
    finished(client, batch_id)
    assert departments_by_name(db_session)["Desk"] == "Parks"
    db_session.expire_all()
    assert db_session.get(ImportBatch, batch_id).fill_merged is True
