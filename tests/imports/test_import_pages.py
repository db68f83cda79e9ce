"""The import pages: upload, preview with its mapping, import, errors to download, undo.

Checking and importing are background tasks (imports/jobs.py), run at once in the tests;
`finished` polls the progress the page polls, so these tests see what a user sees once the job
is done, as they would with a worker.
"""

import io
import time
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select, update

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import jobs
from imports.forms import value_field_name
from imports.models import BatchStatus, ImportBatch, JobKind, SavedMapping
from inventory.models import Item, Storeroom
from tests.background import run_queued
from tests.imports.importing import xlsx
from tests.stock_lists import sample


@pytest.fixture
def manager_client(client, login, make_user):
    login(client, make_user(Role.MANAGER))
    return client


def finished(client, batch_id: int, timeout: float = 60) -> dict:
    """Wait for the batch's job as the page does; the progress it last reported."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        progress = client.get(f"/imports/{batch_id}/progress.json").get_json()
        if progress["job"] is None:
            return progress
        time.sleep(0.05)
    raise AssertionError(f"the job on batch {batch_id} did not finish")


def upload(client, data: bytes, name: str) -> int:
    response = client.post(
        "/imports/new", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.text
    batch_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    finished(client, batch_id)
    return batch_id


def recheck(
    client, db_session, batch_id: int, mapping: list[str] | None = None, *,
    values: dict[tuple[str, str], str] | None = None, **options,
):  # fmt: skip
    """Post the preview's column form: the batch's mapping (or `mapping`), the choices for the
    file's values ((kind, folded value) -> choice) and ticked options."""
    db_session.expire_all()
    mapping = mapping or db_session.get(ImportBatch, batch_id).mapping
    data = {f"column_{n}": target for n, target in enumerate(mapping)}
    data.update({value_field_name(*value): choice for value, choice in (values or {}).items()})
    data.update({name: "y" for name, ticked in options.items() if ticked})
    response = client.post(f"/imports/{batch_id}/check", data=data)
    finished(client, batch_id)
    return response


def commit(client, batch_id: int):
    client.post(f"/imports/{batch_id}/commit")
    finished(client, batch_id)
    return client.get(f"/imports/{batch_id}")


def count_items(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Item))


def test_upload_preview_and_import_a_sample_file(manager_client, db_session):
    name = "forrad-skolor-sv.xlsx"
    batch_id = upload(manager_client, sample(name), name)
    page = manager_client.get(f"/imports/{batch_id}")
    assert page.status_code == 200 and count_items(db_session) == 0  # nothing changed yet
    assert "Benämning" in page.text and '<option selected value="name">' in page.text  # the mapping
    assert "BUF-00001" in page.text and "Pall" in page.text  # the first rows as saved
    assert "Skåreskolan" in page.text  # a site to create, shown before it is
    assert "There is nothing to import." in page.text  # until "create missing" is ticked
    recheck(manager_client, db_session, batch_id, create_missing=True)
    page = manager_client.get(f"/imports/{batch_id}")
    assert "Import 240 new and 0 updated items" in page.text
    page = commit(manager_client, batch_id)
    assert "Imported" in page.text and count_items(db_session) == 240
    assert f"/labels/print?source=batch&amp;id={batch_id}" in page.text
    listing = manager_client.get("/imports/")
    assert name in listing.text and "240" in listing.text


def test_an_unreadable_file_says_why_and_changes_nothing(manager_client, db_session):
    batch_id = upload(manager_client, b"%PDF-1.7 not a spreadsheet", "stock.pdf")
    page = manager_client.get(f"/imports/{batch_id}")
    assert "could not be read" in page.text and "flash-error" in page.text
    assert count_items(db_session) == 0
    assert manager_client.post(f"/imports/{batch_id}/commit").status_code == 302
    finished(manager_client, batch_id)
    assert count_items(db_session) == 0


