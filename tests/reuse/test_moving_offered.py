"""Moving surplus that is on offer: staff gather it in a central reuse store. The item stays
offered (or reserved), its history records the move, and its listing (and the approved
requests that were told the same place) say where to collect it now. A disposed item stays put.
Moves race withdrawals, handovers and each other between processes: one outcome at a time."""

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals, place_records, whereabouts
from inventory.models import Disposition, EventKind, Item, ItemEvent, ItemStatus
from reuse.listings import services as listing_services
from reuse.listings.models import Listing, ListingStatus
from reuse.notices.models import Notification
from reuse.notices.notifications import Kind
from reuse.notices.text import describe
from reuse.requests import services as request_services
from reuse.requests.models import RequestStatus
from tests.reuse import making
from tests.reuse.racing import REPEAT

CENTRAL = "K1 Central reuse store, Pall 4, Town hall, Sundby"
IN_K1 = "K1 Central reuse store, Town hall, Sundby"


@pytest.fixture
def world(app, db_session, make_user, make_department, make_item, make_storeroom):
    """Health centre north's surplus in its basement, K2; the organisation's reuse store, K1."""
    north, school = make_department("Health centre north"), make_department("School")
    owner = make_user(Role.MANAGER, department=north)
    asker = make_user(Role.REQUESTER, department=school)
    hall = place_records.save_site(db_session, name="Town hall", town="Sundby")
    central = make_storeroom(code="K1", name="Central reuse store", site=hall)
    basement = make_storeroom(code="K2", name="Basement")

    def offered(name: str = "Rollator", *, quantity: int = 1, approve: int = 0) -> Listing:
        """An item of north's in K2, offered to collect from 'K2, ask Jan'; `approve` units
        approved for the school, handed over from the same place."""
        item = make_item(name, department=north, storeroom=basement, quantity=quantity)
        with app.test_request_context():
            listing = making.flag(db_session, item, by=owner, collect_from="K2, ask Jan")
            if approve:
                asked = making.ask(db_session, listing, user=asker, quantity=approve)
                request_services.approve(db_session, asked, by=owner, now=utcnow(),
                                         handover_from=listing.collect_from)  # fmt: skip
        db_session.commit()
        return listing

    class World:
        pass

    world = World()
    world.owner, world.asker, world.central, world.basement = owner, asker, central, basement
    world.offered = offered
    return world


def moved_events(db_session, item_id: int) -> list[ItemEvent]:
    return db_session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == item_id, ItemEvent.kind == EventKind.MOVED)
    ).all()


@pytest.fixture
def staff(app, login, make_user):
    client = app.test_client()
    login(client, make_user(Role.STAFF))
    return client


def test_staff_move_an_offered_item_from_its_page_and_it_stays_offered(
    app, staff, login, world, db_session
):
    listing = world.offered()
    item = listing.item
    form = staff.get(f"/items/{item.id}/move").text
    assert "It stays on offer; its listing will say to collect it where you move it." in form
    response = staff.post(f"/items/{item.id}/move", data={
        "storeroom_id": str(world.central.id), "position": "Pall 4",
        "version": str(item.version)})  # fmt: skip
    assert response.status_code == 302
    assert "Moved." in staff.get(response.headers["Location"]).text
    db_session.expire_all()
    assert (item.storeroom_id, item.position, item.status) == (
        world.central.id, "Pall 4", ItemStatus.OFFERED)  # fmt: skip
    assert listing.status == ListingStatus.OPEN and listing.collect_from == CENTRAL
    (move,) = moved_events(db_session, item.id)
    assert move.changes == {
        "storeroom": ["K2 Basement", "K1 Central reuse store"],
        "position": ["", "Pall 4"],
        "collect_from": ["K2, ask Jan", CENTRAL],
    }
    asker = app.test_client()
    login(asker, world.asker)
    assert f"Collect from: {CENTRAL}" in asker.get(f"/reuse/listings/{listing.id}").text


