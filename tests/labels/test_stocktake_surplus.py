"""A stocktake of a storeroom that holds surplus: offered, reserved and disposed items on the
missing and the unexpected lists. The one-step fixes apply to what they can and say what
they left and why; an offered or reserved item moves and stays so, its listing following."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals, place_records, whereabouts
from inventory.errors import InventoryError
from inventory.models import Disposition, EventKind, Item, ItemEvent, ItemStatus
from labels import scanning, stocktake_fixes
from labels.models import ScanMode, Stocktake
from reuse.listings.models import Listing, ListingStatus
from reuse.requests import services as reuse
from reuse.requests.models import RequestStatus, TransferRequest
from tests.reuse import making
from tests.reuse.racing import REPEAT

CENTRAL = "K1 Central reuse store, Town hall, Sundby"


@pytest.fixture
def store(app, db_session, make_user, make_department, make_item, make_storeroom):
    """K1, a central reuse store, and K2, a basement; surplus of Health centre north in both."""
    north, school = make_department("Health centre north"), make_department("School")
    owner = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    hall = place_records.save_site(db_session, name="Town hall", town="Sundby")
    central = make_storeroom(code="K1", name="Central reuse store", site=hall)
    basement = make_storeroom(code="K2", name="Basement")

    def item(name: str, room, state: str = "in_storage") -> Item:
        thing = make_item(name, department=north, storeroom=room)
        with app.test_request_context():
            if state in ("offered", "reserved"):
                listing = making.flag(db_session, thing, by=owner, collect_from="K2, ask Jan")
            if state == "reserved":
                asked = making.ask(db_session, listing, user=teacher)
                reuse.approve(db_session, asked, by=owner, now=utcnow(),
                              handover_from=listing.collect_from)  # fmt: skip
            if state == "disposed":
                disposals.dispose_item(db_session, thing, Disposition.SCRAPPED, by=owner,
                                       now=utcnow())  # fmt: skip
        db_session.commit()
        return thing

    class Store:
        pass

    store = Store()
    store.owner, store.teacher, store.central, store.basement = owner, teacher, central, basement
    store.item = item
    return store


def moves(db_session, item: Item) -> list[ItemEvent]:
    return db_session.scalars(
        select(ItemEvent).where(ItemEvent.item_id == item.id, ItemEvent.kind == EventKind.MOVED)
    ).all()


def listing_of(db_session, item: Item) -> Listing:
    return db_session.scalar(select(Listing).where(Listing.item_id == item.id))


def count(staff_client, items: list[Item]) -> str:
    """Count K1 by scanning `items`, finish, and return the report's address."""
    take_url = staff_client.post("/scan/stocktake", data={"code": "K1"}).headers["Location"]
    for item in items:
        staff_client.post(take_url, data={"code": item.tag, "client_id": f"{take_url} {item.tag}"})
    staff_client.post(f"{take_url}/finish")
    return f"{take_url}/report"


