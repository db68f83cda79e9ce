from datetime import timedelta
from decimal import Decimal

import pytest

from app.timeutil import utcnow
from inventory import disposals, item_records, item_tags, place_records, whereabouts
from inventory.errors import DuplicateCode, DuplicateTag, InvalidTag, ItemNotAvailable, StaleItem
from inventory.models import Condition, Disposition, EventKind, ItemStatus


def create(db_session, app, fields, **kw):
    return item_records.create_item(
        db_session, fields, by=None, now=utcnow(), tag_prefix="INV-", tag_digits=6, **kw
    )


def test_generated_tags_follow_the_prefix_and_sequence(db_session, app, make_department):
    dept = make_department()
    first = create(db_session, app, {"name": "Chair", "department": dept, "place": "A"})
    second = create(db_session, app, {"name": "Desk", "department": dept, "place": "A"})
    assert (first.tag, second.tag) == ("INV-000001", "INV-000002")


def test_sequence_skips_a_tag_given_by_hand(db_session, app, make_department):
    dept = make_department()
    create(db_session, app, {"name": "Chair", "department": dept, "place": "A"}, tag="inv-000001")
    generated = create(db_session, app, {"name": "Desk", "department": dept, "place": "A"})
    assert generated.tag == "INV-000002"


def test_tags_are_unique_ignoring_case(db_session, app, make_item):
    make_item(tag="ABC-1")
    with pytest.raises(DuplicateTag):
        make_item(tag="abc-1")


@pytest.mark.parametrize("tag", ["", "has space", "a/b", "x" * 65, "zero\u200bwidth", "nul\x00"])
def test_unusable_tags_are_refused(make_item, tag):
    with pytest.raises(InvalidTag):
        make_item(tag=tag or "  ")


def test_tag_lookup_ignores_case(db_session, make_item):
    item = make_item(tag="Sk-0042")
    assert item_tags.find_item_by_tag(db_session, "SK-0042") is item


def test_creation_is_recorded_with_the_initial_values(
    db_session, make_item, make_user, make_storeroom
):
    user = make_user()
    room = make_storeroom(code="K1")
    item = make_item("Rollator", storeroom=room, by=user, quantity=3)
    [event] = item.events
    assert event.kind == EventKind.CREATED
    assert event.user_id == user.id
    assert event.changes["name"] == [None, "Rollator"]
    assert event.changes["quantity"] == [None, 3]
    assert event.changes["storeroom"] == [None, "K1 Basement"]
    assert item.status == ItemStatus.IN_STORAGE and item.is_lot


def test_edit_records_only_fields_that_changed(db_session, make_item):
    item = make_item(condition=Condition.GOOD, notes="")
    event = item_records.update_item(
        db_session,
        item,
        {"condition": Condition.NEEDS_REPAIR, "notes": "", "name": "Office chair"},
        expected_version=item.version,
        by=None,
        now=utcnow(),
    )
    assert event.changes == {"condition": ["good", "needs_repair"]}


def test_edit_that_changes_nothing_records_nothing(db_session, make_item):
    item = make_item()
    assert (
        item_records.update_item(
            db_session, item, {"name": item.name}, expected_version=None, by=None, now=utcnow()
        )
        is None
    )
    assert len(item.events) == 1


def test_edit_from_a_stale_page_is_refused_and_the_other_change_stays(db_session, make_item):
    item = make_item(notes="original")
    seen_version = item.version
    item_records.update_item(
        db_session,
        item,
        {"notes": "first save"},
        expected_version=seen_version,
        by=None,
        now=utcnow(),
    )
    db_session.commit()
    with pytest.raises(StaleItem):
        item_records.update_item(
            db_session,
            item,
            {"notes": "second save"},
            expected_version=seen_version,
            by=None,
            now=utcnow(),
        )
    db_session.rollback()
    assert item.notes == "first save"


def test_move_into_a_storeroom_and_out_into_use(db_session, make_item, make_storeroom):
    item = make_item(place="Room 12")
    room = make_storeroom(code="B2")
    whereabouts.move_item(db_session, item, room, by=None, now=utcnow())
    assert (item.storeroom, item.status, item.place) == (room, ItemStatus.IN_STORAGE, "")
    event = whereabouts.move_item(db_session, item, None, place="Room 7", by=None, now=utcnow())
    assert item.status == ItemStatus.IN_USE
    assert event.changes["storeroom"] == ["B2 Basement", None]
    assert event.changes["place"] == ["", "Room 7"]


def test_disposed_item_cannot_be_moved_or_edited(db_session, make_item, make_storeroom):
    item = make_item()
    disposals.dispose_item(db_session, item, Disposition.RECYCLED, by=None, now=utcnow())
    assert item.status == ItemStatus.DISPOSED and item.disposition == Disposition.RECYCLED
    with pytest.raises(ItemNotAvailable):
        whereabouts.move_item(db_session, item, make_storeroom(), by=None, now=utcnow())
    with pytest.raises(ItemNotAvailable):
        item_records.update_item(
            db_session, item, {"name": "x"}, expected_version=None, by=None, now=utcnow()
        )


def test_history_is_kept_in_order(db_session, make_item, make_storeroom):
    item = make_item()
    later = utcnow() + timedelta(minutes=5)
    whereabouts.move_item(db_session, item, make_storeroom(), by=None, now=later)
    disposals.dispose_item(db_session, item, Disposition.SOLD, by=None, now=later)
    db_session.commit()
    db_session.expire_all()
    assert [e.kind for e in item.events] == [EventKind.DISPOSED, EventKind.MOVED, EventKind.CREATED]


def test_storeroom_codes_are_unique_ignoring_case(db_session, make_storeroom):
    make_storeroom(code="K-1")
    with pytest.raises(DuplicateCode):
        make_storeroom(code="k-1")


def test_storeroom_code_cannot_equal_an_item_tag(db_session, make_item, make_storeroom):
    make_item(tag="X1")
    with pytest.raises(DuplicateCode):
        make_storeroom(code="x1")


def test_item_tag_cannot_equal_a_storeroom_code(db_session, make_item, make_storeroom):
    make_storeroom(code="X2")
    with pytest.raises(DuplicateTag):
        make_item(tag="x2")


def test_category_cannot_be_moved_under_itself(db_session, make_category):
    furniture = make_category("Furniture")
    chairs = make_category("Chairs", parent=furniture)
    with pytest.raises(DuplicateCode):
        place_records.save_category(
            db_session,
            name="Furniture",
            parent=chairs,
            kind=furniture.kind,
            replacement_value=None,
            co2e_kg=None,
            category=furniture,
        )


def test_category_path_and_values(make_category):
    chairs = make_category(
        "Chairs",
        parent=make_category("Furniture"),
        replacement_value=Decimal("4200"),
        co2e_kg=Decimal("72.5"),
    )
    assert chairs.path == "Furniture > Chairs"
    assert chairs.replacement_value == Decimal("4200.00")


def test_case_is_ignored_for_nordic_letters_too(db_session, make_item, make_department):
    make_item(tag="ÅSA-1")
    with pytest.raises(DuplicateTag):
        make_item(tag="åsa-1")
    assert item_tags.find_item_by_tag(db_session, "åsa-1").tag == "ÅSA-1"
    make_department("HEMTJÄNST NORR")
    with pytest.raises(DuplicateCode):
        place_records.save_department(db_session, "hemtjänst norr")
