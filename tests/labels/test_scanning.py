"""Scan workflows: look up, move with undo, stocktake, offline order and conflicts, last seen."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select, update

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals, whereabouts
from inventory.models import Disposition, EventKind, Item, ItemEvent, ItemStatus
from labels import scanning
from labels.formats import FORMATS
from labels.models import Scan, ScanMode, ScanOutcome, Stocktake
from labels.pdf import Label, render_labels
from labels.qr import scan_url


def events(db_session, item, kind):
    return db_session.scalar(
        select(func.count()).where(ItemEvent.item_id == item.id, ItemEvent.kind == kind)
    )


def test_move_session_moves_each_scanned_item_and_undoes_the_last(
    staff_client, make_item, make_storeroom, db_session
):
    target, elsewhere = make_storeroom(code="B2"), make_storeroom(code="A1")
    chair, desk = make_item("Chair", storeroom=elsewhere), make_item("Desk", place="Room 4")
    assert staff_client.post("/scan/move", data={"code": "b2"}).headers["Location"] == (
        f"/scan/move/{target.id}"
    )
    url = f"/scan/move/{target.id}"
    staff_client.post(url, data={"code": chair.tag.lower(), "client_id": "a"})
    page = staff_client.post(url, data={"code": scan_url("https://x.se", desk.tag), "client_id": "b"},
                             follow_redirects=True).text  # fmt: skip
    assert f"{chair.tag} moved to B2" in page and f"{desk.tag} moved to B2" in page
    db_session.expire_all()
    assert chair.storeroom_id == desk.storeroom_id == target.id
    assert chair.last_seen_storeroom_id == target.id and chair.last_seen_at is not None
    staff_client.post(f"{url}/undo")
    db_session.expire_all()
    assert desk.storeroom_id is None and desk.place == "Room 4" and desk.status == ItemStatus.IN_USE
    assert events(db_session, desk, EventKind.MOVED) == 2  # the move and its undo, both in history


def test_a_double_submitted_scan_applies_once(staff_client, make_item, make_storeroom, db_session):
    target = make_storeroom(code="B2")
    item = make_item(place="Room 4")
    for _ in range(2):
        staff_client.post(f"/scan/move/{target.id}", data={"code": item.tag, "client_id": "same"})
    assert events(db_session, item, EventKind.MOVED) == 1
    assert db_session.scalar(select(func.count()).select_from(Scan)) == 1


def test_offline_scans_apply_in_scan_order_and_report_a_later_move_as_conflict(
    db_session, make_user, make_item, make_storeroom
):
    staff, other = make_user(Role.STAFF), make_user(Role.STAFF)
    r1, r2, r3 = make_storeroom(code="R1"), make_storeroom(code="R2"), make_storeroom(code="R3")
    item = make_item(storeroom=r1)
    now = utcnow()
    # Offline at 10:00 the phone moved it into R2. At 10:30 a colleague moved it into R3 online.
    whereabouts.move_item(db_session, item, r3, by=other, now=now - timedelta(minutes=30))
    late = scanning.ScanRequest(
        "q1", item.tag, ScanMode.MOVE, now - timedelta(hours=1), storeroom=r2
    )
    scan = scanning.record_scan(db_session, staff, late, now=now)
    assert scan.outcome == ScanOutcome.CONFLICT and item.storeroom_id == r3.id
    # Two queued scans of the same phone replay in order without conflicting with each other.
    other_item = make_item(storeroom=r1)
    first = scanning.ScanRequest(
        "q2", other_item.tag, ScanMode.MOVE, now - timedelta(minutes=9), storeroom=r2
    )
    second = scanning.ScanRequest(
        "q3", other_item.tag, ScanMode.MOVE, now - timedelta(minutes=8), storeroom=r3
    )
    assert scanning.record_scan(db_session, staff, first, now=now).outcome == ScanOutcome.DONE
    assert scanning.record_scan(db_session, staff, second, now=now).outcome == ScanOutcome.DONE
    assert other_item.storeroom_id == r3.id
    # A scan queued for more than a week is not applied.
    stale = scanning.ScanRequest(
        "q4", other_item.tag, ScanMode.MOVE, now - timedelta(days=8), storeroom=r1
    )
    assert scanning.record_scan(db_session, staff, stale, now=now).outcome == ScanOutcome.REFUSED
    assert other_item.storeroom_id == r3.id


def test_requesters_cannot_move_by_scanning(client, login, make_user, make_storeroom):
    login(client, make_user(Role.REQUESTER))
    room = make_storeroom()
    assert client.get(f"/scan/move/{room.id}").status_code == 403


def test_stocktake_report_and_fixes(staff_client, make_item, make_storeroom, db_session):
    room, other = make_storeroom(code="K1"), make_storeroom(code="K2")
    seen, missing = make_item("Seen", storeroom=room), make_item("Missing", storeroom=room)
    stray = make_item("Stray", storeroom=other)
    start = staff_client.post("/scan/stocktake", data={"code": "K1"})
    take_url = start.headers["Location"]
    for n, item in enumerate([seen, stray, seen]):
        staff_client.post(take_url, data={"code": item.tag, "client_id": f"c{n}"})
    page = staff_client.get(take_url).text
    assert "1 of 2 found" in page
    report = staff_client.post(f"{take_url}/finish", follow_redirects=True).text
    take = db_session.scalar(select(Stocktake))
    assert take.report == {"seen": [seen.id], "missing": [missing.id], "unexpected": [stray.id]}
    assert "Missing" in report and stray.tag in report
    staff_client.post(f"{take_url}/fix", data={"action": "move-unexpected"})
    staff_client.post(f"{take_url}/fix", data={"action": "mark-missing"})
    db_session.expire_all()
    assert stray.storeroom_id == room.id and missing.status == ItemStatus.MISSING
    assert events(db_session, seen, EventKind.COUNTED) == 1
    csv = staff_client.get(f"{take_url}/report.csv")
    assert csv.mimetype == "text/csv" and missing.tag in csv.text and stray.tag in csv.text
    # Found at the next count: back in storage, with the move in its history.
    again = staff_client.post("/scan/stocktake", data={"code": "K1"}).headers["Location"]
    staff_client.post(again, data={"code": missing.tag, "client_id": "next"})
    staff_client.post(f"{again}/finish")
    db_session.expire_all()
    assert missing.status == ItemStatus.IN_STORAGE and events(db_session, missing, EventKind.MOVED)


def test_undoing_a_move_of_a_missing_item_marks_it_missing_again_in_its_history(
    staff_client, make_item, make_storeroom, db_session
):
    home, found_in = make_storeroom(code="H1"), make_storeroom(code="F1")
    item = make_item(storeroom=home)
    whereabouts.mark_missing(db_session, item, by=None, now=utcnow())
    db_session.commit()
    staff_client.post(f"/scan/move/{found_in.id}", data={"code": item.tag, "client_id": "m"})
    staff_client.post(f"/scan/move/{found_in.id}/undo")
    db_session.expire_all()
    assert item.storeroom_id == home.id and item.status == ItemStatus.MISSING
    last = db_session.scalar(
        select(ItemEvent).where(ItemEvent.item_id == item.id).order_by(ItemEvent.id.desc())
    )
    assert last.changes["status"] == ["in_storage", "missing"]


def test_look_up_by_typed_code_or_photo_updates_last_seen(staff_client, make_item, db_session, app):
    item = make_item("Rollator", tag="HM-7")
    response = staff_client.post("/scan", data={"code": "hm-7", "client_id": "x"})
    assert response.headers["Location"] == "/s/hm-7"
    db_session.expire_all()
    assert item.last_seen_at is not None
    pdf_label = Label(scan_url(app.config["PUBLIC_BASE_URL"], item.tag), item.tag)
    photo = photo_of(render_labels([pdf_label], FORMATS["62x29"]))
    response = staff_client.post(
        "/scan", data={"photo": (io.BytesIO(photo), "label.jpg"), "client_id": "y"},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.headers["Location"].lower() == "/s/hm-7"
    blank = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(blank, format="JPEG")
    page = staff_client.post(
        "/scan", data={"photo": (io.BytesIO(blank.getvalue()), "b.jpg")},
        content_type="multipart/form-data", follow_redirects=True,
    ).text  # fmt: skip
    assert "No readable code in the photo" in page


def photo_of(pdf: bytes) -> bytes:
    """A JPEG of a printed label, as a phone would send it."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "l.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "200", "-jpeg", "-singlefile", f"{tmp}/l.pdf", f"{tmp}/l"],
            check=True,
        )
        return (Path(tmp) / "l.jpg").read_bytes()


