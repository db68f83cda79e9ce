"""Undoing an import's update gives an item back what it had, with the history events an edit,
a move and marking it missing by hand record, written in bulk (imports/undo.py)."""

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.timeutil import utcnow
from imports.undo import undo
from inventory import place_records, whereabouts
from inventory.models import Condition, EventKind, ItemEvent, ItemStatus
from tests.imports.importing import run_import, xlsx


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


def test_undo_moves_an_item_back_and_marks_it_missing_again(
    app, db_session, manager, make_item, make_department
):
    school, care = make_department("Skolan"), make_department("Vården")
    site = place_records.save_site(db_session, name="Norrskolan")
    k1, k2 = (place_records.save_storeroom(db_session, code=code, name=name, site=site)
              for code, name in (("K1", "Källaren"), ("K2", "Vinden")))  # fmt: skip
    item = make_item("Stol", tag="U-1", department=school, storeroom=k1, position="Hylla 3")
    whereabouts.mark_missing(db_session, item, by=manager, now=utcnow())
    db_session.commit()
    data = xlsx([["Inventarienr", "Benämning", "Verksamhet", "Förråd", "Skick"],
                 ["U-1", "Stol", "Vården", "K2", "Trasig"]])  # fmt: skip
    with app.test_request_context():
        batch, plan = run_import(db_session, manager, data, "flytt.xlsx")
        assert plan.counts["update"] == 1
        db_session.refresh(item)
        assert (item.storeroom_id, item.status, item.department_id) == (
            k2.id,
            ItemStatus.IN_STORAGE,
            care.id,
        )
        imported_version = item.version
        report = undo(db_session, batch, user=manager, now=utcnow())
        db_session.commit()
    assert report == {"removed": [], "restored": ["U-1"], "kept": []}
    db_session.refresh(item)
    assert (item.storeroom_id, item.position, item.place, item.status, item.department_id,
            item.condition) == (k1.id, "Hylla 3", "", ItemStatus.MISSING, school.id,
                                Condition.GOOD)  # fmt: skip
    assert item.version == imported_version + 3
    events = db_session.execute(
        select(ItemEvent.kind, ItemEvent.changes).where(ItemEvent.item_id == item.id)
        .order_by(ItemEvent.id)).all()[-3:]  # fmt: skip
    assert [tuple(e) for e in events] == [
        (EventKind.EDITED, {"condition": ["broken", "good"], "position": ["", "Hylla 3"],
                            "department": ["Vården", "Skolan"]}),
        (EventKind.MOVED, {"storeroom": ["K2 Vinden", "K1 Källaren"]}),
        (EventKind.EDITED, {"status": ["in_storage", "missing"]}),
    ]  # fmt: skip
    notes = db_session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id)
                               .order_by(ItemEvent.id)).all()[-3:]  # fmt: skip
    for language, said in (("en", "Undo of the import of flytt.xlsx (batch %d)"),
                           ("sv", "Ångrad import av flytt.xlsx (import %d)")):  # fmt: skip
        with app.test_request_context(headers={"Accept-Language": language}):
            assert {event.note_text for event in notes} == {said % batch.id}
