"""The bulk writer of items (inventory/bulk.py): new items with their events and keys, changes
held to the version and status they were worked out from, removal, and the one tag counter."""

import pytest
from sqlalchemy import func, select

from app.timeutil import utcnow
from inventory import bulk, item_states, item_tags
from inventory.disposals import dispose_item
from inventory.errors import StaleItem
from inventory.models import Counter, Disposition, EventKind, Item, ItemEvent, ItemStatus


def events_of(db_session, item_id: int) -> list[tuple[EventKind, dict, str]]:
    return [tuple(e) for e in db_session.execute(
        select(ItemEvent.kind, ItemEvent.changes, ItemEvent.note)
        .where(ItemEvent.item_id == item_id).order_by(ItemEvent.id))]  # fmt: skip


def test_new_items_get_keys_a_status_by_their_storeroom_and_an_event_each(
    db_session, make_department, make_storeroom
):
    department, room = make_department(), make_storeroom()
    columns = {"tag": ["ÅS-1", "ÅS-2"], "name": ["Stol", "BÄNK"],
               "department_id": [department.id] * 2, "storeroom_id": [room.id, None],
               "place": ["", "Rum 4"]}  # fmt: skip
    ids = bulk.insert_items(db_session, columns, by=None, now=utcnow(),
                            kind=EventKind.IMPORTED, notes=["row 2", "row 3"])  # fmt: skip
    db_session.commit()
    items = [db_session.get(Item, id_) for id_ in ids]
    assert [(i.tag_key, i.name_key, i.status, i.version) for i in items] == [
        ("ås-1", "stol", ItemStatus.IN_STORAGE, 1), ("ås-2", "bänk", ItemStatus.IN_USE, 1)]  # fmt: skip
    assert events_of(db_session, ids[1]) == [(EventKind.IMPORTED, {}, "row 3")]
    assert item_tags.find_item_by_tag(db_session, "ås-2").name == "BÄNK"


def test_a_change_steps_the_version_once_per_event_and_fills_the_key(db_session, make_item):
    item = make_item("Stol")
    change = bulk.ItemChange(item.id, item.version, {"name": "PALL", "quantity": 3}, [
        (EventKind.EDITED, {"name": ["Stol", "PALL"], "quantity": [1, 3]}, "")])  # fmt: skip
    bulk.update_items(db_session, [change], by=None, now=utcnow())
    db_session.commit()
    db_session.refresh(item)
    assert (item.name_key, item.quantity, item.version) == ("pall", 3, 2)
    assert events_of(db_session, item.id)[-1] == (
        EventKind.EDITED,
        {"name": ["Stol", "PALL"], "quantity": [1, 3]},
        "",
    )


def test_a_change_of_an_item_changed_meanwhile_is_refused(db_session, make_item):
    item = make_item("Stol")
    stale = bulk.ItemChange(item.id, item.version - 1, {"name": "Pall"},
                            [(EventKind.EDITED, {"name": ["Stol", "Pall"]}, "")])  # fmt: skip
    with pytest.raises(StaleItem):
        bulk.update_items(db_session, [stale], by=None, now=utcnow())
    db_session.rollback()


def test_a_move_the_status_does_not_allow_is_refused(db_session, make_item, make_storeroom):
    item = make_item("Stol")
    dispose_item(db_session, item, Disposition.SCRAPPED, by=None, now=utcnow())
    db_session.commit()
    room = make_storeroom()
    move = bulk.ItemChange(item.id, item.version, {"storeroom_id": room.id, "place": ""},
                           [(EventKind.MOVED, {"storeroom": [None, str(room)]}, "")],
                           moves=(item_states.PUT_AWAY,))  # fmt: skip
    with pytest.raises(StaleItem):
        bulk.update_items(db_session, [move], by=None, now=utcnow())
    db_session.rollback()
    db_session.refresh(item)
    assert item.status == ItemStatus.DISPOSED


@pytest.mark.parametrize(
    "columns, events, moves",
    [
        ({"status": ItemStatus.MISSING}, [(EventKind.EDITED, {}, "")], ()),
        ({"name": "Pall"}, [], ()),
        ({}, [(EventKind.EDITED, {}, "")], (item_states.DISPOSE, item_states.PUT_AWAY)),
    ],
    ids=["status as a column", "no event", "moves that do not follow"],
)
def test_a_change_that_skips_the_rules_cannot_be_made(columns, events, moves):
    with pytest.raises(ValueError):
        bulk.ItemChange(1, 1, columns, events, moves)


def test_removed_items_take_their_history_with_them(db_session, make_item):
    kept, gone = make_item("Kept"), make_item("Gone")
    bulk.remove_items(db_session, [gone.id])
    db_session.commit()
    assert db_session.scalars(select(Item.name)).all() == ["Kept"]
    assert db_session.scalar(select(func.count()).select_from(ItemEvent)) == 1
    assert events_of(db_session, kept.id)[0][0] == EventKind.CREATED


def test_reserved_tags_skip_those_items_and_storerooms_have(db_session, make_item, make_storeroom):
    make_item(tag="INV-000002")
    make_storeroom(code="inv-000003")
    db_session.merge(Counter(name=item_tags.TAG_COUNTER, value=0))
    db_session.commit()
    tags = item_tags.reserve_tags(db_session, 3, prefix="INV-", digits=6)
    assert tags == ["INV-000001", "INV-000004", "INV-000005"]
    assert item_tags.next_tag(db_session, prefix="INV-", digits=6) == "INV-000006"
