"""The aid card on the item page (what a scanned label opens), its step buttons, the journal
and the overview, as warehouse staff use them."""

from datetime import date, timedelta

from sqlalchemy import func, select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals
from inventory.models import Disposition, ItemEvent
from reuse.aids import records
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from tests.aids.fixtures import cycle_to


def post_step(client, item, step: str, **fields):
    data = {f"{step}-step": step, **{f"{step}-{k}": v for k, v in fields.items()}}
    return client.post(f"/aids/items/{item.id}/step", data=data)


def test_the_card_offers_the_next_steps_and_a_button_takes_one(
    client, login, db_session, depot, make_aid, make_user
):
    lift = make_aid()
    staff = make_user(Role.STAFF, department=depot.department)
    login(client, staff)
    page = client.get(f"/s/{lift.tag}", follow_redirects=True).get_data(as_text=True)
    assert "Not in the aid cycle yet" in page and 'name="returned-step"' in page
    assert post_step(client, lift, "returned").status_code == 302
    page = client.get(f"/items/{lift.id}").get_data(as_text=True)
    assert 'name="cleaned-step"' in page and 'name="quarantined-step"' in page
    assert 'name="issued-step"' not in page
    post_step(client, lift, "cleaned", method="Washer-disinfector", agent="Virkon")
    post_step(client, lift, "inspected", passed="no", notes="Sling bar cracked",
              checks=["Brakes", "Battery"])  # fmt: skip
    aid = db_session.get(Aid, lift.id)
    db_session.refresh(aid)
    assert aid.status == AidState.IN_REPAIR
    inspection = db_session.scalars(select(AidStep).where(AidStep.step == Step.INSPECTED)).one()
    assert inspection.checks == [["Brakes", True], ["Sling bar", False], ["Battery", True]]
    assert inspection.by_name == staff.display_name


def test_a_step_out_of_order_is_told_and_changes_nothing(client, login, db_session, depot,
                                                          make_aid, step):  # fmt: skip
    lift = make_aid()
    step(lift, Step.RETURNED)
    login(client, depot.manager)
    answer = post_step(client, lift, "issued", to=str(depot.home_care.id))
    assert answer.status_code == 302
    page = client.get(answer.location).get_data(as_text=True)
    assert "that step does not come next" in page
    assert db_session.scalar(select(func.count()).select_from(AidStep)) == 1


def test_a_requester_sees_no_buttons_and_may_not_step(client, login, db_session, depot,
                                                      make_aid, make_user):  # fmt: skip
    lift = make_aid()
    requester = make_user(Role.REQUESTER, department=depot.department)
    login(client, requester)
    page = client.get(f"/items/{lift.id}").get_data(as_text=True)
    assert "Assistive aid" in page and 'name="returned-step"' not in page
    assert post_step(client, lift, "returned").status_code == 403
    assert db_session.get(Aid, lift.id) is None


def test_the_journal_lists_every_inspection_and_downloads_as_csv(client, login, depot,
                                                                 make_aid, step):  # fmt: skip
    lift = make_aid()
    cycle_to(step, lift, depot, Step.CLEANED)
    step(lift, Step.INSPECTED, passed=False, notes="Brake worn", checks=[("Brakes", False)])
    step(lift, Step.INSPECTED, passed=True, checks=[("Brakes", True)])
    login(client, depot.manager)
    page = client.get(f"/aids/items/{lift.id}/journal").get_data(as_text=True)
    assert page.count("Brakes:") == 2 and "Brake worn" in page
    csv = client.get(f"/aids/items/{lift.id}/journal?format=csv&sep=comma")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 3 and "Passed" in lines[1] and "Brake worn" in lines[2]


def test_the_overview_lists_overdue_maintenance_by_storeroom_and_aids_stuck_in_a_step(
    client, login, db_session, depot, make_aid, step
):
    late = make_aid("Lift Old", purchase_date=date.today() - timedelta(days=900))
    cycle_to(step, late, depot, Step.RETURNED)
    stuck = make_aid("Lift Stuck")
    cycle_to(step, stuck, depot, Step.CLEANED)  # cleaned: allowed 2 days
    aid = db_session.get(Aid, stuck.id)
    aid.since -= timedelta(days=5)
    db_session.commit()
    records.save_plan(db_session, depot.lifts, service_days=365, inspection_days=180,
                      checklist="", step_days={"cleaned": 2}, group=None)  # fmt: skip
    db_session.commit()
    login(client, depot.manager)
    page = client.get("/aids").get_data(as_text=True)
    stuck_part = page.split("Stuck in a step")[1].split("Maintenance due")[0]
    assert stuck.tag in stuck_part and late.tag not in stuck_part
    due_part = page.split("Maintenance due")[1]
    assert "DEP" in due_part and late.tag in due_part and "overdue" in due_part