def test_not_seen_report_lists_items_forgotten_in_storerooms(
    staff_client, make_item, make_storeroom, db_session
):
    room = make_storeroom(code="V9")
    forgotten, recent = make_item("Forgotten", storeroom=room), make_item("Recent", storeroom=room)
    forgotten.created_at = utcnow() - timedelta(days=800)
    db_session.commit()
    whereabouts.mark_seen(db_session, recent, at=utcnow(), storeroom=room, by=None)
    db_session.commit()
    page = staff_client.get("/reports/not-seen?months=12").text
    assert "Forgotten" in page and "Recent" not in page
    storeroom_page = staff_client.get(f"/storerooms/{room.id}").text
    section = storeroom_page.split('class="not-seen"')[1].split("</section>")[0]
    assert "Not seen for 12 months" in section and "never scanned" in section
    assert "Forgotten" in section and "Recent" not in section


def test_a_single_month_not_seen_reads_in_the_singular(staff_client):
    assert "Not seen for 1 month<" in staff_client.get("/reports/not-seen?months=1").text


def test_a_scan_does_not_make_an_open_edit_form_stale(db_session, make_item, make_storeroom):
    item = make_item()
    version = item.version
    whereabouts.mark_seen(db_session, item, at=utcnow(), storeroom=None, by=None)
    db_session.commit()
    db_session.refresh(item)
    assert item.version == version and item.last_seen_at is not None


