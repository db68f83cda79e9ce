"""A scan's message is stored as its msgid and parameters and read in the reader's language;
a refused scan names what it refused."""

from datetime import timedelta

from sqlalchemy import select, update

from app.auth.models import User
from app.timeutil import utcnow
from inventory import disposals
from inventory.models import Disposition
from labels.models import Scan, ScanMode, ScanOutcome


def test_a_move_is_stored_as_its_msgid_and_read_in_the_readers_language(
    staff_client, make_item, make_storeroom, db_session
):
    room, chair = make_storeroom(code="B2"), make_item("Chair", place="Room 4")
    url = f"/scan/move/{room.id}"
    staff_client.post(url, data={"code": chair.tag, "client_id": "a"})
    scan = db_session.scalar(select(Scan))
    assert scan.message == "%(tag)s moved to %(code)s."
    assert scan.message_params == {"tag": chair.tag, "code": "B2"}
    db_session.execute(update(User).values(language="sv"))
    db_session.commit()
    assert f"{chair.tag} flyttad till B2." in staff_client.get(url).text


def test_a_scan_stored_as_text_before_reads_as_it_was(
    staff_client, make_item, make_storeroom, db_session
):
    room, chair = make_storeroom(code="B2"), make_item("Chair", place="Room 4")
    db_session.add(Scan(
        client_id="old", user_id=staff_client.user.id, code=chair.tag, mode=ScanMode.MOVE,
        storeroom_id=room.id, scanned_at=utcnow(), outcome=ScanOutcome.DONE,
        message="INV-1 flyttad till B2 (100 %).", message_params=None,
    ))  # fmt: skip
    db_session.commit()
    assert "INV-1 flyttad till B2 (100 %)." in staff_client.get(f"/scan/move/{room.id}").text


def test_a_refused_scan_names_its_tag(staff_client, make_item, make_storeroom, db_session):
    room = make_storeroom(code="B2")
    old, gone = make_item("Old chair", place="Room 4"), make_item("Broken desk", place="Room 4")
    disposals.dispose_item(db_session, gone, Disposition.SCRAPPED, by=None, now=utcnow())
    db_session.commit()
    week_ago = (utcnow() - timedelta(days=8)).isoformat()
    queue = [
        {"client_id": "late", "code": old.tag, "mode": "move", "storeroom_id": room.id,
         "scanned_at": week_ago},
        {"client_id": "gone", "code": gone.tag, "mode": "move", "storeroom_id": room.id,
         "scanned_at": utcnow().isoformat()},
    ]  # fmt: skip
    late, disposed = staff_client.post("/scan/sync", json={"scans": queue}).get_json()["results"]
    assert late["outcome"] == disposed["outcome"] == "refused"
    assert late["message"] == (
        f"The scan of {old.tag} is more than a week old and was not applied."
    )
    assert disposed["message"] == (
        f"{gone.tag} was not moved: This item cannot be moved now. Its status: Disposed."
    )