def test_fixes_with_offered_reserved_and_disposed_items_on_both_lists(
    staff_client, store, db_session
):
    # Recorded in K1, not found there:
    lamp = store.item("Lamp", store.central)
    desk = store.item("Desk", store.central, "offered")
    bed = store.item("Care bed", store.central, "reserved")
    shelf = store.item("Shelf", store.central)
    # Found in K1, recorded in K2:
    chair = store.item("Chair", store.basement)
    rollator = store.item("Rollator", store.basement, "offered")
    wheelchair = store.item("Wheelchair", store.basement, "reserved")
    cabinet = store.item("Old cabinet", store.basement, "disposed")

    take_url = staff_client.post("/scan/stocktake", data={"code": "K1"}).headers["Location"]
    for n, item in enumerate([chair, rollator, wheelchair, cabinet]):
        page = staff_client.post(take_url, data={"code": item.tag, "client_id": f"s{n}"},
                                 follow_redirects=True).text  # fmt: skip
    assert f"{cabinet.tag} is recorded as disposed of: unexpected here." in page
    staff_client.post(f"{take_url}/finish")
    report_url = f"{take_url}/report"
    take = db_session.scalar(select(Stocktake))
    assert set(take.report["missing"]) == {lamp.id, desk.id, bed.id, shelf.id}
    assert set(take.report["unexpected"]) == {chair.id, rollator.id, wheelchair.id, cabinet.id}
    # The shelf is thrown away after the count, before anyone fixes the report.
    disposals.dispose_item(db_session, shelf, Disposition.SCRAPPED, by=None, now=utcnow())
    db_session.commit()

    report = staff_client.get(report_url).text
    assert "a disposed item cannot be moved" in report  # said before anyone presses a fix
    assert "It stays on offer; its listing follows it here." in report

    moved = staff_client.post(f"{take_url}/fix", data={"action": "move-unexpected"})
    assert moved.status_code == 302
    page = staff_client.get(report_url).text
    assert "3 items moved into K1." in page
    assert f"Left as they are: {cabinet.tag}. The list below says why." in page
    assert (
        "Left as it is: it is recorded as disposed of, and a disposed item cannot be moved." in page
    )

    marked = staff_client.post(f"{take_url}/fix", data={"action": "mark-missing"})
    assert marked.status_code == 302
    page = staff_client.get(report_url).text
    assert "1 item marked as missing." in page
    left = ", ".join(sorted([desk.tag, bed.tag, shelf.tag]))
    assert f"Left as they are: {left}. The list below says why." in page
    assert "it is offered for reuse and stays so: find it, or withdraw its listing" in page
    assert "it is reserved for a transfer and stays so: find it before the handover" in page
    assert "it has been disposed of since the count" in page

    db_session.expire_all()
    where = {item.name: (item.storeroom_id, item.status) for item in
             (lamp, desk, bed, shelf, chair, rollator, wheelchair, cabinet)}  # fmt: skip
    k1, k2 = store.central.id, store.basement.id
    assert where == {
        "Lamp": (k1, ItemStatus.MISSING),
        "Desk": (k1, ItemStatus.OFFERED),
        "Care bed": (k1, ItemStatus.RESERVED),
        "Shelf": (k1, ItemStatus.DISPOSED),
        "Chair": (k1, ItemStatus.IN_STORAGE),
        "Rollator": (k1, ItemStatus.OFFERED),
        "Wheelchair": (k1, ItemStatus.RESERVED),
        "Old cabinet": (k2, ItemStatus.DISPOSED),
    }
    assert moves(db_session, cabinet) == []
    # The listings are open as before, the reservation intact, and they say where to go now.
    for item in (rollator, wheelchair):
        listing = listing_of(db_session, item)
        assert listing.status == ListingStatus.OPEN and listing.collect_from == CENTRAL
        (move,) = moves(db_session, item)
        assert move.changes["collect_from"] == ["K2, ask Jan", CENTRAL]
        assert "status" not in move.changes  # it stays offered (or reserved)
    reserved = listing_of(db_session, wheelchair)
    (approved,) = reserved.requests
    assert reserved.reserved == 1 and approved.status == RequestStatus.APPROVED
    assert approved.handover_from == CENTRAL
    for item in (desk, bed):
        assert listing_of(db_session, item).collect_from == "K2, ask Jan"  # not moved


def test_the_requester_waiting_for_a_handover_is_sent_to_where_it_is_now(
    app, login, staff_client, store, db_session
):
    wheelchair = store.item("Wheelchair", store.basement, "reserved")
    report = count(staff_client, [wheelchair])
    staff_client.post(report.replace("/report", "/fix"), data={"action": "move-unexpected"})
    teacher = app.test_client()
    login(teacher, store.teacher)
    page = teacher.get(f"/reuse/listings/{listing_of(db_session, wheelchair).id}").text
    assert f"Collect from: {CENTRAL}" in page
    assert f"From {CENTRAL} to Room 1." in page
    # The item's history, as its owner sees it, keeps where it was to be collected before.
    history = staff_client.get(f"/items/{wheelchair.id}").text
    assert "Collect from: K2, ask Jan → K1 Central reuse store" in history


def test_pressing_a_fix_again_changes_nothing_and_says_why(staff_client, store, db_session):
    rollator = store.item("Rollator", store.basement, "offered")
    lamp = store.item("Lamp", store.central)
    report = count(staff_client, [rollator])
    fix = report.replace("/report", "/fix")
    for _ in range(2):
        assert staff_client.post(fix, data={"action": "move-unexpected"}).status_code == 302
        assert staff_client.post(fix, data={"action": "mark-missing"}).status_code == 302
    page = staff_client.get(report).text
    assert "0 items moved into K1." in page and "it is recorded here already" in page
    assert "0 items marked as missing." in page and "it is marked missing already" in page
    assert len(moves(db_session, rollator)) == 1
    edits = db_session.scalar(select(func.count()).where(
        ItemEvent.item_id == lamp.id, ItemEvent.kind == EventKind.EDITED))  # fmt: skip
    assert edits == 1


def test_the_fixes_count_in_each_languages_plural_forms(
    client, login, make_user, store, db_session
):
    login(client, make_user(Role.STAFF, language="sv"))
    chair, stool = store.item("Chair", store.basement), store.item("Stool", store.basement)
    store.item("Lamp", store.central)
    fix = count(client, [chair, stool]).replace("/report", "/fix")
    moved = client.post(fix, data={"action": "move-unexpected"}, follow_redirects=True).text
    assert "2 inventarier flyttade till K1." in moved
    marked = client.post(fix, data={"action": "mark-missing"}, follow_redirects=True).text
    assert "1 inventarie markerad som saknad." in marked


