"""The aid figures: states, days from a return to ready, idle days, reuse rate by count and
by value, failed inspections by ISO 9999 class, per category and per group."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.timeutil import utcnow
from inventory import access
from inventory.models import CategoryKind
from reuse.aids import records
from reuse.aids.figures import aid_figures
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from reuse.repairs import services as repairs
from reuse.repairs.models import LineKind, RepairOutcome, RepairPlace
from tests.aids.fixtures import cycle_to


def shift(db_session, item, step: Step, days: int) -> None:
    """Move an aid's journal entries of `step` `days` into the past."""
    for entry in db_session.scalars(select(AidStep).where(AidStep.item_id == item.id,
                                                          AidStep.step == step)):  # fmt: skip
        entry.at -= timedelta(days=days)
    db_session.commit()


def test_figures_count_states_turnaround_reuse_and_faults(app, db_session, depot, make_aid,
                                                          make_category, step):  # fmt: skip
    beds = make_category("Care beds", kind=CategoryKind.ASSISTIVE_AID, replacement_value=24000)
    group = records.save_group(db_session, "Lifting", forced=False)
    records.save_plan(db_session, depot.lifts, service_days=None, inspection_days=180,
                      checklist="", step_days={}, group=group)  # fmt: skip
    db_session.commit()
    reused = make_aid("Lift A", purchase_price=30000)
    cycle_to(step, reused, depot, Step.ISSUED)
    shift(db_session, reused, Step.RETURNED, 4)  # four days from its return to ready
    kept = make_aid("Lift B", purchase_price=10000)
    cycle_to(step, kept, depot, Step.READY)
    db_session.get(Aid, kept.id).since -= timedelta(days=6)  # ready, idle six days
    db_session.commit()
    bed = make_aid("Bed", category=beds)
    cycle_to(step, bed, depot, Step.CLEANED)
    step(bed, Step.INSPECTED, passed=False, notes="Motor dead")
    db_session.get(Aid, bed.id).iso_class = "18 12 10"
    db_session.commit()

    found = aid_figures(db_session, access.item_scope(depot.manager), now=utcnow(),
                        category_label=lambda item: item.category.name)  # fmt: skip
    lifts = next(row for row in found.by_category if row.label == "Patient lifts")
    assert lifts.states[AidState.ISSUED] == 1 and lifts.states[AidState.READY] == 1
    assert lifts.total == 2
    assert round(lifts.median_to_ready) == 2  # 4 days and about 0: the median of the two
    assert round(lifts.median_idle) == 6
    assert (lifts.reissued, lifts.returned) == (1, 2) and lifts.reuse_rate == 0.5
    assert lifts.reuse_rate_by_value == 0.75  # 30 000 of 40 000
    assert [row.label for row in found.by_group] == ["Lifting"]
    assert found.by_group[0].total == 2
    assert found.total.total == 3 and found.total.states[AidState.IN_REPAIR] == 1
    assert found.faults_by_iso == [("18 12 10", 1, 1), ("", 2, 0)]


def test_figures_weigh_repair_cost_per_unit_against_replacement(app, db_session, depot,
                                                                make_aid, step):  # fmt: skip
    lift = make_aid("Lift A")
    cycle_to(step, lift, depot, Step.CLEANED)
    step(lift, Step.INSPECTED, passed=False, notes="Motor dead")
    with app.test_request_context():
        job = repairs.send_to_repair(
            db_session, lift, repairs.Sending("Motor dead", RepairPlace.WORKSHOP),
            by=depot.manager, now=utcnow(),
        )  # fmt: skip
        repairs.add_line(db_session, job, repairs.Line(LineKind.PART, "Motor", Decimal(1),
                         Decimal(6000)), actor=repairs.Actor(depot.manager), now=utcnow())  # fmt: skip
        repairs.approve(db_session, job, by=depot.manager, now=utcnow())
        repairs.mark_repaired(db_session, job, actor=repairs.Actor(depot.manager), now=utcnow())
        repairs.return_item(db_session, job, RepairOutcome.AID_CYCLE, by=depot.manager,
                            now=utcnow())  # fmt: skip
        db_session.commit()
    assert db_session.get(Aid, lift.id).status == AidState.IN_REPAIR  # its inspection moves it
    found = aid_figures(db_session, access.item_scope(depot.manager), now=utcnow(),
                        category_label=lambda item: item.category.name)  # fmt: skip
    lifts = found.by_category[0]
    assert lifts.repaired == 1
    # the parts and labour recorded, against the category's replacement value
    assert (lifts.repair_cost_per_unit, lifts.replacement_per_unit) == (6000, 42000)


def test_the_figures_page_shows_each_category_and_the_faults(client, login, depot, make_aid,
                                                             step):  # fmt: skip
    cycle_to(step, make_aid("Lift A", purchase_date=date.today()), depot, Step.READY)
    login(client, depot.manager)
    page = client.get("/aids/figures").get_data(as_text=True)
    assert "Patient lifts" in page and "Faults by ISO 9999 class" in page
    assert "(0/1)" in page  # returned once, not out again yet