@pytest.mark.parametrize(
    "text, code",
    [("HTTPS://RESHELF.SE/S/INV-000123", "INV-000123"), (" inv-1 \n", "inv-1"), ("K12", "K12")],
)
def test_codes_are_read_from_label_urls_or_typed(text, code):
    assert scanning.code_from_scan(text) == code


def test_a_move_scan_of_an_item_saved_meanwhile_is_refused_and_kept(
    app, db_session, make_user, make_item, make_storeroom
):
    """Someone saved the item between the scan reading it and moving it: the scan is kept as
    refused, with a message, the sighting is still recorded, and their change stands."""
    staff = make_user(Role.STAFF)
    here, there = make_storeroom(code="H1"), make_storeroom(code="T1")
    item = make_item("Rollator", storeroom=here)
    db_session.commit()
    assert item.version is not None  # loaded into this session, as the scan will find it
    with db_session.get_bind().begin() as other:  # their edit, committed meanwhile
        other.execute(
            update(Item).where(Item.id == item.id)
            .values(name="Rollator, blue", version=Item.version + 1)
        )  # fmt: skip
    scan = scanning.record_scan(
        db_session, staff, scanning.ScanRequest("v1", item.tag, ScanMode.MOVE, utcnow(),
                                                storeroom=there), now=utcnow(),
    )  # fmt: skip
    db_session.commit()
    assert scan.outcome == ScanOutcome.REFUSED
    assert "changed" in scan.message
    db_session.expire_all()
    item = db_session.get(Item, item.id)
    assert (item.name, item.storeroom_id) == ("Rollator, blue", here.id)
    assert item.last_seen_storeroom_id == there.id
    assert db_session.scalar(select(Scan.outcome).where(Scan.client_id == "v1")) == (
        ScanOutcome.REFUSED
    )


def test_undoing_a_move_of_an_item_disposed_of_since_says_why_and_changes_nothing(
    staff_client, make_item, make_storeroom, db_session
):
    target, elsewhere = make_storeroom(code="B3"), make_storeroom(code="A3")
    chair = make_item("Chair", storeroom=elsewhere)
    url = f"/scan/move/{target.id}"
    staff_client.post(url, data={"code": chair.tag, "client_id": "d1"})
    db_session.expire_all()
    disposals.dispose_item(db_session, chair, Disposition.SCRAPPED, by=None, now=utcnow())
    db_session.commit()
    page = staff_client.post(f"{url}/undo", follow_redirects=True)
    assert page.status_code == 200
    assert "cannot be moved now" in page.text
    db_session.expire_all()
    assert chair.is_disposed and chair.storeroom_id == target.id
    assert events(db_session, chair, EventKind.MOVED) == 1