def test_the_missing_note_reads_in_each_readers_language(
    app, staff_client, login, make_user, store, db_session
):
    lamp = store.item("Lamp", store.central)
    fix = count(staff_client, []).replace("/report", "/fix")
    staff_client.post(fix, data={"action": "mark-missing"})
    assert "Not found at the stocktake of K1" in staff_client.get(f"/items/{lamp.id}").text
    reader = app.test_client()
    login(reader, make_user(Role.STAFF, language="sv"))
    assert "Hittades inte vid inventeringen av K1" in reader.get(f"/items/{lamp.id}").text


def test_a_fix_once_applied_is_no_longer_offered(staff_client, store, db_session):
    chair = store.item("Chair", store.basement)
    store.item("Lamp", store.central)
    report = count(staff_client, [chair])
    fix = report.replace("/report", "/fix")
    page = staff_client.get(report).text
    assert 'value="move-unexpected"' in page and 'value="mark-missing"' in page
    page = staff_client.post(fix, data={"action": "move-unexpected"}, follow_redirects=True).text
    assert 'value="move-unexpected"' not in page and 'value="mark-missing"' in page
    page = staff_client.post(fix, data={"action": "mark-missing"}, follow_redirects=True).text
    assert 'value="move-unexpected"' not in page and 'value="mark-missing"' not in page


def test_a_requester_cannot_fix_a_stocktake(app, client, login, make_user, store, db_session):
    """Fixes are for warehouse staff, managers and admins; nothing changes."""
    rollator = store.item("Rollator", store.basement, "offered")
    take = scanning.start_stocktake(db_session, store.central, by=store.owner, now=utcnow())
    scan = scanning.ScanRequest("c1", rollator.tag, ScanMode.STOCKTAKE, utcnow(), stocktake=take)
    with app.test_request_context():
        scanning.record_scan(db_session, store.owner, scan, now=utcnow())
        scanning.finish_stocktake(db_session, take, by=store.owner, now=utcnow())
    db_session.commit()
    assert take.report["unexpected"] == [rollator.id]
    login(client, make_user(Role.REQUESTER, department=rollator.department))
    response = client.post(f"/stocktakes/{take.id}/fix", data={"action": "move-unexpected"})
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(Item, rollator.id).storeroom_id == store.basement.id


def fix_at_once(app, engine, take_id: int, users: list[User]) -> list[str]:
    """Each user presses "move these here" on the same report at the same moment."""
    barrier, outcomes = threading.Barrier(len(users)), []

    def fix(user_id: int) -> None:
        with app.test_request_context(), Session(engine) as session:
            take, by = session.get(Stocktake, take_id), session.get(User, user_id)
            barrier.wait()
            try:
                fixed = stocktake_fixes.fix_unexpected(session, take, by=by, now=utcnow())
                session.commit()
                outcomes.append(f"moved {len(fixed.done)}")
            except InventoryError:
                session.rollback()
                outcomes.append("changed meanwhile")

    threads = [threading.Thread(target=fix, args=(user.id,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_two_staff_fixing_the_same_count_at_once_move_each_item_once(
    app, staff_client, make_user, store, db_session
):
    """Whoever is second finds the items moved (and leaves them), or finds an item changed
    under them and changes nothing; never a second move, never a 500."""
    users = [staff_client.user, make_user(Role.STAFF)]
    for round_ in range(REPEAT):
        strays = [store.item(f"Rollator {round_}", store.basement, "offered"),
                  store.item(f"Chair {round_}", store.basement)]  # fmt: skip
        take_id = int(count(staff_client, strays).split("/")[-2])
        outcomes = fix_at_once(app, db_session.get_bind(), take_id, users)
        assert outcomes in (["changed meanwhile", "moved 2"], ["moved 0", "moved 2"])
        db_session.expire_all()
        for item in strays:
            assert len(moves(db_session, item)) == 1
        listing = listing_of(db_session, strays[0])
        assert listing.is_open and listing.collect_from == CENTRAL
        assert db_session.get(Item, strays[0].id).status == ItemStatus.OFFERED


def test_a_transfer_request_is_untouched_by_a_move_of_another_listing(store, db_session):
    """Only the moved item's own listing and requests follow it."""
    stays = store.item("Bed", store.basement, "reserved")
    moves_ = store.item("Wheelchair", store.basement, "reserved")
    whereabouts.move_item(db_session, moves_, store.central, by=store.owner, now=utcnow())
    db_session.commit()
    other = db_session.scalar(select(TransferRequest).join(Listing).where(
        Listing.item_id == stays.id))  # fmt: skip
    assert other.handover_from == "K2, ask Jan"
    assert listing_of(db_session, stays).collect_from == "K2, ask Jan"
