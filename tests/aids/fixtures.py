"""Fixtures of the aid tests (imported by tests/aids and tests/api conftest): a depot with a category of lifts, its plan and kit, and steps
taken as a view takes them."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import CategoryKind, Department, Item, Storeroom
from reuse.aids import records
from reuse.aids.cycle import Details, take_step
from reuse.aids.states import Step


@dataclass
class Depot:
    department: Department
    storeroom: Storeroom
    lifts: object
    slings: object
    manager: object
    home_care: Department


@pytest.fixture
def depot(db_session, make_department, make_user, make_storeroom, make_category) -> Depot:
    department = make_department("Aid depot")
    lifts = make_category("Patient lifts", kind=CategoryKind.ASSISTIVE_AID,
                          replacement_value=42000)  # fmt: skip
    slings = make_category("Slings", kind=CategoryKind.ASSISTIVE_AID)
    records.save_plan(db_session, lifts, service_days=365, inspection_days=180,
                      checklist="Brakes\nSling bar\nBattery", step_days={"cleaned": 2},
                      group=None)  # fmt: skip
    db_session.commit()
    manager = make_user(Role.MANAGER, department=department)
    return Depot(department, make_storeroom("DEP"), lifts, slings, manager,
                 make_department("Home care north"))  # fmt: skip


@pytest.fixture
def make_aid(make_item, depot):
    def make(name: str = "Lift Molift", **fields) -> Item:
        fields.setdefault("purchase_date", date.today() - timedelta(days=30))
        fields.setdefault("category", depot.lifts)
        return make_item(name, department=depot.department, storeroom=depot.storeroom,
                         **fields)  # fmt: skip

    return make


@pytest.fixture
def step(app, db_session, depot):
    """Take a step as the depot's manager, committed like a view's request."""

    def take(item: Item, what: Step, *, by=None, today: date | None = None, **details):
        with app.test_request_context():
            aid = take_step(db_session, item, what, Details(**details), by=by or depot.manager,
                            now=utcnow(), today=today or date.today())  # fmt: skip
            db_session.commit()
        return aid

    return take


def cycle_to(step, item, depot, last: Step) -> None:
    """Take an aid from its return up to `last`, in order."""
    order = [(Step.RETURNED, {}), (Step.CLEANED, {"method": "Wiped", "agent": "Ethanol 70%"}),
             (Step.INSPECTED, {"passed": True}), (Step.READY, {}),
             (Step.ISSUED, {"to": depot.home_care, "unit": "Team 2"})]  # fmt: skip
    for what, details in order:
        step(item, what, **details)
        if what == last:
            return
