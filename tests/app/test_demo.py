"""`flask demo` on an empty database shows every part at work (issue 18): these tests name the
parts and check each is there, with the figures the pages need to look real. The demo is
loaded once for the module (it takes seconds) and the tables emptied after its last test."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.roles import Role
from app.timeutil import utcnow
from imports.models import BatchStatus, ImportBatch
from inventory import queries
from inventory.models import (
    Category,
    Department,
    Disposition,
    EventKind,
    Item,
    ItemEvent,
    ItemPhoto,
    ItemStatus,
    Site,
    Storeroom,
)
from labels.models import PrinterProfile, ReservedTag, Scan, Stocktake
from reuse.aids import plans
from reuse.aids.models import Aid, AidStep, EquivalenceGroup
from reuse.aids.states import AidState
from reuse.demand.models import BuyCheck, BuyCheckOutcome, Watch, Wish
from reuse.listings.models import Closing, Listing, Tier
from reuse.listings.states import ListingStatus
from reuse.notices.models import Notification
from reuse.outside.models import Interest
from reuse.repairs.models import RepairJob, RepairPlace
from reuse.repairs.states import RepairStatus
from reuse.requests.models import TransferRequest
from reuse.requests.states import RequestStatus
from tests.conftest import empty_all_tables


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture(scope="module")
def demo(app):
    """The demo loaded into the empty database; its output."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield result.output
    with app.app_context():
        empty_all_tables()


@pytest.fixture(autouse=True)
def _clean_database():
    """The module's tests only read the demo: the tables are emptied once, by `demo`."""
    yield


def test_demo_has_people_places_and_swedish_categories_with_translations(demo, db_session):
    assert count(db_session, User) >= 10 and count(db_session, Department) >= 4
    assert count(db_session, Site) >= 3 and count(db_session, Storeroom) >= 6
    assert {user.role for user in db_session.scalars(select(User))} == set(Role)
    assert all(user.email in demo for user in db_session.scalars(select(User)))
    chair = db_session.scalar(select(Category).where(Category.name == "Kontorsstol"))
    assert chair.path == "Möbler > Stolar > Kontorsstol"
    assert chair.path_in("en") == "Furniture > Chairs > Office chair"
    assert all(set(c.names) == {"en", "da", "nl"} for c in db_session.scalars(select(Category)))
    leaves = db_session.scalars(select(Category).where(Category.replacement_value.is_not(None)))
    assert all(c.co2e_kg is not None for c in leaves)


def test_demo_stock_has_photos_history_lots_and_every_disposal(demo, db_session):
    assert count(db_session, Item) >= 300 and count(db_session, Item, Item.quantity > 1) > 10
    assert count(db_session, ItemPhoto) >= 50
    kinds = set(db_session.scalars(select(ItemEvent.kind).distinct()))
    assert set(EventKind) - kinds == set(), set(EventKind) - kinds
    disposed = set(
        db_session.scalars(select(Item.disposition).where(Item.disposition.is_not(None)))
    )
    assert disposed == set(Disposition)


def test_demo_scans_span_eighteen_months_and_some_things_are_forgotten(demo, db_session):
    first, last = db_session.execute(
        select(func.min(Scan.scanned_at), func.max(Scan.scanned_at))
    ).one()
    assert last - first >= timedelta(days=18 * 30)
    year_ago = utcnow() - timedelta(days=365)
    recent = select(func.count(func.distinct(Scan.item_id))).where(Scan.scanned_at > year_ago)
    assert db_session.scalar(recent) > 100
    forgotten = db_session.scalars(queries.not_seen_since(year_ago)).all()
    stored = count(db_session, Item, Item.storeroom_id.is_not(None), Item.status != "disposed")
    assert 5 <= len(forgotten) < stored / 4
    assert any(item.last_seen_at is None for item in forgotten)
    assert any(item.last_seen_at is not None for item in forgotten)


def test_demo_has_a_finished_stocktake_an_import_and_labels(demo, db_session):
    stocktake = db_session.scalar(select(Stocktake))
    assert stocktake.finished_at is not None
    assert stocktake.report["missing"] and stocktake.report["unexpected"]
    assert count(db_session, Item, Item.status == ItemStatus.MISSING) == len(
        stocktake.report["missing"]
    )
    batch = db_session.scalar(select(ImportBatch))
    assert batch.status == BatchStatus.COMMITTED and batch.counts["new"] >= 10
    assert batch.counts["error"] == 1 and batch.refused
    assert any(item.extra for item in db_session.scalars(select(Item).where(Item.tag.like("ÖS-%"))))
    assert count(db_session, PrinterProfile) == 1 and count(db_session, ReservedTag) >= 10


def test_demo_reuse_has_every_tier_every_closing_and_every_request_state(demo, db_session, client):
    open_tiers = set(
        db_session.scalars(select(Listing.tier).where(Listing.status == ListingStatus.OPEN))
    )
    assert open_tiers == set(Tier)
    closings = set(db_session.scalars(select(Listing.closing).where(Listing.closing.is_not(None))))
    assert closings == set(Closing)
    states = set(db_session.scalars(select(TransferRequest.status)))
    assert states == set(RequestStatus)
    public = db_session.scalar(
        select(Listing).where(Listing.tier == Tier.PUBLIC, Listing.status == "open")
    )
    assert public.item.name in client.get("/market").text


def test_demo_has_wishes_watches_checks_and_outside_interest(demo, db_session):
    assert count(db_session, Wish) >= 3 and count(db_session, Watch) >= 1
    assert count(db_session, Notification, Notification.kind == "wish_match") >= 1
    outcomes = set(db_session.scalars(select(BuyCheck.outcome)))
    assert outcomes == set(BuyCheckOutcome)
    assert count(db_session, Interest, Interest.partner_id.is_(None)) >= 2
    assert count(db_session, Interest, Interest.partner_id.is_not(None)) >= 1


def test_demo_has_aids_in_every_state_a_group_a_kit_gap_and_an_overdue_lift(demo, db_session):
    assert set(db_session.scalars(select(Aid.status))) == set(AidState)
    assert {group.forced for group in db_session.scalars(select(EquivalenceGroup))} == {True, False}
    aids = db_session.scalars(select(Aid)).all()
    assert any(plans.missing_parts(db_session, aid) for aid in aids)
    assert any(aid.accessories for aid in aids)
    today = utcnow().date()
    overdue = [
        aid
        for aid in aids
        if aid.status == AidState.ISSUED
        and (plan := plans.plan_for(db_session, aid.item.category)) is not None
        and plans.due_dates(aid, aid.item, plan).inspection < today
    ]
    assert [aid.item.category.names["en"] for aid in overdue] == ["Patient lift"]
    journal = db_session.scalars(
        select(AidStep).where(AidStep.item_id == overdue[0].item_id, AidStep.passed.is_not(None))
    ).all()
    assert len(journal) == 2


def test_demo_accounts_can_log_in_and_a_second_load_is_refused(demo, runner, client):
    line = next(line for line in demo.splitlines() if "Warehouse staff" in line)
    email, password = line.split()[-2:]
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0 and "not empty" in again.output


def test_demo_has_repair_jobs_in_every_place_and_state(demo, db_session):
    pairs = set(db_session.execute(select(RepairJob.place, RepairJob.status)).all())
    assert pairs == {(place, status) for place in RepairPlace for status in RepairStatus}
    assert count(db_session, Category, Category.weight_kg.is_not(None)) > 5
