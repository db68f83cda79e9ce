"""Names and tags unique regardless of case through key columns filled in Python
(app/folding.py): Nordic letters fold on both databases, look-ups by either case find the
same row, and no index needs a function of ours, so any program can open the SQLite file."""

import sqlite3

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from app.auth.roles import Role
from app.auth.services import find_user_by_email
from app.folding import folded
from app.timeutil import utcnow
from inventory import item_tags, place_records
from inventory.errors import DuplicateCode, DuplicateTag
from inventory.models import Item, Organisation
from labels import services as label_services
from labels.models import ReservedTag
from labels.services import LabelError
from tests.imports.importing import run_import


def test_tags_that_differ_only_in_nordic_case_clash(db_session, make_item):
    make_item(tag="ÅSA-1")
    with pytest.raises(DuplicateTag):
        make_item(tag="åsa-1")
    for typed in ("åsa-1", "ÅSA-1", "Åsa-1 "):
        assert item_tags.find_item_by_tag(db_session, typed).tag == "ÅSA-1"


def test_the_database_itself_refuses_a_second_tag_with_the_same_key(db_session, make_item):
    """Not only the service's check: a row written past it meets the unique index."""
    item = make_item(tag="ÖLAND-7")
    row = {c: getattr(item, c) for c in ("name", "name_key", "department_id", "place",
                                          "status", "condition", "quantity", "serial_number",
                                          "manufacturer", "model", "notes", "extra", "version",
                                          "created_at", "updated_at", "position")}  # fmt: skip
    with pytest.raises(IntegrityError):
        db_session.execute(insert(Item).values(**row, tag="öland-7", tag_key=folded("öland-7")))
    db_session.rollback()


def test_a_key_follows_its_value_when_it_changes(db_session, make_item):
    item = make_item("Stol", tag="INV-Ä1")
    item.name, item.tag = "ÄNGSBÄNK", "INV-Ö2"
    db_session.commit()
    assert (item.name_key, item.tag_key) == ("ängsbänk", "inv-ö2")
    assert item_tags.find_item_by_tag(db_session, "inv-ö2") is item


@pytest.mark.parametrize(
    "make_two",
    [
        lambda s: [place_records.save_department(s, n) for n in ("ÅNGE VÅRD", "ånge vård")],
        lambda s: [place_records.save_site(s, name=n) for n in ("ÄLVSBYN", "älvsbyn")],
    ],
    ids=["department", "site"],
)
def test_place_names_that_differ_only_in_nordic_case_clash(db_session, make_two):
    with pytest.raises(DuplicateCode):
        make_two(db_session)
    db_session.rollback()


def test_storeroom_codes_and_emails_fold_too(db_session, make_storeroom, make_user):
    make_storeroom(code="FÖRRÅD-1")
    assert place_records.find_storeroom_by_code(db_session, "förråd-1").code == "FÖRRÅD-1"
    user = make_user(Role.STAFF, email="Åsa@Example.org")
    assert find_user_by_email(db_session, "åsa@example.org").id == user.id


def test_a_reserved_tag_is_found_by_either_case(db_session):
    db_session.add(ReservedTag(tag="ÅR-1", reserved_at=utcnow()))
    db_session.commit()
    assert label_services.find_reserved(db_session, "år-1").tag == "ÅR-1"
    label_services.release_reserved(db_session, "År-1")
    assert db_session.scalar(select(ReservedTag)) is None


def test_printer_profile_names_fold(db_session):
    organisation = Organisation(name="Sundby kommun")
    db_session.add(organisation)
    db_session.flush()
    options = {"organisation": organisation, "format_name": "L7160", "offset_x": 0.0,
               "offset_y": 0.0, "scale": 1.0}  # fmt: skip
    label_services.save_profile(db_session, name="ÖVRE SKRIVAREN", **options)
    with pytest.raises(LabelError):
        label_services.save_profile(db_session, name="övre skrivaren", **options)


def test_an_import_updates_the_item_whose_tag_differs_only_in_case(app, db_session, make_item,
                                                                   make_user):  # fmt: skip
    item = make_item("Stol", tag="ÅSA-1")
    user = make_user(Role.MANAGER, department=item.department)
    data = "Inventarienr;Benämning\nåsa-1;Stol Ny\n".encode()
    with app.test_request_context():
        _, plan = run_import(db_session, user, data, "list.csv")
    assert plan.counts["update"] == 1 and plan.counts["new"] == 0
    db_session.refresh(item)
    assert (item.name, item.name_key) == ("Stol Ny", "stol ny")


def test_no_index_needs_a_function_of_ours(db_session, make_item, make_department):
    """The SQLite file, opened by the plain sqlite3 module (no functions registered), checks
    as sound with Nordic names and tags in it, every index is over plain columns, and a row
    that module writes is one the app finds and holds to."""
    make_item("Ängsbänk", tag="ÅSA-1")
    make_department("ÖSTRA HEMTJÄNST")
    bind = db_session.get_bind()
    if bind.dialect.name == "postgresql":
        definitions = db_session.scalars(text("SELECT indexdef FROM pg_indexes WHERE "
                                              "schemaname = 'public'")).all()  # fmt: skip
        assert [d for d in definitions if "lower(" in d] == []
        return
    with sqlite3.connect(bind.url.database) as plain:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = [name for (name,) in plain.execute("SELECT name FROM sqlite_master WHERE "
                                                   "type = 'index'")]  # fmt: skip
        over_expressions = [name for name in names  # an expression's column number is -2
                            if any(row[1] == -2 for row in plain.execute(
                                f'PRAGMA index_xinfo("{name}")'))]  # fmt: skip
        assert names and over_expressions == []
        found = plain.execute("SELECT tag FROM items WHERE tag_key = ?", ("åsa-1",)).fetchall()
        assert found == [("ÅSA-1",)]
        plain.execute("INSERT INTO departments (name, name_key, created_at) VALUES "
                      "('Ödeshög', 'ödeshög', '2026-01-01 00:00:00')")  # fmt: skip
    with pytest.raises(DuplicateCode):  # what the plain module wrote, the app holds to
        place_records.save_department(db_session, "ÖDESHÖG")
