"""The managers' plan pages: a category's intervals, checklist, step limits, group and kit,
saved with an audit row; groups made and renamed; staff may not change them."""

from sqlalchemy import select

from app.audit.models import AuditAction, AuditEvent, AuditObject
from app.auth.roles import Role
from inventory.models import CategoryKind
from reuse.aids import plans
from reuse.aids.models import AidPlan, EquivalenceGroup


def test_a_manager_sets_a_plan_with_kit_group_and_step_limits(client, login, db_session,
                                                              depot, make_category):  # fmt: skip
    chargers = make_category("Chargers", kind=CategoryKind.EQUIPMENT)
    login(client, depot.manager)
    assert (
        client.post("/aids/groups", data={"new-name": "Lifts", "new-forced": "y"}).status_code
        == 302
    )
    group = db_session.scalars(select(EquivalenceGroup)).one()
    assert group.forced
    page = client.get("/aids/plans").get_data(as_text=True)
    assert "Patient lifts" in page and "Lifts" in page
    form = client.get(f"/aids/plans/{depot.lifts.id}").get_data(as_text=True)
    assert 'value="180"' in form and "Sling bar" in form
    answer = client.post(f"/aids/plans/{depot.lifts.id}", data={
        "service_days": "182", "inspection_days": "365", "checklist": "Motor\n\n Battery ",
        "group": str(group.id), "kit": [str(depot.slings.id), str(chargers.id)],
        "days_returned": "2", "days_in_repair": "30",
    })  # fmt: skip
    assert answer.status_code == 302
    db_session.expire_all()
    plan = db_session.get(AidPlan, depot.lifts.id)
    assert (plan.service_days, plan.inspection_days, plan.checks) == (
        182,
        365,
        ["Motor", "Battery"],
    )
    assert plan.step_days == {"returned": 2, "in_repair": 30} and plan.group_id == group.id
    assert {c.name for c in plans.kit_parts(db_session, depot.lifts.id)} == {"Slings", "Chargers"}
    event = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.CATEGORY_CHANGED)).one()  # fmt: skip
    assert event.before["inspection_days"] == 180 and event.after["inspection_days"] == 365
    assert event.after["kit"] == ["Chargers", "Slings"] and event.after["group"] == "Lifts"


def test_bad_plan_values_are_told_and_change_nothing(client, login, db_session, depot):
    login(client, depot.manager)
    answer = client.post(f"/aids/plans/{depot.lifts.id}", data={
        "service_days": "0", "inspection_days": "many", "kit": [str(depot.lifts.id)],
    })  # fmt: skip
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "Not a valid choice" in page or "not a valid choice" in page.lower()
    db_session.expire_all()
    assert db_session.get(AidPlan, depot.lifts.id).inspection_days == 180


def test_a_group_name_taken_is_refused_and_a_group_is_renamed(client, login, db_session,
                                                               depot):  # fmt: skip
    login(client, depot.manager)
    client.post("/aids/groups", data={"new-name": "Rollators"})
    client.post("/aids/groups", data={"new-name": "Wheelchairs"})
    page = client.post("/aids/groups", data={"new-name": "rollators"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "There is already a group named Rollators" in page
    group = db_session.scalars(select(EquivalenceGroup).where(
        EquivalenceGroup.name == "Wheelchairs")).one()  # fmt: skip
    client.post(
        f"/aids/groups/{group.id}",
        data={f"group{group.id}-name": "Manual wheelchairs", f"group{group.id}-forced": "y"},
    )
    db_session.expire_all()
    assert (group.name, group.forced) == ("Manual wheelchairs", True)
    trail = db_session.scalars(select(AuditEvent).where(AuditEvent.object_id == group.id,
                               AuditEvent.object_type == AuditObject.AID_GROUP)
                               .order_by(AuditEvent.id)).all()  # fmt: skip
    assert [e.action for e in trail] == [AuditAction.AID_GROUP_CREATED,
                                         AuditAction.AID_GROUP_CHANGED]  # fmt: skip
    assert trail[1].before == {"name": "Wheelchairs", "forced": False}
    assert db_session.query(EquivalenceGroup).count() == 2


def test_staff_may_not_change_plans(client, login, db_session, depot, make_user):
    login(client, make_user(Role.STAFF, department=depot.department))
    assert client.get("/aids/plans").status_code == 403
    assert (
        client.post(f"/aids/plans/{depot.lifts.id}", data={"inspection_days": "1"}).status_code
        == 403
    )
    assert client.post("/aids/groups", data={"new-name": "Mine"}).status_code == 403
    db_session.expire_all()
    assert db_session.get(AidPlan, depot.lifts.id).inspection_days == 180