def test_a_reserved_lot_moved_into_use_keeps_its_reservations(
    app, world, make_user, make_department, db_session
):
    """Approved requests told the listing's place follow; one told another place keeps it."""
    listing = world.offered("Chairs", quantity=3, approve=1)
    lot, (first,) = listing.item, listing.requests
    clinic = make_user(Role.REQUESTER, department=make_department("Clinic"))
    second = making.ask(db_session, listing, user=clinic, quantity=2)
    request_services.approve(
        db_session, second, by=world.owner, now=utcnow(), handover_from="Dock B"
    )
    db_session.commit()
    assert lot.status == ItemStatus.RESERVED
    whereabouts.move_item(db_session, lot, None, place="Hall, room 12", by=world.owner,
                          now=utcnow(), expected_version=lot.version)  # fmt: skip
    db_session.commit()
    db_session.expire_all()
    assert (lot.storeroom_id, lot.place, lot.status) == (None, "Hall, room 12", ItemStatus.RESERVED)
    assert (listing.status, listing.reserved, listing.collect_from) == (
        ListingStatus.OPEN, 3, "Hall, room 12")  # fmt: skip
    assert (first.status, first.handover_from) == (RequestStatus.APPROVED, "Hall, room 12")
    assert (second.status, second.handover_from) == (RequestStatus.APPROVED, "Dock B")
    # The school was told K2 and hears of the move; the clinic collects at Dock B as told.
    (moved,) = db_session.scalars(
        select(Notification).where(Notification.kind == Kind.HANDOVER_MOVED)
    ).all()
    assert (moved.user_id, moved.request_id) == (world.asker.id, first.id)
    with app.test_request_context():
        notice = describe(moved)
    assert notice.title == "Chairs has been moved: collect it from Hall, room 12."
    assert notice.details == ["It was at K2, ask Jan."]


def test_scanning_an_offered_item_into_the_reuse_store_and_undoing_it(staff, world, db_session):
    listing = world.offered()
    item = listing.item
    url = f"/scan/move/{world.central.id}"
    page = staff.post(url, data={"code": item.tag, "client_id": "m1"}, follow_redirects=True).text
    assert f"{item.tag} moved to K1." in page
    db_session.expire_all()
    assert (item.storeroom_id, item.status) == (world.central.id, ItemStatus.OFFERED)
    assert listing.collect_from == IN_K1
    again = staff.post(url, data={"code": item.tag, "client_id": "m2"}, follow_redirects=True)
    assert f"{item.tag} is already in K1." in again.text
    staff.post(f"{url}/undo")
    db_session.expire_all()
    assert (item.storeroom_id, item.status) == (world.basement.id, ItemStatus.OFFERED)
    assert listing.collect_from == f"K2 Basement, {world.basement.site}"
    assert len(moved_events(db_session, item.id)) == 2


def test_a_disposed_item_cannot_be_moved_from_its_page_or_by_scanning(
    staff, make_item, world, db_session
):
    item = make_item("Broken chair", storeroom=world.basement)
    disposals.dispose_item(db_session, item, Disposition.SCRAPPED, by=None, now=utcnow())
    db_session.commit()
    response = staff.post(f"/items/{item.id}/move", data={
        "storeroom_id": str(world.central.id), "version": str(item.version)},
        follow_redirects=True)  # fmt: skip
    assert "This item cannot be moved now. Its status: Disposed." in response.text
    page = staff.post(f"/scan/move/{world.central.id}", data={"code": item.tag, "client_id": "d"},
                      follow_redirects=True).text  # fmt: skip
    assert "This item cannot be moved now. Its status: Disposed." in page
    db_session.expire_all()
    assert item.storeroom_id == world.basement.id and moved_events(db_session, item.id) == []


