"""Importing a stock list through a real browser at phone size: upload, preview, import, undo."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from app.auth.roles import Role
from tests.background import worker_process
from tests.browser.conftest import Screenshot, log_in
from tests.stock_lists import sample

BATCH_PAGE = re.compile(r"/imports/\d+$")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def upload(page: Page, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/imports/new")
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").tap()
    expect(page).to_have_url(BATCH_PAGE)


def test_import_a_danish_list_then_undo_it(
    phone: Page, live_server: str, manager, screenshot: Screenshot, tmp_path: Path
):
    path = tmp_path / "inventar-boligafdeling-da.xlsx"
    path.write_bytes(sample(path.name))
    log_in(phone, live_server, manager)
    upload(phone, live_server, path)
    expect(phone.get_by_role("heading", name="Values in the file")).to_be_visible()
    expect(phone.get_by_text("There is nothing to import.")).to_be_visible()
    screenshot(phone, "preview")

    phone.get_by_label("Create missing").check()
    phone.get_by_role("button", name="Check again").first.tap()
    button = phone.get_by_role("button", name="Import 80 new and 0 updated items")
    expect(button).to_be_visible()
    button.tap()
    expect(phone.get_by_role("heading", name=re.compile("^Imported"))).to_be_visible()
    expect(phone.locator(".counts")).to_contain_text("80")
    screenshot(phone, "imported")

    phone.goto(f"{live_server}/items")
    expect(phone.locator(".item-list li")).not_to_have_count(0)

    phone.goto(f"{live_server}/imports/")
    phone.get_by_role("link", name="inventar-boligafdeling-da.xlsx").tap()
    phone.get_by_role("button", name="Undo the import").tap()
    expect(phone.get_by_role("heading", name=re.compile("^Undone"))).to_be_visible()
    expect(phone.locator(".counts")).to_contain_text("80")


def test_a_long_check_shows_progress_and_the_page_follows_it(
    phone: Page, live_server: str, manager, app, tmp_path: Path, queued, monkeypatch
):
    book = openpyxl.Workbook()
    book.active.append(["Benämning", "Antal", "Skick"])
    for n in range(4000):
        book.active.append([f"Stol {n}", f"{n % 9 + 1} st", "Bra"])
    path = tmp_path / "stolar.xlsx"
    book.save(path)
    log_in(phone, live_server, manager)
    monkeypatch.setitem(app.config, "IMPORT_WAIT_SECONDS", 0)  # the page shows the job at once
    upload(phone, live_server, path)
    expect(phone.locator("#job-stage")).to_have_text("Waiting for other imports to finish")
    with worker_process(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "worker.log"):
        # The page polls the job and reloads itself when it is done, without a tap.
        expect(
            phone.get_by_role("button", name="Import 4000 new and 0 updated items")
        ).to_be_visible(timeout=60_000)


def test_rows_with_errors_download_as_a_spreadsheet(
    phone: Page, live_server: str, manager, tmp_path: Path
):
    book = openpyxl.Workbook()
    for row in (["Name", "Quantity"], ["Chair", 2], ["Desk", "lots"]):
        book.active.append(row)
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    log_in(phone, live_server, manager)
    upload(phone, live_server, path)
    expect(phone.locator("#errors")).to_contain_text("Quantity")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download the rows with errors (xlsx)").tap()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Quantity", "Import error") and rows[1][:2] == ("Desk", "lots")