def test_an_empty_or_oversized_upload_is_refused_on_the_form(manager_client, db_session, app):
    page = manager_client.post("/imports/new", data={"file": (io.BytesIO(b""), "empty.csv")},
                               content_type="multipart/form-data")  # fmt: skip
    assert page.status_code == 200 and "The file is empty." in page.text
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        big = b"Name\n" + b"Chair\n" * 300
        page = manager_client.post("/imports/new", data={"file": (io.BytesIO(big), "big.csv")},
                                   content_type="multipart/form-data")  # fmt: skip
        assert page.status_code in (200, 413) and "larger than" in page.text
        huge = b"Name\n" + b"Chair\n" * 20_000  # over the limit plus the form envelope
        page = manager_client.post("/imports/new", data={"file": (io.BytesIO(huge), "huge.csv")},
                                   content_type="multipart/form-data")  # fmt: skip
        assert page.status_code == 413 and "larger than the upload limit" in page.text
    finally:
        app.config["IMPORT_MAX_BYTES"] = 50 * 1024 * 1024
    assert db_session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_mapping_can_be_changed_and_is_remembered(manager_client, db_session):
    data = xlsx([["Benämning", "Färg", "Antal"], ["Stol", "Röd", "4 st"]])
    batch_id = upload(manager_client, data, "stolar.xlsx")
    page = manager_client.get(f"/imports/{batch_id}")
    assert '<option selected value="extra">' in page.text  # Färg: kept as an extra attribute
    response = recheck(manager_client, db_session, batch_id, ["name", "manufacturer", "quantity"])
    assert response.status_code == 302
    page = manager_client.get(f"/imports/{batch_id}")
    assert '<option selected value="manufacturer">' in page.text
    commit(manager_client, batch_id)
    item = db_session.scalar(select(Item))
    assert (item.name, item.manufacturer, item.quantity, item.extra) == ("Stol", "Röd", 4, {})
    assert db_session.scalar(select(SavedMapping.mapping)) == ["name", "manufacturer", "quantity"]
    again = upload(
        manager_client, xlsx([["Benämning", "Färg", "Antal"], ["Bord", "Ek", 1]]), "b.xlsx"
    )
    assert '<option selected value="manufacturer">' in manager_client.get(f"/imports/{again}").text


def test_a_field_chosen_for_two_columns_is_refused(manager_client, db_session):
    batch_id = upload(manager_client, xlsx([["Name", "Notes"], ["Chair", "ok"]]), "two.xlsx")
    response = manager_client.post(
        f"/imports/{batch_id}/check", data={"column_0": "name", "column_1": "name"},
        follow_redirects=True,
    )  # fmt: skip
    assert "are mapped to the same field" in response.text
    db_session.expire_all()
    assert db_session.get(ImportBatch, batch_id).mapping == ["name", "notes"]


def test_missing_places_are_errors_until_create_missing_is_ticked(manager_client, db_session):
    data = xlsx([["Name", "Storeroom"], ["Chair", "Annex cellar"]])
    batch_id = upload(manager_client, data, "annex.xlsx")
    page = manager_client.get(f"/imports/{batch_id}")
    assert "Annex cellar" in page.text and "There is nothing to import." in page.text
    recheck(manager_client, db_session, batch_id, create_missing=True)
    assert "Import 1 new and 0 updated items" in manager_client.get(f"/imports/{batch_id}").text
    commit(manager_client, batch_id)
    room = db_session.scalar(select(Storeroom).where(Storeroom.name == "Annex cellar"))
    assert room is not None and db_session.scalar(select(Item.storeroom_id)) == room.id


def test_all_or_nothing_with_errors_imports_nothing(manager_client, db_session):
    data = xlsx([["Name", "Quantity"], ["Chair", 1], ["Desk", "many"]])
    batch_id = upload(manager_client, data, "strict.xlsx")
    recheck(manager_client, db_session, batch_id, all_or_nothing=True)
    page = manager_client.get(f"/imports/{batch_id}")
    assert "All or nothing" in page.text and "fix them, or untick it" in page.text
    page = commit(manager_client, batch_id)  # posted anyway, as a stale page would
    assert "nothing was imported" in page.text and count_items(db_session) == 0


