"""The aid cycle as warehouse staff take it: each step in order, refused out of order with
nothing changed, its journal and the item's history, the kit and the overdue checks."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.states import reachable
from app.timeutil import utcnow
from inventory import disposals
from inventory.models import Disposition, EventKind, ItemEvent, ItemStatus
from reuse.aids import records
from reuse.aids import states as s
from reuse.aids.cycle import AidRefused
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from tests.aids.fixtures import cycle_to


def counts(db_session, item) -> tuple[int, int]:
    steps = db_session.scalar(select(func.count()).where(AidStep.item_id == item.id))
    events = db_session.scalar(select(func.count()).where(ItemEvent.item_id == item.id))
    return steps, events


def test_every_state_is_reachable_from_a_return():
    assert reachable(AidState.RETURNED, s.TRANSITIONS) == set(AidState)
    assert set(s.OFFERED) == set(AidState)


def test_an_aid_goes_round_the_cycle_and_its_history_and_journal_say_so(
    db_session, depot, make_aid, step
):
    lift = make_aid()
    cycle_to(step, lift, depot, Step.ISSUED)
    aid = db_session.get(Aid, lift.id)
    assert aid.status == AidState.ISSUED
    assert (lift.storeroom, lift.place) == (None, "Home care north · Team 2")
    assert lift.status == ItemStatus.IN_USE and aid.home_storeroom == depot.storeroom
    step(lift, Step.RETURNED)
    assert aid.status == AidState.RETURNED and lift.storeroom == depot.storeroom
    assert aid.issued_department is None and aid.returned_at is not None
    journal = db_session.scalars(select(AidStep).order_by(AidStep.id)).all()
    assert [row.step for row in journal] == [Step.RETURNED, Step.CLEANED, Step.INSPECTED,
                                             Step.READY, Step.ISSUED, Step.RETURNED]  # fmt: skip
    assert journal[1].method == "Wiped" and journal[1].agent == "Ethanol 70%"
    assert journal[2].passed is True and journal[2].by_name == depot.manager.display_name
    assert journal[4].department_id == depot.home_care.id and journal[4].unit == "Team 2"
    kinds = [event.kind for event in reversed(lift.events)]
    assert kinds.count(EventKind.AID_STEP) == 6
    assert kinds.count(EventKind.MOVED) == 2  # out to home care and back


@pytest.mark.parametrize(
    "reach, what, details",
    [
        (Step.CLEANED, Step.ISSUED, {"to": "home_care"}),  # not inspected
        (Step.RETURNED, Step.READY, {}),
        (Step.READY, Step.CLEANED, {"method": "Wiped"}),
        (Step.INSPECTED, Step.RETURNED, {}),
        (Step.ISSUED, Step.QUARANTINED, {}),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(
    app, db_session, depot, make_aid, step, reach, what, details
):
    lift = make_aid()
    cycle_to(step, lift, depot, reach)
    details = {k: getattr(depot, v) for k, v in details.items() if k == "to"} | {
        k: v for k, v in details.items() if k != "to"
    }
    before = (db_session.get(Aid, lift.id).status, counts(db_session, lift), lift.version)
    with pytest.raises(AidRefused, match="that step does not come next"):
        step(lift, what, **details)
    db_session.rollback()
    after = (db_session.get(Aid, lift.id).status, counts(db_session, lift), lift.version)
    assert after == before


def test_a_failed_inspection_sends_the_aid_to_repair_until_it_passes_again(
    db_session, depot, make_aid, step
):
    lift = make_aid()
    cycle_to(step, lift, depot, Step.CLEANED)
    with pytest.raises(AidRefused, match="what failed"):
        step(lift, Step.INSPECTED, passed=False)
    db_session.rollback()
    step(lift, Step.INSPECTED, passed=False, notes="Brake worn",
         checks=[("Brakes", False), ("Battery", True)])  # fmt: skip
    aid = db_session.get(Aid, lift.id)
    assert aid.status == AidState.IN_REPAIR
    with pytest.raises(AidRefused):
        step(lift, Step.READY)
    db_session.rollback()
    step(lift, Step.INSPECTED, passed=True)
    step(lift, Step.READY)
    assert aid.status == AidState.READY
    failed = db_session.scalars(select(AidStep).where(AidStep.passed.is_(False))).one()
    assert failed.checks == [["Brakes", False], ["Battery", True]]


def test_a_missing_accessory_blocks_ready_until_linked_or_accepted_with_a_reason(
    app, db_session, depot, make_aid, make_item, step
):
    records.set_kit(db_session, depot.lifts, [depot.slings])
    db_session.commit()
    lift = make_aid()
    cycle_to(step, lift, depot, Step.INSPECTED)
    with pytest.raises(AidRefused, match="Slings missing"):
        step(lift, Step.READY)
    db_session.rollback()
    step(lift, Step.READY, gap_reason="Sling ordered, comes Monday")
    aid = db_session.get(Aid, lift.id)
    assert aid.status == AidState.READY and aid.kit_gap_reason == "Sling ordered, comes Monday"

    other = make_aid("Lift Viking")
    cycle_to(step, other, depot, Step.INSPECTED)
    sling = make_item("Sling M", department=depot.department, storeroom=depot.storeroom,
                      category=depot.slings)  # fmt: skip
    with app.test_request_context():
        records.link_accessory(db_session, db_session.get(Aid, other.id), sling,
                               by=depot.manager, now=utcnow())  # fmt: skip
    db_session.commit()
    step(other, Step.READY)
    step(other, Step.ISSUED, to=depot.home_care)
    assert sling.place == other.place and sling.storeroom is None  # it travels with the aid
    note = next(e for e in sling.events if e.kind == EventKind.EDITED).note_text
    assert "linked to aid" in note


def test_an_overdue_inspection_blocks_the_issue_until_the_aid_is_inspected_again(
    db_session, depot, make_aid, step
):
    lift = make_aid(purchase_date=date.today() - timedelta(days=400))
    cycle_to(step, lift, depot, Step.READY)  # inspected today, serviced never
    later = date.today() + timedelta(days=200)
    with pytest.raises(AidRefused, match="cannot be issued: its inspection was due"):
        step(lift, Step.ISSUED, to=depot.home_care, today=later)
    db_session.rollback()
    assert db_session.get(Aid, lift.id).status == AidState.READY
    step(lift, Step.INSPECTED, passed=True, today=later)  # a periodic check keeps it ready
    with pytest.raises(AidRefused, match="its service was due"):
        step(lift, Step.ISSUED, to=depot.home_care, today=later)


def test_a_disposed_item_a_lot_or_no_aid_takes_no_step(
    app, db_session, depot, make_aid, make_category, step
):
    lift = make_aid()
    with app.test_request_context():
        disposals.dispose_item(db_session, lift, Disposition.SCRAPPED, by=depot.manager,
                               now=utcnow())  # fmt: skip
    db_session.commit()
    with pytest.raises(AidRefused, match="disposed"):
        step(lift, Step.RETURNED)
    db_session.rollback()
    with pytest.raises(AidRefused, match="lot"):
        step(make_aid("Rollators", quantity=4), Step.RETURNED)
    db_session.rollback()
    chair = make_aid("Office chair", category=make_category("Chairs"))
    with pytest.raises(AidRefused, match="assistive-aid category"):
        step(chair, Step.RETURNED)
    db_session.rollback()
    assert db_session.get(Aid, chair.id) is None
