"""Equivalent aids, oldest first: a request for a category is met from its equivalence group,
the ready unit with the oldest purchase proposed; passing it over in a forced group needs a
reason; the choice, the proposal and the reason are recorded. And a service recorded on the
aid card starts the count to the next one."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.timeutil import utcnow
from inventory import access
from inventory.models import CategoryKind, EventKind, ItemEvent
from reuse.aids import cycle, proposals, records
from reuse.aids.cycle import AidRefused
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from reuse.repairs import services as repairs
from reuse.repairs.models import RepairOutcome, RepairPlace
from tests.aids.fixtures import cycle_to


@pytest.fixture
def group(db_session, depot, make_category):
    """Mobile and ceiling lifts in one group, forced unless a test says otherwise."""
    lifts = records.save_group(db_session, "Lifts", forced=True)
    ceiling = make_category("Ceiling lifts", kind=CategoryKind.ASSISTIVE_AID)
    for category in (depot.lifts, ceiling):
        records.save_plan(db_session, category, service_days=None, inspection_days=180,
                          checklist="", step_days={}, group=lifts)  # fmt: skip
    db_session.commit()
    return lifts, ceiling


def ready_aid(make_aid, step, depot, name: str, bought_days_ago: int, **fields):
    item = make_aid(name, purchase_date=date.today() - timedelta(days=bought_days_ago), **fields)
    cycle_to(step, item, depot, Step.READY)
    return item


def issue(app, db_session, depot, category, chosen, reason=""):
    with app.test_request_context():
        aid = cycle.issue_for(
            db_session, category, chosen, to=depot.home_care, unit="Team 1", reason=reason,
            scope=access.item_scope(depot.manager), by=depot.manager, now=utcnow(),
            today=date.today(),
        )  # fmt: skip
        db_session.commit()
    return aid


def test_the_oldest_ready_unit_of_the_group_is_proposed_across_its_categories(
    app, db_session, depot, make_aid, step, group
):
    _lifts, ceiling = group
    newer = ready_aid(make_aid, step, depot, "Mobile lift", 100)
    oldest = ready_aid(make_aid, step, depot, "Ceiling lift", 150, category=ceiling)
    ready_aid(make_aid, step, depot, "Mobile lift", 120)
    offer = proposals.offer(db_session, depot.lifts, access.item_scope(depot.manager),
                            today=date.today())  # fmt: skip
    assert offer.proposed.item_id == oldest.id
    assert [aid.item.purchase_date for aid in offer.aids] == sorted(
        aid.item.purchase_date for aid in offer.aids
    )
    assert newer.id == offer.aids[-1].item_id


def test_an_aid_overdue_for_inspection_is_not_proposed(app, db_session, depot, make_aid, step,
                                                       group):  # fmt: skip
    late = ready_aid(make_aid, step, depot, "Old lift", 400)
    db_session.get(Aid, late.id).last_inspected_on = date.today() - timedelta(days=200)
    db_session.commit()
    fine = ready_aid(make_aid, step, depot, "Young lift", 100)
    offer = proposals.offer(db_session, depot.lifts, access.item_scope(depot.manager),
                            today=date.today())  # fmt: skip
    assert [aid.item_id for aid in offer.aids] == [fine.id]


def test_a_forced_group_refuses_passing_the_oldest_over_without_a_reason(
    app, db_session, depot, make_aid, step, group
):
    oldest = ready_aid(make_aid, step, depot, "Old lift", 300)
    other = ready_aid(make_aid, step, depot, "New lift", 10)
    with pytest.raises(AidRefused, match="forced group"):
        issue(app, db_session, depot, depot.lifts, other)
    db_session.rollback()
    assert db_session.get(Aid, other.id).status == AidState.READY
    aid = issue(app, db_session, depot, depot.lifts, other, reason="Needs the higher lift")
    assert aid.status == AidState.ISSUED
    entry = db_session.scalars(select(AidStep).where(AidStep.item_id == other.id,
                                                     AidStep.step == Step.ISSUED)).one()  # fmt: skip
    assert (entry.proposed_item_id, entry.override_reason) == (oldest.id,
                                                               "Needs the higher lift")  # fmt: skip
    event = db_session.scalars(select(ItemEvent).where(ItemEvent.item_id == other.id,
                               ItemEvent.kind == EventKind.AID_STEP)
                               .order_by(ItemEvent.id.desc())).first()  # fmt: skip
    with app.test_request_context():
        assert f"in place of {oldest.tag}, the oldest: Needs the higher lift" in event.note_text


def test_an_optional_group_lets_another_go_and_records_the_proposal(
    app, db_session, depot, make_aid, step, group
):
    lifts, _ceiling = group
    lifts.forced = False
    db_session.commit()
    oldest = ready_aid(make_aid, step, depot, "Old lift", 300)
    other = ready_aid(make_aid, step, depot, "New lift", 10)
    issue(app, db_session, depot, depot.lifts, other)
    entry = db_session.scalars(select(AidStep).where(AidStep.step == Step.ISSUED)).one()
    assert (entry.proposed_item_id, entry.override_reason) == (oldest.id, "")
    issue(app, db_session, depot, depot.lifts, oldest)  # the proposal, now the only one
    assert db_session.get(Aid, oldest.id).status == AidState.ISSUED


def test_a_unit_not_on_offer_is_refused(app, db_session, depot, make_aid, step, group):
    returned = make_aid("Lift back")
    cycle_to(step, returned, depot, Step.RETURNED)
    with pytest.raises(AidRefused, match="not one of the ready aids"):
        issue(app, db_session, depot, depot.lifts, returned)


def test_the_issue_page_proposes_the_oldest_and_issues_the_choice_with_its_accessories(
    client, login, db_session, depot, make_aid, make_item, step, group
):
    oldest = ready_aid(make_aid, step, depot, "Old lift", 300)
    newer = ready_aid(make_aid, step, depot, "New lift", 10)
    sling = make_item("Sling M", department=depot.department, storeroom=depot.storeroom,
                      category=depot.slings)  # fmt: skip
    with client.application.test_request_context():
        records.link_accessory(db_session, db_session.get(Aid, newer.id), sling,
                               by=depot.manager, now=utcnow())  # fmt: skip
    db_session.commit()
    login(client, depot.manager)
    page = client.get(f"/aids/issue?category={depot.lifts.id}").get_data(as_text=True)
    assert page.index(oldest.tag) < page.index(newer.tag) < page.index("Sling M")
    assert f'value="{oldest.id}" checked' in page
    form = {"category": str(depot.lifts.id), "chosen": str(newer.id),
            "to": str(depot.home_care.id), "unit": "Night team"}  # fmt: skip
    refused = client.post("/aids/issue", data=form, follow_redirects=True)
    assert "forced group" in refused.get_data(as_text=True)
    assert db_session.get(Aid, newer.id).status == AidState.READY
    answer = client.post("/aids/issue", data={**form, "reason": "Bariatric sling fits it"})
    assert answer.status_code == 302
    db_session.expire_all()
    assert db_session.get(Aid, newer.id).status == AidState.ISSUED
    assert sling.storeroom_id is None and "Night team" in sling.place


def test_a_service_on_the_card_lets_an_aid_overdue_for_service_be_issued(
    client, login, db_session, depot, make_aid, step
):
    lift = make_aid("Old lift", purchase_date=date.today() - timedelta(days=500))
    cycle_to(step, lift, depot, Step.READY)  # inspected today; service overdue since purchase
    with pytest.raises(AidRefused, match="service was due"):
        step(lift, Step.ISSUED, to=depot.home_care)
    db_session.rollback()
    login(client, depot.manager)
    page = client.get(f"/items/{lift.id}").get_data(as_text=True)
    assert "Record a service" in page
    client.post(f"/aids/items/{lift.id}/service", data={"service-notes": "New battery"})
    db_session.expire_all()
    assert db_session.get(Aid, lift.id).last_serviced_on == date.today()
    step(lift, Step.ISSUED, to=depot.home_care)
    assert db_session.get(Aid, lift.id).status == AidState.ISSUED


def test_the_forced_group_holds_on_the_aid_card_too(
    client, login, db_session, depot, make_aid, step, group
):
    oldest = ready_aid(make_aid, step, depot, "Old lift", 300)
    newer = ready_aid(make_aid, step, depot, "New lift", 10)
    login(client, depot.manager)
    card = {"issued-step": "issued", "issued-to": str(depot.home_care.id)}
    page = client.post(f"/aids/items/{newer.id}/step", data=card, follow_redirects=True)
    assert f"the oldest ready unit, {oldest.tag}, goes first" in page.get_data(as_text=True)
    assert db_session.get(Aid, newer.id).status == AidState.READY
    client.post(f"/aids/items/{newer.id}/step",
                data={**card, "issued-override_reason": "Fits the narrow door"})  # fmt: skip
    db_session.expire_all()
    entry = db_session.scalars(select(AidStep).where(AidStep.step == Step.ISSUED)).one()
    assert (entry.item_id, entry.proposed_item_id) == (newer.id, oldest.id)
    assert entry.override_reason == "Fits the narrow door"


def test_an_aid_with_an_open_repair_job_is_not_issued(app, db_session, depot, make_aid, step):
    lift = make_aid()
    cycle_to(step, lift, depot, Step.READY)
    with app.test_request_context():
        repairs.send_to_repair(db_session, lift, repairs.Sending("Cracked bar",
                               RepairPlace.WORKSHOP), by=depot.manager, now=utcnow())  # fmt: skip
        db_session.commit()
    with pytest.raises(AidRefused, match="in repair"):
        step(lift, Step.ISSUED, to=depot.home_care)
    db_session.rollback()
    assert db_session.get(Aid, lift.id).status == AidState.READY


def test_an_aid_in_repair_passes_its_inspection_only_once_the_repair_is_back(
    app, db_session, depot, make_aid, step
):
    lift = make_aid()
    cycle_to(step, lift, depot, Step.CLEANED)
    step(lift, Step.INSPECTED, passed=False, notes="Cracked bar")
    with app.test_request_context():
        job = repairs.send_to_repair(db_session, lift, repairs.Sending("Cracked bar",
                                     RepairPlace.WORKSHOP), by=depot.manager, now=utcnow())  # fmt: skip
        db_session.commit()
    with pytest.raises(AidRefused, match="once the repair is back"):
        step(lift, Step.INSPECTED, passed=True)
    db_session.rollback()
    with app.test_request_context():
        repairs.approve(db_session, job, by=depot.manager, now=utcnow())
        repairs.mark_repaired(db_session, job, actor=repairs.Actor(depot.manager), now=utcnow())
        repairs.return_item(db_session, job, RepairOutcome.AID_CYCLE, by=depot.manager,
                            now=utcnow())  # fmt: skip
        db_session.commit()
    step(lift, Step.INSPECTED, passed=True)
    assert db_session.get(Aid, lift.id).status == AidState.INSPECTED