def test_an_item_moved_while_offered_goes_back_to_storage_where_it_is_when_withdrawn(
    world, db_session
):
    listing = world.offered()
    whereabouts.move_item(db_session, listing.item, world.central, by=world.owner, now=utcnow())
    listing_services.withdraw(db_session, listing, by=world.owner, now=utcnow())
    db_session.commit()
    db_session.expire_all()
    assert (listing.item.storeroom_id, listing.item.status) == (
        world.central.id, ItemStatus.IN_STORAGE)  # fmt: skip


# --- races between processes ------------------------------------------------------------------


def outcome_kinds(outcomes: list[str]) -> list[str]:
    kinds = sorted(outcome.split(":")[0] for outcome in outcomes)
    assert set(kinds) <= {"won", "refused"}, outcomes  # never a deadlock, never a crash
    assert "won" in kinds, outcomes
    return kinds


def move(world, listing: Listing) -> tuple[str, dict]:
    return ("move", {"item_id": listing.item_id, "storeroom_id": world.central.id,
                     "user_id": world.owner.id})  # fmt: skip


def test_a_move_racing_a_withdrawal_leaves_one_story(racers, world, db_session):
    for _ in range(REPEAT):
        listing = world.offered()
        outcomes = racers.race(
            move(world, listing),
            ("withdraw", {"listing_id": listing.id, "user_id": world.owner.id}),
        )
        outcome_kinds(outcomes)
        db_session.expire_all()
        item, moves = listing.item, moved_events(db_session, listing.item_id)
        assert len(moves) <= 1
        assert (listing.status == ListingStatus.OPEN) == (item.status == ItemStatus.OFFERED)
        assert (item.storeroom_id == world.central.id) == bool(moves)
        # The listing names the reuse store exactly when it was open when the item moved.
        followed = bool(moves) and "collect_from" in moves[0].changes
        assert listing.collect_from == (IN_K1 if followed else "K2, ask Jan")


def test_a_move_racing_a_handover_never_deadlocks(racers, world, db_session):
    for _ in range(REPEAT):
        listing = world.offered(approve=1)
        (request,) = listing.requests
        outcome_kinds(racers.race(
            move(world, listing),
            ("hand_over", {"request_id": request.id, "user_id": world.owner.id}),
        ))  # fmt: skip
        db_session.expire_all()
        item = db_session.get(Item, listing.item_id)
        assert item.status in (ItemStatus.RESERVED, ItemStatus.IN_USE, ItemStatus.IN_STORAGE)
        if request.status == RequestStatus.COMPLETED:
            assert listing.status == ListingStatus.CLOSED
            assert item.department_id == world.asker.department_id
        else:
            assert item.status == ItemStatus.RESERVED and listing.reserved == 1


def test_two_moves_of_one_offered_item_at_once_leave_the_listing_where_it_is(
    racers, world, make_storeroom, db_session
):
    """Two staff carry the same item to two stores: the second either finds the item changed
    and changes nothing, or comes after the first; the listing names where it ended up."""
    attic = make_storeroom(code="K3", name="Attic", site=world.central.site)
    for _ in range(REPEAT):
        listing = world.offered()
        to_attic = ("move", {"item_id": listing.item_id, "storeroom_id": attic.id,
                             "user_id": world.owner.id})  # fmt: skip
        kinds = outcome_kinds(racers.race(move(world, listing), to_attic))
        db_session.expire_all()
        item, moves = listing.item, moved_events(db_session, listing.item_id)
        assert len(moves) == kinds.count("won")
        assert item.status == ItemStatus.OFFERED and listing.is_open
        assert item.storeroom_id in (world.central.id, attic.id)
        assert (
            listing.collect_from
            == f"{item.storeroom.code} {item.storeroom.name}, Town hall, Sundby"
        )


def test_requesters_cannot_move_another_departments_offered_item(
    app, login, make_user, world, db_session
):
    listing = world.offered()
    client = app.test_client()
    login(client, world.asker)
    response = client.post(f"/items/{listing.item_id}/move", data={
        "storeroom_id": str(world.central.id), "version": "1"})  # fmt: skip
    assert response.status_code == 404
    db_session.expire_all()
    assert listing.item.storeroom_id == world.basement.id