def test_the_scan_mode_takes_the_chosen_step_on_each_aid_scanned(client, login, db_session,
                                                                  depot, make_aid, step,
                                                                  make_user):  # fmt: skip
    first, second, issued = make_aid("Lift 1"), make_aid("Lift 2"), make_aid("Lift 3")
    for lift in (first, second):
        step(lift, Step.RETURNED)
    login(client, make_user(Role.STAFF, department=depot.department))
    url = "/aids/scan?step=cleaned&method=Washer-disinfector&agent=Virkon"
    page = client.get(url).get_data(as_text=True)
    assert "Aid step: Clean" in page and 'data-mode="aid"' in page
    for lift in (first, second):
        answer = client.post(url, data={"code": lift.tag})
        assert answer.status_code == 302 and "method=Washer-disinfector" in answer.location
    cleanings = db_session.scalars(select(AidStep).where(AidStep.step == Step.CLEANED)).all()
    assert sorted((c.item_id, c.method, c.agent) for c in cleanings) == [
        (first.id, "Washer-disinfector", "Virkon"),
        (second.id, "Washer-disinfector", "Virkon"),
    ]
    refused = client.post(url, data={"code": issued.tag}, follow_redirects=True)
    assert "not in the aid cycle yet" in refused.get_data(as_text=True)
    assert db_session.get(Aid, issued.id) is None
    inspect = client.post("/aids/scan?step=inspected", data={"code": first.tag})
    assert inspect.location.endswith(f"/items/{first.id}#aid")


def test_department_staff_have_no_aid_scan_mode(client, login, db_session, depot, make_aid,
                                                 make_user):  # fmt: skip
    lift = make_aid()
    requester = make_user(Role.REQUESTER, department=depot.department)
    login(client, requester)
    assert client.get("/aids/scan").status_code == 403
    assert client.post("/aids/scan?step=returned", data={"code": lift.tag}).status_code == 403
    assert db_session.get(Aid, lift.id) is None


def test_odd_posts_and_ids_are_told_not_a_server_error(client, login, db_session, depot,
                                                       make_aid, step):  # fmt: skip
    lift = make_aid()
    cycle_to(step, lift, depot, Step.READY)
    login(client, depot.manager)
    page = client.post(f"/aids/items/{lift.id}/step", data={}, follow_redirects=True)
    assert page.status_code == 200 and "Choose a step." in page.get_data(as_text=True)
    for to in ("²", "9" * 25, "-1"):
        data = {"issued-step": "issued", "issued-to": to}
        page = client.post(f"/aids/items/{lift.id}/step", data=data, follow_redirects=True)
        assert "Choose the department the aid is issued to." in page.get_data(as_text=True)
    for category in ("²", "9" * 25):
        assert client.get(f"/aids/issue?category={category}").status_code == 200
    issue = {"category": str(depot.lifts.id), "to": str(depot.home_care.id)}
    assert client.post("/aids/issue", data={**issue, "chosen": "²"}).status_code == 404
    assert db_session.get(Aid, lift.id).status == AidState.READY


def test_a_disposed_aids_record_is_closed(app, client, login, db_session, depot, make_aid,
                                          step):  # fmt: skip
    lift = make_aid()
    step(lift, Step.RETURNED)
    with app.test_request_context():
        disposals.dispose_item(db_session, lift, Disposition.SCRAPPED, by=depot.manager,
                               now=utcnow())  # fmt: skip
    db_session.commit()
    events = db_session.scalar(select(func.count()).select_from(ItemEvent))
    login(client, depot.manager)
    page = client.post(f"/aids/items/{lift.id}/service", data={"service-notes": "Oiled"},
                       follow_redirects=True)  # fmt: skip
    assert "no longer in the aid cycle" in page.get_data(as_text=True)
    client.post(f"/aids/items/{lift.id}/record", data={"record-iso_class": "12 36 03"})
    assert db_session.scalar(select(func.count()).select_from(ItemEvent)) == events
    assert db_session.get(Aid, lift.id).last_serviced_on is None
