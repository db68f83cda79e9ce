"""Importing stock spreadsheets: the sample files, errors by row, commit, batches, undo, CLI."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services
from imports.commit import ImportRefused
from imports.models import BatchStatus
from imports.reading import ImportRejected, read_table
from imports.undo import undo
from inventory.models import Condition, EventKind, Item, ItemEvent, Storeroom
from tests.imports.importing import run_import, xlsx
from tests.stock_lists import SAMPLES as STOCK_LISTS
from tests.stock_lists import sample

SAMPLES = {name: rows for name, (_, rows) in STOCK_LISTS.items()}


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.mark.parametrize("name, rows", SAMPLES.items())
def test_every_sample_file_imports_without_hand_editing(db_session, app, manager, name, rows):
    with app.test_request_context():
        batch, plan = run_import(db_session, manager, sample(name), name)
    assert plan.errors == [] and plan.counts["new"] == rows
    assert db_session.scalar(select(func.count()).select_from(Item)) == rows
    assert batch.status == BatchStatus.COMMITTED and len(batch.sha256) == 64
    imported = db_session.scalar(select(func.count()).where(ItemEvent.kind == EventKind.IMPORTED))
    assert imported == rows  # every new item has its history from the first minute


def test_the_swedish_school_list_is_read_as_a_person_reads_it(db_session, app, manager):
    name = "forrad-skolor-sv.xlsx"
    with app.test_request_context():
        run_import(db_session, manager, sample(name), name)
    first = db_session.scalar(select(Item).where(Item.tag == "BUF-00001"))
    assert (first.name, first.quantity, first.condition) == ("Pall", 12, Condition.GOOD)
    assert first.purchase_price == Decimal("438.00") and first.purchase_date == date(2022, 1, 31)
    assert first.storeroom.name == "Förråd 2" and first.storeroom.site.name == "Skåreskolan"
    assert first.extra == {"Färg": "Björk"}  # an unknown column is kept, never dropped
    second = db_session.scalar(select(Item).where(Item.tag == "BUF-00002"))
    assert second.purchase_date == date(2016, 10, 9)  # typed as yyyymmdd
    assert second.purchase_price == Decimal("1410.00")
    untagged = db_session.scalars(select(Item).where(Item.tag.like("INV-%"))).all()
    assert untagged  # rows without a tag get the next tags from the sequence


@pytest.mark.parametrize("name", [name for name in SAMPLES if name != "forrad-skolor-sv.xlsx"])
def test_the_same_file_again_changes_nothing_and_is_recognised(db_session, app, manager, name):
    """Every tagged sample list (the Swedish school list has rows without a tag, which can only
    be new): imported twice, the second time changes nothing (reliability T-A20)."""
    data = sample(name)
    with app.test_request_context():
        first, _ = run_import(db_session, manager, data, name)
        batch, plan = run_import(db_session, manager, data, name, commit=False)
        assert services.earlier_import(db_session, batch).id == first.id
    assert plan.counts == {"new": 0, "update": 0, "unchanged": SAMPLES[name], "error": 0}


def test_an_updated_row_changes_only_what_differs_and_records_it(
    db_session, app, manager, make_item, make_storeroom
):
    room = make_storeroom(code="B1", name="Basement")
    item = make_item("Chair", tag="A-1", storeroom=room, quantity=2)
    data = xlsx([["Tag", "Name", "Quantity", "Storeroom"], ["a-1", "Chair", 5, "Basement"]])
    with app.test_request_context():
        batch, plan = run_import(db_session, manager, data, "update.xlsx")
    assert plan.counts["update"] == 1 and plan.rows[0].changes == {"quantity": (2, 5)}
    db_session.expire_all()
    assert item.quantity == 5 and item.storeroom_id == room.id
    event = db_session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id.desc())
    ).first()
    assert event.kind == EventKind.IMPORTED and event.changes == {"quantity": [2, 5]}
    assert "update.xlsx" in event.note_text


def test_items_with_the_same_extra_attributes_are_updated_each_on_its_own(
    db_session, app, manager, make_item
):
    first = make_item("Chair", tag="A-1", extra={"Färg": "Vit", "Rum": "12"})
    second = make_item("Chair", tag="A-2", extra={"Färg": "Vit", "Rum": "12"})
    data = xlsx([["Tag", "Name", "Färg"], ["A-1", "Chair", "Röd"], ["A-2", "Chair", "Vit"]])
    with app.test_request_context():
        _, plan = run_import(db_session, manager, data, "colours.xlsx")
    assert [row.action for row in plan.rows] == ["update", "unchanged"]
    assert plan.rows[0].changes == {
        "extra": ({"Färg": "Vit", "Rum": "12"}, {"Färg": "Röd", "Rum": "12"})
    }
    db_session.expire_all()
    assert first.extra == {"Färg": "Röd", "Rum": "12"}
    assert second.extra == {"Färg": "Vit", "Rum": "12"} and second.version == 1


def test_new_tags_skip_those_given_by_hand_and_storeroom_codes_in_any_case(
    db_session, app, manager, make_item, make_storeroom
):
    make_item("Chair", tag="inv-000002")
    make_storeroom(code="Inv-000003")
    make_item("Table", tag="INV-000004X")  # sorts among the drawn tags, but is none of them
    with app.test_request_context():
        rows = [["Name", "Antal"], ["Stol", 1], ["Bord", 1], ["Hylla", 1]]
        run_import(db_session, manager, xlsx(rows), "a.xlsx")
    tags = db_session.scalars(select(Item.tag).where(Item.name.in_(["Stol", "Bord", "Hylla"])))
    assert sorted(tags) == ["INV-000001", "INV-000004", "INV-000005"]


def test_errors_name_row_and_column_and_valid_rows_are_written(db_session, app, manager):
    data = xlsx([
        ["Tag", "Name", "Quantity", "Purchase date"],
        ["T-1", "Chair", "12 st", "2024-03-15"],
        ["T-2", "", 1, None],  # no name
        ["T-3", "Desk", "-3", "31.02.2024"],  # two bad cells
        ["T-1", "Chair again", 1, None],  # the tag twice
    ])  # fmt: skip
    with app.test_request_context():
        batch, plan = run_import(db_session, manager, data, "errors.xlsx")
    errors = {(row, column) for row, column, _ in plan.errors}
    assert {(3, "Name"), (4, "Quantity"), (4, "Purchase date"), (2, "Tag"), (5, "Tag")} <= errors
    assert plan.counts == {"new": 0, "update": 0, "unchanged": 0, "error": 4}
    assert [entry["row"] for entry in batch.refused] == [2, 3, 4, 5]


def test_all_or_nothing_writes_nothing_when_a_row_fails(db_session, app, manager):
    data = xlsx([["Name", "Quantity"], ["Chair", 1], ["Desk", "many"]])
    refused = "^1 row has errors, and “all or nothing” was ticked: nothing was imported.$"
    with app.test_request_context(), pytest.raises(ImportRefused, match=refused):
        run_import(db_session, manager, data, "strict.xlsx", all_or_nothing=True)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0


def test_missing_places_are_errors_unless_create_missing_is_ticked(db_session, app, manager):
    data = xlsx([["Name", "Storeroom", "Department"], ["Chair", "Cellar 9", "Parks"]])
    with app.test_request_context():
        _, plan = run_import(db_session, manager, data, "places.xlsx", commit=False,
                             create_missing=False)  # fmt: skip
        assert plan.values["storeroom"]["cellar 9"].status == "new" and plan.counts["error"] == 1
        assert {reason for _, _, reason in plan.errors} == {
            "no storeroom called Cellar 9 (tick “create missing”)",
            "no department called Parks (tick “create missing”)",
        }
        run_import(db_session, manager, data, "places.xlsx", create_missing=True)
    item = db_session.scalar(select(Item))
    assert item.storeroom.name == "Cellar 9" and item.department.name == "Parks"
    assert db_session.scalar(select(func.count()).select_from(Storeroom)) == 1


def test_a_formula_without_a_cached_value_is_an_error_for_that_cell(db_session, app, manager):
    data = xlsx([["Name", "Quantity"], ["Chair", "=2*3"]])  # openpyxl stores no cached value
    with app.test_request_context():
        _, plan = run_import(db_session, manager, data, "formula.xlsx", commit=False)
    assert plan.errors == [
        (2, "Quantity", "value not calculated (formula); open and save in Excel or paste values")
    ]


def test_a_requester_cannot_update_another_departments_item(db_session, app, make_user, make_item):
    requester = make_user(Role.REQUESTER)
    foreign = make_item("Desk", tag="F-1")
    data = xlsx([["Tag", "Name"], ["F-1", "Hacked"]])
    with app.test_request_context():
        _, plan = run_import(db_session, requester, data, "foreign.xlsx")
    assert plan.counts["error"] == 1
    db_session.expire_all()
    assert foreign.name == "Desk"


def test_undo_removes_untouched_new_items_and_restores_updated_ones(
    db_session, app, manager, make_item, make_storeroom
):
    old = make_item("Chair", tag="U-1", quantity=2)
    data = xlsx([["Tag", "Name", "Quantity"], ["U-1", "Chair", 7], ["U-2", "Desk", 1],
                 ["U-3", "Shelf", 1]])  # fmt: skip
    with app.test_request_context():
        batch, _ = run_import(db_session, manager, data, "undo.xlsx")
        touched = db_session.scalar(select(Item).where(Item.tag == "U-3"))
        from inventory import item_records

        item_records.update_item(db_session, touched, {"notes": "checked"}, expected_version=None,
                                 by=manager, now=utcnow())  # fmt: skip
        db_session.commit()
        report = undo(db_session, batch, user=manager, now=utcnow())
        db_session.commit()
    assert report == {"removed": ["U-2"], "restored": ["U-1"], "kept": ["U-3"]}
    db_session.expire_all()
    assert old.quantity == 2
    assert db_session.scalar(select(Item).where(Item.tag == "U-2")) is None
    assert batch.status == BatchStatus.UNDONE


def test_undo_removes_new_items_with_their_history_and_keeps_one_a_part_points_at(
    db_session, app, manager, make_item
):
    data = xlsx([["Tag", "Name"], ["N-1", "Desk"], ["N-2", "Shelf"], ["N-3", "Lamp"]])
    with app.test_request_context():
        batch, _ = run_import(db_session, manager, data, "new.xlsx")
        lamp = db_session.scalar(select(Item).where(Item.tag == "N-3"))
        part = make_item("Lamp, part")  # split off by hand: a handover would also shrink it
        part.split_from_id = lamp.id
        db_session.commit()
        report = undo(db_session, batch, user=manager, now=utcnow())
        db_session.commit()
    assert report == {"removed": ["N-2", "N-1"], "restored": [], "kept": ["N-3"]}
    left = db_session.scalars(select(Item.tag).where(Item.tag.like("N-%"))).all()
    assert left == ["N-3"]
    events = db_session.scalars(
        select(ItemEvent.item_id).where(ItemEvent.kind == EventKind.IMPORTED)
    )
    assert list(events) == [lamp.id]  # the removed items' history went with them
    assert batch.status == BatchStatus.UNDONE


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.csv", "empty"),
        (b"Name;Quantity\n", "header.csv", "no data rows"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls", "damaged"),
        (b"%PDF-1.4 ...", "report.pdf", "not a spreadsheet"),
        (b"PK\x03\x04broken", "broken.xlsx", "damaged"),
        (b'Name,Quantity\n"Chair,1\n', "quote.csv", "Malformed CSV"),
        (b"Name,Name,Quantity\nChair,Chair,1\n", "twice.csv", "appears twice"),
    ],
)
def test_files_we_cannot_read_are_refused_with_a_reason(app, data, name, message):
    with app.test_request_context(), pytest.raises(ImportRejected) as refused:
        read_table(data, name, max_rows=1000)
    assert message in str(refused.value)


def test_encodings_and_delimiters_are_detected(app):
    text = "Benämning;Antal\nSäng;2\n"
    with app.test_request_context():
        for encoded, encoding in [
            (text.encode("utf-8-sig"), "UTF-8"),
            (text.encode("utf-8"), "UTF-8"),
            (text.encode("utf-16"), "UTF-16"),
            (text.encode("cp1252"), "Windows-1252"),
        ]:
            table = read_table(encoded, "list.csv", max_rows=10)
            assert table.encoding == encoding and table.delimiter == ";"
            assert table.rows == [(2, ("Säng", "2"))]


def test_too_many_rows_are_refused_before_anything_is_written(app):
    data = ("Name,Quantity\n" + "Chair,1\n" * 11).encode()
    with app.test_request_context(), pytest.raises(ImportRejected, match="at most 10"):
        read_table(data, "big.csv", max_rows=10)


def test_a_wide_sheet_may_have_fewer_rows_than_a_narrow_one(app, monkeypatch):
    """A table is held whole until it is checked: its cells, not only its rows, are capped."""
    from imports import header

    monkeypatch.setattr(header, "MAX_CELLS", 30)
    narrow = ("Name,Quantity\n" + "Chair,1\n" * 15).encode()
    wide = ("Name,Quantity,Colour\n" + "Chair,1,Grey\n" * 11).encode()
    with app.test_request_context():
        assert len(read_table(narrow, "narrow.csv", max_rows=1000).rows) == 15
        with pytest.raises(ImportRejected) as refused:
            read_table(wide, "wide.csv", max_rows=1000)
    assert str(refused.value) == (
        "Too many rows for 3 columns (at most 10). Split the file, or leave out the columns you "
        "do not need."
    )


def test_the_import_command_prints_counts_and_errors(runner, db_session, manager, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx([["Name", "Quantity"], ["Chair", 2], ["Desk", "lots"]]))
    as_manager = ["--user", manager.email]
    dry = runner.invoke(args=["import", str(path), "--dry-run", *as_manager])
    assert "Dry run, nothing changed: created 1, updated 0, unchanged 0, errors 1" in dry.output
    assert db_session.scalar(select(func.count()).select_from(Item)) == 0
    result = runner.invoke(args=["import", str(path), *as_manager])
    assert result.exit_code == 0 and "created 1" in result.output
    assert "row 3, Quantity:" in result.output
    refused = runner.invoke(args=["import", str(path), "--all-or-nothing", *as_manager])
    assert refused.exit_code != 0 and "nothing was imported" in refused.output


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imported_again_changes_nothing(
    client, login, db_session, app, manager, make_item, make_storeroom, make_category, fmt
):
    attics = [make_storeroom(code=code, name="Vinden") for code in ("V1", "V2")]  # two sites
    chairs = make_category("Stolar", parent=make_category("Möbler"))
    make_category("Stolar", parent=make_category("Utemöbler"))  # the same name elsewhere
    make_item("=1+1 chair", storeroom=attics[0], category=chairs, quantity=3, position="Pall 12",
              notes="-2 legs", extra={"Colour": "Grey"}, purchase_price=Decimal("1250.50"),
              purchase_date=date(2020, 5, 17))  # fmt: skip
    make_item("Bench", storeroom=attics[1], position="Hylla 3")
    make_item("Desk", place="Room 4", serial_number="007")
    login(client, manager)
    data = client.get(f"/items/export.{fmt}").data
    with app.test_request_context():
        _, plan = run_import(db_session, manager, data, f"export.{fmt}", commit=False,
                             create_missing=False)  # fmt: skip
    assert plan.errors == [] and plan.counts["unchanged"] == 3, plan.rows


def test_a_confirmed_mapping_is_offered_again_for_the_same_headers(db_session, app, manager):
    data = xlsx([["Benämning", "Antal", "Färg"], ["Stol", 2, "Grå"]])
    with app.test_request_context():
        run_import(db_session, manager, data, "first.xlsx", mapping=["name", "quantity", "notes"])
        again = xlsx([["Benämning", "Antal", "Färg"], ["Bord", 1, "Ek"]])
        batch, _ = run_import(db_session, manager, again, "second.xlsx", commit=False)
    assert batch.mapping == [
        "name",
        "quantity",
        "notes",
    ]  # guessed alone, Färg would be an extra column


def test_a_workbook_without_stated_dimensions_is_read_whole(app):
    book = openpyxl.Workbook(write_only=True)  # as scripts write them: no <dimension>
    sheet = book.create_sheet("List")
    sheet.append(["Name", "Quantity"])
    for n in range(25):
        sheet.append([f"Chair {n}", 1])
    out = io.BytesIO()
    book.save(out)
    with app.test_request_context():
        table = read_table(out.getvalue(), "script.xlsx", max_rows=100)
    assert len(table.rows) == 25 and table.rows[-1] == (26, ("Chair 24", 1))


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(app, monkeypatch):
    from imports import workbooks

    monkeypatch.setattr(workbooks, "MAX_EXPANDED_BYTES", 2_000)  # a zip bomb, in miniature
    data = xlsx([["Name", "Notes"], *[["Chair", "x" * 100] for _ in range(50)]])
    with app.test_request_context(), pytest.raises(ImportRejected, match="expands beyond"):
        read_table(data, "bomb.xlsx", max_rows=1000)
