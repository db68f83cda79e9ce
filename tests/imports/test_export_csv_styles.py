"""CSV in the style the reader's spreadsheet opens in columns: semicolons and decimal commas
for Swedish, Danish and Dutch, commas and points for English; the other style is offered
beside every CSV download (?sep=comma|semicolon), and either imports again unchanged."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.sheets import COMMAS, SEMICOLONS, csv_lines
from app.timeutil import utcnow
from labels import scanning
from tests.imports.importing import run_import

STYLES = {"en": COMMAS, "sv": SEMICOLONS, "da": SEMICOLONS, "nl": SEMICOLONS}
OTHER = {COMMAS: SEMICOLONS, SEMICOLONS: COMMAS}


def read(data: bytes, delimiter: str) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def test_a_semicolon_line_quotes_semicolons_and_writes_decimal_commas():
    [line] = csv_lines([["a;b", Decimal("1250.5"), 3, date(2026, 5, 12)]], SEMICOLONS)
    assert line == '\ufeff"a;b";1250,50;3;2026-05-12\r\n'
    [line] = csv_lines([["a;b", Decimal("1250.5")]], COMMAS)
    assert line == "\ufeffa;b,1250.50\r\n"


@pytest.mark.parametrize("language", STYLES)
def test_the_items_export_is_in_the_readers_style(
    client, make_user, login, make_item, make_storeroom, language
):
    login(client, make_user(Role.STAFF, language=language))
    make_item("Desk", storeroom=make_storeroom(), purchase_price=Decimal("1250.50"))
    style = STYLES[language]
    rows = read(client.get("/items/export.csv").data, style.delimiter)
    assert len(rows[0]) > 10 and f"1250{style.decimal}50" in rows[1]
    other = OTHER[style]
    rows = read(client.get(f"/items/export.csv?sep={other.name}").data, other.delimiter)
    assert len(rows[0]) > 10 and f"1250{other.decimal}50" in rows[1]


@pytest.mark.parametrize("language", STYLES)
def test_pages_with_a_csv_download_offer_the_other_style(
    client, make_user, login, make_storeroom, language
):
    login(client, make_user(Role.STAFF, language=language))
    room = make_storeroom()
    other = OTHER[STYLES[language]].name
    for page in ("/items", f"/storerooms/{room.id}"):
        assert f"sep={other}" in client.get(page).text, page


def test_the_audit_download_follows_the_reader(client, make_user, login):
    login(client, make_user(Role.ADMIN, language="da"))
    page = client.get("/admin/audit").text
    assert "sep=comma" in page
    [header, *_rows] = read(client.get("/admin/audit.csv").data, ";")
    assert header[0] == "Tid (UTC)"
    [header, *_rows] = read(client.get("/admin/audit.csv?sep=comma").data, ",")
    assert header[1] == "Handling"


def test_the_stocktake_report_follows_the_reader(
    client, db_session, make_user, login, make_item, make_storeroom
):
    user = make_user(Role.STAFF, language="nl")
    login(client, user)
    room = make_storeroom(code="B1")
    make_item("Stoel", storeroom=room)
    take = scanning.start_stocktake(db_session, room, by=user, now=utcnow())
    scanning.finish_stocktake(db_session, take, by=user, now=utcnow())
    db_session.commit()
    assert "sep=comma" in client.get(f"/stocktakes/{take.id}/report").text
    rows = read(client.get(f"/stocktakes/{take.id}/report.csv").data, ";")
    assert rows[0] == ["Resultaat", "Inventarisnummer", "Naam", "Geregistreerde berging"]
    assert read(client.get(f"/stocktakes/{take.id}/report.csv?sep=comma").data, ",")[0][0]


@pytest.mark.parametrize(("language", "sep"), [("sv", ""), ("da", ""), ("nl", ""), ("sv", "comma")])
def test_an_export_in_either_style_imports_again_unchanged(
    client, db_session, app, make_user, login, make_item, make_storeroom, language, sep
):
    manager = make_user(Role.MANAGER, language=language)
    make_item("Desk; oak", storeroom=make_storeroom(code="V1"), purchase_price=Decimal("1250.50"),
              purchase_date=date(2020, 5, 17), replacement_value=Decimal("3000"))  # fmt: skip
    make_item("Bench", place="Room 4", quantity=3)
    login(client, manager)
    data = client.get(f"/items/export.csv?sep={sep}").data
    with app.test_request_context():
        _, plan = run_import(db_session, manager, data, "export.csv", commit=False,
                             create_missing=False)  # fmt: skip
    assert plan.errors == [] and plan.counts["unchanged"] == 2, plan.rows


def test_the_command_line_export_writes_either_style(runner, make_item, tmp_path):
    make_item("Desk", purchase_price=Decimal("10.5"))
    out = tmp_path / "items.csv"
    result = runner.invoke(args=["export", "-o", str(out), "--sep", "semicolon"])
    assert result.exit_code == 0, result.output
    rows = read(out.read_bytes(), ";")
    assert "10,50" in rows[1]
