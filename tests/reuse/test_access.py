"""reuse/access.py: each check answers for the user and the object it is given, never for
whoever happens to be logged in, and the SQL scope of the market agrees with `may_see`."""

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import Item, Storeroom
from reuse import access
from reuse.listings.models import Listing, ReuseSettings
from tests.reuse import making


@pytest.fixture
def places(db_session, make_department, make_storeroom):
    """North owns a storeroom at a site it shares with the clinic; the school is elsewhere."""
    north, clinic, school = (make_department(n) for n in ("North", "Clinic", "School"))
    store = make_storeroom(code="N1", department=north)
    make_storeroom(code="C1", site=store.site, department=clinic)
    make_storeroom(code="S1", department=school)
    db_session.add(ReuseSettings(department_days=5, organisation_days=14, partner_days=14))
    db_session.commit()
    return {"north": north, "clinic": clinic, "school": school, "store": store}


@pytest.fixture
def listing(db_session, places, make_item, make_user):
    """North's bookcase, offered to its first circle (the department and its site)."""
    owner = make_user(Role.REQUESTER, department=places["north"])
    item = make_item("Bookcase", department=places["north"], storeroom=places["store"])
    offered = making.flag(db_session, item, by=owner)
    db_session.commit()
    return offered


ROLES = (Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN)
DECIDERS = {Role.MANAGER, Role.ADMIN}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["north", "school"])
def test_who_decides_on_a_listing_follows_the_role(listing, places, make_user, role, where):
    user = make_user(role, department=places[where])
    assert access.may_decide(user, listing) == (role in DECIDERS)
    assert access.may_close(user, listing) == (role in DECIDERS)
    assert access.may_withdraw(user, listing) == (role in DECIDERS or where == "north")


def test_the_checks_answer_for_the_user_given_not_the_one_logged_in(
    app, client, login, listing, places, make_user
):
    """Asked inside a manager's request about a requester, the answer is the requester's."""
    manager = make_user(Role.MANAGER, department=places["school"])
    requester = make_user(Role.REQUESTER, department=places["school"])
    login(client, manager)
    with client:
        client.get("/reuse")  # current_user is the manager for the rest of this block
        assert access.may_decide(manager, listing)
        assert not access.may_decide(requester, listing)
        assert not access.may_withdraw(requester, listing)
        assert not access.may_see(requester, listing)


@pytest.mark.parametrize(
    ("where", "role", "sees"),
    [
        ("north", Role.REQUESTER, True),  # the owning department
        ("clinic", Role.REQUESTER, True),  # a storeroom at the same site
        ("school", Role.REQUESTER, False),  # elsewhere, until the organisation's tier
        ("school", Role.STAFF, True),  # cross-department roles look after every listing
    ],
)
def test_the_first_tier_is_seen_by_the_department_and_its_site(
    db_session, listing, places, make_user, where, role, sees
):
    user = make_user(role, department=places[where])
    assert access.may_see(user, listing) == sees
    scoped = (
        select(Listing.id)
        .join(Listing.item)
        .outerjoin(Storeroom, Item.storeroom_id == Storeroom.id)
        .where(access.listing_scope(user))
    )
    assert (listing.id in db_session.scalars(scoped).all()) == sees


def test_a_request_is_decided_and_cancelled_by_the_right_sides(
    db_session, listing, places, make_user
):
    asker = make_user(Role.REQUESTER, department=places["clinic"])
    request = making.ask(db_session, listing, user=asker)
    db_session.commit()
    colleague = make_user(Role.REQUESTER, department=places["clinic"])
    clinic_manager = make_user(Role.MANAGER, department=places["clinic"])
    manager = make_user(Role.MANAGER, department=places["school"])
    owner = make_user(Role.REQUESTER, department=places["north"])

    assert access.is_other_side(manager, request)
    assert access.is_other_side(owner, request)
    assert not access.is_other_side(asker, request)
    assert not access.is_other_side(clinic_manager, request)  # the asking department's own

    assert access.may_cancel(colleague, request)  # the asking department takes it back
    assert access.may_cancel(manager, request)
    assert not access.may_cancel(owner, request)

    assert access.may_confirm_handover(colleague, request)  # the receiving department
    assert access.may_confirm_handover(manager, request)
    assert not access.may_confirm_handover(owner, request)


def test_interests_are_read_by_managers_and_the_owning_department(listing, places, make_user):
    assert access.may_see_interests(make_user(Role.REQUESTER, department=places["north"]), listing)
    assert access.may_see_interests(make_user(Role.MANAGER, department=places["school"]), listing)
    assert not access.may_see_interests(make_user(Role.STAFF, department=places["school"]), listing)
