"""The aid calls: a step answers 200 with the new state, or 409 with the reason and no
change; the ready list comes oldest purchase first, by category and what the user may see."""

from datetime import date

from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import CategoryKind
from reuse.aids import records
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from tests.aids.fixtures import cycle_to


def test_a_step_answers_the_new_state_and_one_out_of_order_is_a_409_changing_nothing(
    db_session,
    depot,
    make_aid,
    api_as,
):
    lift = make_aid(serial_number="SN-1")
    api = api_as(depot.manager)
    path = f"/api/v1/items/{lift.tag.lower()}/steps"
    answer = api.post(path, json={"step": "returned"})
    assert answer.status_code == 200, answer.json
    assert answer.json["state"] == "returned" and answer.json["tag"] == lift.tag
    answer = api.post(path, json={"step": "issued", "to": depot.home_care.id})
    assert answer.status_code == 409
    assert "does not come next" in answer.json["error"]["message"]
    assert db_session.get(Aid, lift.id).status == AidState.RETURNED
    for body in ({"step": "cleaned", "method": "Wiped", "agent": "Ethanol"},
                 {"step": "inspected", "passed": True, "checks": [{"check": "Brakes",
                                                                   "passed": True}]},
                 {"step": "ready"}, {"step": "issued", "to": depot.home_care.id,
                                     "unit": "Team 2"}):  # fmt: skip
        answer = api.post(path, json=body)
        assert answer.status_code == 200, answer.json
    assert answer.json["state"] == "issued" and answer.json["issued_unit"] == "Team 2"
    assert answer.json["storeroom"] is None and answer.json["next_inspection"]


def test_a_bad_body_is_a_422_and_a_refused_step_says_why(db_session, depot, make_aid, api_as):
    lift = make_aid()
    api = api_as(depot.manager)
    path = f"/api/v1/items/{lift.tag}/steps"
    assert api.post(path, json={"step": "polished"}).status_code == 422
    assert api.post(path, json={"step": "returned", "colour": "red"}).status_code == 422
    answer = api.post(path, json={"step": "returned", "storeroom": "NOPE"})
    assert answer.status_code == 422 and answer.json["error"]["field"] == "storeroom"
    api.post(path, json={"step": "returned"})
    answer = api.post(path, json={"step": "cleaned"})
    assert (
        answer.status_code == 409 and "how the aid was cleaned" in answer.json["error"]["message"]
    )
    steps = db_session.scalar(select(func.count()).where(AidStep.item_id == lift.id))
    assert steps == 1


def test_who_may_step_an_aid(db_session, depot, make_aid, make_user, api_as):
    lift = make_aid()
    requester = make_user(Role.REQUESTER, department=depot.department)
    answer = api_as(requester).post(f"/api/v1/items/{lift.tag}/steps", json={"step": "returned"})
    assert answer.status_code == 403
    assert db_session.get(Aid, lift.id) is None


def test_ready_aids_come_oldest_purchase_first_by_category(
    db_session,
    depot,
    make_aid,
    make_category,
    step,
    api_as,
):
    small = make_category("Small lifts", parent=depot.lifts, kind=CategoryKind.ASSISTIVE_AID)
    tags = {}
    for name, bought, category in [("New", date(2024, 5, 1), depot.lifts),
                                   ("Old", date(2019, 1, 1), small),
                                   ("Unknown", None, depot.lifts),
                                   ("Middle", date(2021, 3, 1), depot.lifts)]:  # fmt: skip
        lift = make_aid(name, purchase_date=bought, category=category)
        cycle_to(step, lift, depot, Step.READY)
        tags[name] = lift.tag
    busy = make_aid("Issued")
    cycle_to(step, busy, depot, Step.ISSUED)
    api = api_as(depot.manager)
    answer = api.get("/api/v1/aids/ready")
    assert [row["tag"] for row in answer.json["items"]] == [
        tags["Old"], tags["Middle"], tags["New"], tags["Unknown"]]  # fmt: skip
    assert answer.json["items"][0]["purchase_date"] == "2019-01-01"
    only_small = api.get(f"/api/v1/aids/ready?category={small.id}").json["items"]
    assert [row["tag"] for row in only_small] == [tags["Old"]]
    assert api.get("/api/v1/aids/ready?category=999999").status_code == 422


def test_an_issue_through_the_api_keeps_to_a_forced_group(db_session, depot, make_aid, step,
                                                          api_as):  # fmt: skip
    group = records.save_group(db_session, "Lifts", forced=True)
    records.save_plan(db_session, depot.lifts, service_days=None, inspection_days=180,
                      checklist="", step_days={}, group=group)  # fmt: skip
    db_session.commit()
    old, new = (make_aid(name, purchase_date=date(year, 1, 1))
                for name, year in (("Old", 2018), ("New", 2024)))  # fmt: skip
    for lift in (old, new):
        cycle_to(step, lift, depot, Step.READY)
    api = api_as(depot.manager)
    body = {"step": "issued", "to": depot.home_care.id}
    answer = api.post(f"/api/v1/items/{new.tag}/steps", json=body)
    assert answer.status_code == 409 and old.tag in answer.json["error"]["message"]
    assert db_session.get(Aid, new.id).status == AidState.READY
    answer = api.post(f"/api/v1/items/{new.tag}/steps",
                      json={**body, "override_reason": "Fits the narrow door"})  # fmt: skip
    assert answer.status_code == 200 and answer.json["state"] == "issued"
