"""A check's errors are kept grouped by column and reason, with the rows that have each: the
page lists a problem once with its rows as runs ("2–501, 640"), and the download still has
every row. 200,000 rows naming departments we do not have are a few entries, not 200,000."""

import io

import openpyxl
import pytest

from app.auth.roles import Role
from imports.plan import Plan
from imports.preview import error_groups, row_ranges, rows_of, stored_error_groups
from imports.row_values import RowPlan
from tests.imports.importing import xlsx
from tests.imports.test_import_pages import upload

UNKNOWN = "Department", "no department of that name"


@pytest.fixture
def manager_client(client, login, make_user):
    login(client, make_user(Role.MANAGER))
    return client


def plan_of(rows: list[RowPlan]) -> Plan:
    return Plan(rows, places=None, values={}, headers={})  # type: ignore[arg-type]


def test_errors_are_grouped_by_column_and_reason_with_their_rows():
    rows = [RowPlan(number) for number in (2, 3, 4, 7, 9)]
    for row in rows[:4]:
        row.error(UNKNOWN)
    rows[1].error(("Quantity", "not a number: many"))
    groups = error_groups(plan_of(rows))
    assert [group[:2] for group in groups] == [list(UNKNOWN), ["Quantity", "not a number: many"]]
    assert [list(rows_of(steps)) for *_, steps in groups] == [[2, 3, 4, 7], [3]]


def test_rows_that_follow_each_other_are_shown_as_one_run():
    steps = error_groups(plan_of(_rows_with_error([2, 3, 4, 5, 9, 11, 12])))[0][2]
    assert row_ranges(steps) == "2–5, 9, 11–12"
    many = error_groups(plan_of(_rows_with_error(range(2, 200_002))))[0][2]
    assert row_ranges(many) == "2–200001"
    every_other = error_groups(plan_of(_rows_with_error(range(1, 40, 2))))[0][2]
    assert row_ranges(every_other, shown=3) == "1, 3, 5, …"


def test_a_preview_kept_before_errors_were_grouped_still_reads():
    old = {"errors": [[2, "Quantity", "not a number: x"], [5, "Name", "a new item needs a name"],
                      [8, "Quantity", "not a number: x"]]}  # fmt: skip
    groups = stored_error_groups(old)
    assert [(c, r, list(rows_of(s))) for c, r, s in groups] == [
        ("Quantity", "not a number: x", [2, 8]), ("Name", "a new item needs a name", [5])
    ]  # fmt: skip


def test_the_page_lists_a_problem_once_and_the_download_has_every_row(manager_client):
    data = xlsx([["Name", "Quantity"]] + [[f"Chair {n}", "many"] for n in range(30)]
                + [["Desk", 1], ["Lamp", "-2"]])  # fmt: skip
    batch_id = upload(manager_client, data, "chairs.xlsx")
    page = manager_client.get(f"/imports/{batch_id}").text
    assert "31 problems" in page
    assert page.count("not a number: many") == 1 and "2–31" in page
    download = manager_client.get(f"/imports/{batch_id}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [f"Chair {n}" for n in range(30)] + ["Lamp"]


def _rows_with_error(numbers) -> list[RowPlan]:
    rows = [RowPlan(number) for number in numbers]
    for row in rows:
        row.error(UNKNOWN)
    return rows