def test_error_rows_download_with_a_reason_and_import_once_fixed(manager_client, db_session):
    data = xlsx([["Name", "Quantity", "Colour"], ["Chair", 1, "red"], ["Desk", "-3", "oak"],
                 ["", 2, "blue"]])  # fmt: skip
    batch_id = upload(manager_client, data, "mixed.xlsx")
    page = manager_client.get(f"/imports/{batch_id}")
    assert "Row" in page.text and "Quantity" in page.text and "2 problems" in page.text
    download = manager_client.get(f"/imports/{batch_id}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Name", "Quantity", "Colour", "Import error"]
    assert [row[:3] for row in rows[1:]] == [["Desk", "-3", "oak"], [None, 2, "blue"]]
    assert rows[1][3].startswith("Quantity:") and rows[2][3].startswith("Name:")
    commit(manager_client, batch_id)
    assert count_items(db_session) == 1
    rows[1][1], rows[2][0] = 3, "Lamp"  # fixed, and uploaded again
    fixed = upload(manager_client, xlsx(rows), "mixed-errors.xlsx")
    page = commit(manager_client, fixed)
    assert count_items(db_session) == 3
    lamp = db_session.scalar(select(Item).where(Item.name == "Lamp"))
    assert lamp.extra == {"Colour": "blue"}  # the reason column is left out


def test_a_double_click_imports_once(manager_client, db_session, app):
    batch_id = upload(
        manager_client, xlsx([["Name", "Quantity"], ["Chair", 1], ["Desk", 2]]), "double.xlsx"
    )
    app.config["IMPORT_WAIT_SECONDS"] = 0
    try:
        first = manager_client.post(f"/imports/{batch_id}/commit")
        second = manager_client.post(f"/imports/{batch_id}/commit", follow_redirects=True)
    finally:
        app.config["IMPORT_WAIT_SECONDS"] = 2.0
    assert first.status_code == 302
    assert "busy" in second.text or "already imported" in second.text
    finished(manager_client, batch_id)
    assert db_session.get(ImportBatch, batch_id).job_error is None
    assert count_items(db_session) == 2


