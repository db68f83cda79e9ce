from sqlalchemy import func, select

from app.auth.models import User
from inventory.models import Category, Department, EventKind, Item, ItemEvent, ItemStatus, Storeroom


def test_demo_fills_an_empty_database_and_prints_one_account_per_role(runner, db_session):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    for email in ("admin@", "manager@", "staff@", "requester@"):
        assert email in result.output
    count = lambda model: db_session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Item) == 300
    assert count(Department) >= 5 and count(Storeroom) >= 6 and count(User) == 4
    assert db_session.scalar(select(func.count()).where(Item.quantity > 1)) > 10
    kinds = set(db_session.scalars(select(ItemEvent.kind).distinct()))
    assert {EventKind.CREATED, EventKind.MOVED, EventKind.EDITED, EventKind.DISPOSED} <= kinds
    assert db_session.scalar(select(func.count()).where(Item.status == ItemStatus.DISPOSED)) > 0
    leaves = db_session.scalars(
        select(Category).where(Category.replacement_value.is_not(None))
    ).all()
    assert leaves and all(c.co2e_kg is not None for c in leaves)


def test_demo_reuse_has_listings_down_every_path(runner, db_session, client):
    from reuse.listings.models import Closing, Listing, Tier
    from reuse.requests.models import TransferRequest
    from reuse.savings.models import ReuseOutcome

    assert runner.invoke(args=["demo"]).exit_code == 0
    closings = set(db_session.scalars(select(Listing.closing).where(Listing.closing.is_not(None))))
    assert {Closing.TRANSFERRED, Closing.SOLD, Closing.TO_PARTNER} <= closings
    outcomes = db_session.scalars(select(ReuseOutcome.kind)).all()
    assert sorted(outcomes) == ["sold", "to_partner", "transferred"]
    assert db_session.scalar(select(func.count()).select_from(TransferRequest)) == 3
    public = db_session.scalar(select(Listing).where(Listing.tier == Tier.PUBLIC))
    assert public is not None and public.item.name in client.get("/market").text


def test_demo_accounts_can_log_in(runner, client):
    output = runner.invoke(args=["demo"]).output
    line = next(line for line in output.splitlines() if "staff@" in line)
    email, password = line.split()[-2:]
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302


def test_demo_refuses_a_database_with_data(runner, make_user):
    make_user()
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "not empty" in result.output