def test_progress_is_shown_until_the_job_is_done(
    manager_client, db_session, app, queued, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_WAIT_SECONDS", 0)
    rows = [["Name", "Quantity"]] + [[f"Chair {n}", n % 7 + 1] for n in range(3000)]
    response = manager_client.post(
        "/imports/new", data={"file": (io.BytesIO(xlsx(rows)), "many.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    batch_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = manager_client.get(f"/imports/{batch_id}")
    progress = manager_client.get(f"/imports/{batch_id}/progress.json").get_json()
    assert (progress["job"], progress["stage"]) == ("check", "waiting")  # until a worker runs
    assert 'id="job"' in page.text and 'http-equiv="refresh"' in page.text
    assert run_queued(app) == 1
    assert finished(manager_client, batch_id)["job"] is None
    assert "Import 3000 new" in manager_client.get(f"/imports/{batch_id}").text


def test_a_job_that_died_can_be_run_again(manager_client, db_session):
    batch_id = upload(manager_client, xlsx([["Name", "Quantity"], ["Chair", 1]]), "stalled.xlsx")
    long_ago = utcnow() - timedelta(hours=1)
    db_session.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                       .values(job=JobKind.COMMIT, job_beat_at=long_ago))  # fmt: skip
    db_session.commit()
    page = manager_client.get(f"/imports/{batch_id}")
    assert "stopped before it finished" in page.text and count_items(db_session) == 0
    commit(manager_client, batch_id)
    assert count_items(db_session) == 1


def test_a_live_job_cannot_be_claimed_twice(app, db_session, make_user):
    user = make_user(Role.MANAGER)
    batch = ImportBatch(filename="x.csv", sha256="0" * 64, data=b"Name\nChair\n", headers=[],
                        mapping=[], uploaded_by_id=user.id)  # fmt: skip
    db_session.add(batch)
    db_session.commit()
    with app.app_context():
        limit = jobs.stall_limit(app)
        assert jobs.claim(batch.id, JobKind.CHECK, now=utcnow(), limit=limit)
        assert not jobs.claim(batch.id, JobKind.COMMIT, now=utcnow(), limit=limit)
        assert not jobs.claim(
            batch.id, JobKind.UNDO, now=utcnow() + timedelta(hours=1), limit=limit
        )  # fmt: skip  (undo needs an imported batch)


def test_undo_from_the_batch_page(manager_client, db_session, make_item):
    item = make_item("Old chair", tag="U-1", quantity=1)
    data = xlsx([["Tag", "Name", "Quantity"], ["U-1", "Old chair", 4], ["", "New desk", 1]])
    batch_id = upload(manager_client, data, "undo.xlsx")
    commit(manager_client, batch_id)
    assert count_items(db_session) == 2
    manager_client.post(f"/imports/{batch_id}/undo")
    finished(manager_client, batch_id)
    page = manager_client.get(f"/imports/{batch_id}")
    assert "Undone" in page.text and count_items(db_session) == 1
    db_session.refresh(item)
    assert item.quantity == 1
    assert db_session.get(ImportBatch, batch_id).status == BatchStatus.UNDONE


def test_the_same_file_twice_is_recognised(manager_client, db_session):
    data = xlsx([["Name", "Quantity"], ["Chair", 1]])
    commit(manager_client, upload(manager_client, data, "once.xlsx"))
    again = upload(manager_client, data, "once-again.xlsx")
    page = manager_client.get(f"/imports/{again}")
    assert "This file was already imported on" in page.text


def test_markup_in_a_file_is_shown_as_text(manager_client):
    data = xlsx([["Name", "Quantity", "<b>Colour</b>"],
                 ["<script>alert(1)</script>", 1, "<img src=x>"]])  # fmt: skip
    batch_id = upload(manager_client, data, "<i>evil</i>.xlsx")
    page = manager_client.get(f"/imports/{batch_id}").text
    assert "Import 1 new" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x>" not in page and "<b>Colour</b>" not in page and "<i>evil" not in page


def test_other_roles_cannot_import(client, login, make_user, db_session):
    login(client, make_user(Role.STAFF))
    response = client.post("/imports/new", data={"file": (io.BytesIO(b"Name\nX\n"), "x.csv")},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 403
    assert db_session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_first_sheet_with_a_header_is_read_and_another_can_be_chosen(
    manager_client, db_session
):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Written by", "Date"])
    stock = book.create_sheet("Stock")
    for row in (["Name", "Quantity"], ["Chair", 2], ["Desk", 1]):
        stock.append(row)
    out = io.BytesIO()
    book.save(out)
    batch_id = upload(manager_client, out.getvalue(), "two-sheets.xlsx")
    page = manager_client.get(f"/imports/{batch_id}").text  # the notes sheet has no header
    assert "Import 2 new" in page and "Read this sheet" in page
    response = manager_client.post(f"/imports/{batch_id}/sheet", data={"sheet": "Notes"})
    assert response.status_code == 302
    finished(manager_client, batch_id)
    page = manager_client.get(f"/imports/{batch_id}").text  # asked for: refused, and why
    assert "could not find the header row" in page
    assert "Import 2 new" in page  # the preview of the sheet that was read stands
    db_session.expire_all()
    assert db_session.get(ImportBatch, batch_id).sheet == "Stock"
    nonsense = manager_client.post(f"/imports/{batch_id}/sheet", data={"sheet": "Nope"},
                                   follow_redirects=True)  # fmt: skip
    assert "Choose one of the workbook" in nonsense.text


def test_the_original_file_downloads_as_uploaded(manager_client):
    data = xlsx([["Name", "Quantity"], ["Chair", 1]])
    batch_id = upload(manager_client, data, "stock.xlsx")
    response = manager_client.get(f"/imports/{batch_id}/file")
    assert response.data == data and "stock.xlsx" in response.headers["Content-Disposition"]


def test_the_preview_lists_the_files_values_and_a_choice_settles_a_near_one(
    manager_client, db_session, make_department
):
    facilities = make_department("Facilities")
    data = xlsx([["Tag", "Name", "Department", "Condition"], ["A-1", "Chair", "Facility", "Bra"],
                 ["A-2", "Desk", "Facility", "Bra"]])  # fmt: skip
    batch_id = upload(manager_client, data, "near.xlsx")
    page = manager_client.get(f"/imports/{batch_id}").text
    assert "Values in the file" in page
    assert "Not in Reshelf, but near: Facilities" in page and "2 rows" in page
    assert "Good, as written" in page  # "Bra" is one of our words
    assert f'<option value="{facilities.id}">Facilities</option>' in page
    recheck(manager_client, db_session, batch_id, create_missing=True,
            values={("department", "facility"): str(facilities.id)})  # fmt: skip
    page = manager_client.get(f"/imports/{batch_id}").text
    assert "Import 2 new and 0 updated items" in page
    commit(manager_client, batch_id)
    db_session.expire_all()
    departments = db_session.scalars(select(Item.department_id)).all()
    assert departments == [facilities.id, facilities.id]


def test_a_choice_that_is_not_offered_is_refused_and_changes_nothing(
    manager_client, db_session, make_department
):
    make_department("Facilities")
    data = xlsx([["Tag", "Name", "Department"], ["A-1", "Chair", "Facility"]])
    batch_id = upload(manager_client, data, "near.xlsx")
    response = recheck(manager_client, db_session, batch_id,
                       values={("department", "facility"): "999999"})  # fmt: skip
    assert response.status_code == 302
    page = manager_client.get(f"/imports/{batch_id}").text
    assert "Not a valid choice" in page
    db_session.expire_all()
    assert db_session.get(ImportBatch, batch_id).value_choices == {}


def test_a_file_without_a_name_column_says_so_once_and_names_its_columns(
    manager_client, db_session
):
    data = xlsx([["Nummer", "Tingen", "Antal"], ["DK-1", "Seng", 2], ["DK-2", "Reol", 1]])
    batch_id = upload(manager_client, data, "navnlos.xlsx")
    page = manager_client.get(f"/imports/{batch_id}").text
    assert (
        "No column holds the items&#39; names, which new items need (2 rows). The file&#39;s "
        "columns: Nummer, Tingen, Antal. Choose the name column under Columns"
    ) in page
    assert "a new item needs a name" not in page  # not repeated on every row
    assert count_items(db_session) == 0


def test_one_row_without_a_name_is_counted_in_the_singular(manager_client):
    batch_id = upload(
        manager_client, xlsx([["Nummer", "Tingen", "Antal"], ["DK-1", "Seng", 2]]), "en.xlsx"
    )
    assert "which new items need (1 row). " in manager_client.get(f"/imports/{batch_id}").text


def test_the_preview_lists_the_rows_it_skipped_and_why(manager_client, db_session):
    data = xlsx([
        ["Inventarisnummer", "Omschrijving", "Aantal"], ["OCMW1", "Stoel", 4],
        ["OCMW2", "Tafel", 1], [None, "Totaal", 5], [], ["Opgemaakt door: J. Peeters"],
    ])  # fmt: skip
    batch_id = upload(manager_client, data, "ocmw.xlsx")
    page = manager_client.get(f"/imports/{batch_id}").text
    assert "2 rows that are not items skipped" in page
    assert "Row 4: a totals row" in page
    assert "Row 6: a line after the data (a signature, a date, a page footer)" in page
    assert "2 rows read" in page  # the two items, nothing else
