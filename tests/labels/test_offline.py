"""Offline scanning, server side: the queue's endpoint, the phone's copy, the service worker."""

import re
import threading
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import whereabouts
from inventory.models import EventKind, ItemEvent
from labels import offline
from labels.models import Scan
from tests.conftest import PASSWORD


def ago(minutes: int) -> str:
    return (utcnow() - timedelta(minutes=minutes)).isoformat()


def moves(db_session, item) -> int:
    return db_session.scalar(
        select(func.count()).where(ItemEvent.item_id == item.id, ItemEvent.kind == EventKind.MOVED)
    )


def test_a_queue_sent_out_of_order_applies_in_scan_order_and_once(
    staff_client, make_item, make_storeroom, db_session
):
    r2, r3 = make_storeroom(code="R2"), make_storeroom(code="R3")
    item = make_item(place="Corridor")
    queue = [  # the phone sends its queue in whatever order it keeps it
        {"client_id": "b", "code": item.tag, "mode": "move", "storeroom_id": r3.id,
         "scanned_at": ago(8)},
        {"client_id": "a", "code": item.tag.lower(), "mode": "move", "storeroom_id": r2.id,
         "scanned_at": ago(9)},
    ]  # fmt: skip
    body = staff_client.post("/scan/sync", json={"scans": queue}).get_json()
    assert [(r["client_id"], r["outcome"]) for r in body["results"]] == [
        ("a", "done"),
        ("b", "done"),
    ]
    assert body["results"][1]["message"] == f"{item.tag} moved to R3."
    db_session.expire_all()
    assert item.storeroom_id == r3.id and moves(db_session, item) == 2

    # The answer was lost on the way back; the phone sends the same queue again.
    again = staff_client.post("/scan/sync", json={"scans": queue}).get_json()
    assert [r["outcome"] for r in again["results"]] == ["done", "done"]
    db_session.expire_all()
    assert item.storeroom_id == r3.id and moves(db_session, item) == 2
    assert db_session.scalar(select(func.count()).select_from(Scan)) == 2


def test_a_move_made_by_someone_else_after_the_offline_scan_is_reported_not_overwritten(
    staff_client, make_item, make_storeroom, make_user, db_session
):
    basement, attic = make_storeroom(code="B1"), make_storeroom(code="ATTIC")
    item = make_item(place="Corridor")
    whereabouts.move_item(db_session, item, attic, by=make_user(Role.STAFF), now=utcnow())
    db_session.commit()
    queue = [{"client_id": "x", "code": item.tag, "mode": "move", "storeroom_id": basement.id,
              "scanned_at": ago(60)}]  # fmt: skip
    result = staff_client.post("/scan/sync", json={"scans": queue}).get_json()["results"][0]
    assert result["outcome"] == "conflict"
    assert "moved by someone else after this scan" in result["message"]
    db_session.expire_all()
    assert item.storeroom_id == attic.id


def test_unreadable_scans_are_answered_and_the_rest_applied(
    staff_client, make_item, make_storeroom, db_session
):
    room = make_storeroom(code="B1")
    item = make_item(place="Corridor")
    queue = [
        {"client_id": "no-room", "code": item.tag, "mode": "move", "scanned_at": ago(5)},
        {"client_id": "bad-time", "code": item.tag, "mode": "move", "storeroom_id": room.id,
         "scanned_at": "yesterday"},
        {"client_id": "bad-mode", "code": item.tag, "mode": "dance", "scanned_at": ago(5)},
        "not a scan",
        {"client_id": "unknown-room", "code": item.tag, "mode": "move", "storeroom_id": 999999,
         "scanned_at": ago(5)},
        {"client_id": "good", "code": item.tag, "mode": "move", "storeroom_id": room.id,
         "scanned_at": ago(4)},
    ]  # fmt: skip
    results = staff_client.post("/scan/sync", json={"scans": queue}).get_json()["results"]
    outcomes = {r["client_id"]: r["outcome"] for r in results}
    assert outcomes.pop("good") == "done"
    assert set(outcomes.values()) == {"refused"} and len(results) == 6
    assert all(r["message"] == "This scan could not be read and was not applied."
               for r in results if r["outcome"] == "refused")  # fmt: skip
    db_session.expire_all()
    assert item.storeroom_id == room.id and moves(db_session, item) == 1


def test_a_malformed_or_oversized_queue_is_refused_with_a_message(staff_client, db_session):
    response = staff_client.post("/scan/sync", data="scans=1")
    assert response.status_code == 400 and "JSON list" in response.get_json()["error"]
    many = [{"client_id": str(n), "code": "X", "mode": "lookup", "scanned_at": ago(1)}
            for n in range(501)]  # fmt: skip
    response = staff_client.post("/scan/sync", json={"scans": many})
    assert response.status_code == 413 and "at most 500" in response.get_json()["error"]
    assert db_session.scalar(select(func.count()).select_from(Scan)) == 0


def test_a_requester_may_queue_look_ups_but_not_moves(
    client, login, make_user, make_item, make_storeroom, db_session
):
    requester = make_user(Role.REQUESTER)
    item = make_item(place="Room 4", department=requester.department)
    room = make_storeroom(code="B1")
    login(client, requester)
    queue = [
        {"client_id": "l", "code": item.tag, "mode": "lookup", "scanned_at": ago(3)},
        {"client_id": "m", "code": item.tag, "mode": "move", "storeroom_id": room.id,
         "scanned_at": ago(2)},
    ]  # fmt: skip
    results = client.post("/scan/sync", json={"scans": queue}).get_json()["results"]
    assert [r["outcome"] for r in results] == ["done", "refused"]
    assert results[1]["message"] == "You may not move or count items."
    db_session.expire_all()
    assert item.storeroom_id is None and item.last_seen_at is not None


def test_queued_counts_update_the_stocktake_and_a_finished_one_refuses_them(
    staff_client, make_item, make_storeroom, db_session
):
    room = make_storeroom(code="B1")
    here, elsewhere = make_item(storeroom=room), make_item(place="Room 4")
    make_item(storeroom=room)
    staff_client.post("/scan/stocktake", data={"code": "B1"})
    take_id = int(re.search(r"/stocktakes/(\d+)", staff_client.get("/scan/stocktake").text)[1])
    queue = [
        {"client_id": code, "code": code, "mode": "stocktake", "stocktake_id": take_id,
         "scanned_at": ago(5)}
        for code in (here.tag, elsewhere.tag)
    ]  # fmt: skip
    body = staff_client.post("/scan/sync", json={"scans": queue}).get_json()
    assert body["stocktakes"] == {str(take_id): {"found": 1, "expected": 2, "counted": 2}}
    page = staff_client.get(f"/stocktakes/{take_id}").text
    assert "1 of 2 found · 2 scanned" in page
    assert f"{elsewhere.tag} is recorded elsewhere: unexpected here." in page

    staff_client.post(f"/stocktakes/{take_id}/finish")
    late = [{**queue[0], "client_id": "late"}]
    result = staff_client.post("/scan/sync", json={"scans": late}).get_json()["results"][0]
    assert result["outcome"] == "refused"
    assert result["message"] == (
        f"{here.tag} was not applied: This stocktake is finished; start a new one."
    )


def test_the_sync_endpoint_takes_the_csrf_token_from_a_header(
    app, db_session, make_user, make_item, make_storeroom
):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        user = make_user(Role.STAFF)
        item = make_item(place="Room 4")
        client = app.test_client()
        page = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        client.post("/login", data={"email": user.email, "password": PASSWORD,
                                    "csrf_token": token})  # fmt: skip
        queue = {"scans": [{"client_id": "c", "code": item.tag, "mode": "lookup",
                            "scanned_at": ago(1)}]}  # fmt: skip
        assert client.post("/scan/sync", json=queue).status_code == 400
        fresh = client.get("/scan/sync").get_json()["csrf_token"]
        response = client.post("/scan/sync", json=queue, headers={"X-CSRFToken": fresh})
        assert response.get_json()["results"][0]["outcome"] == "done"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_phone_copy_holds_storerooms_and_only_the_users_items(
    client, login, make_user, make_item, make_storeroom, db_session
):
    requester = make_user(Role.REQUESTER)
    room = make_storeroom(code="B1", name="Basement <north>")
    mine = make_item("Rollator", department=requester.department, storeroom=room, position="H3")
    theirs = make_item("Desk")
    login(client, requester)
    response = client.get("/scan/offline.json")
    copy = response.get_json()
    assert {"id": room.id, "code": "B1", "name": "Basement <north>", "site": room.site.name} in (
        copy["storerooms"]
    )
    assert copy["items"] == [[mine.tag, "Rollator", "B1 H3"]]  # the shelf too
    assert theirs.tag not in response.text

    etag = response.headers["ETag"]
    assert client.get("/scan/offline.json", headers={"If-None-Match": etag}).status_code == 304
    whereabouts.move_item(db_session, mine, None, place="Ward 3", by=requester, now=utcnow())
    db_session.commit()
    changed = client.get("/scan/offline.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["items"][0][2] == "Ward 3"


def test_the_service_worker_is_served_from_the_root_without_login(client, make_user):
    make_user()  # set up, so no page sends us to the first-run setup
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "reshelf-scan-v1" in response.text


def test_scanning_a_storeroom_label_on_the_move_page_switches_the_storeroom(
    staff_client, make_storeroom, db_session
):
    first, second = make_storeroom(code="A1"), make_storeroom(code="B2")
    response = staff_client.post(f"/scan/move/{first.id}", data={"code": "b2"})
    assert response.headers["Location"] == f"/scan/move/{second.id}"
    assert db_session.scalar(select(func.count()).select_from(Scan)) == 0


def test_the_same_queued_scan_sent_twice_at_once_moves_the_item_once(
    db_session, make_user, make_item, make_storeroom
):
    """A phone that resends while its first request is still running: two threads, one move."""
    staff = make_user(Role.STAFF)
    room = make_storeroom(code="B1")
    item = make_item(place="Corridor")
    queue = [{"client_id": "twice", "code": item.tag, "mode": "move", "storeroom_id": room.id,
              "scanned_at": ago(1)}]  # fmt: skip
    engine = db_session.get_bind()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        with Session(engine) as session:
            user = session.get(User, staff.id)
            barrier.wait()
            results = offline.apply_queue(session, user, queue, now=utcnow())
            outcomes.extend(result.outcome for result in results)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == ["done", "done"]  # the second copy answers with the first one's result
    db_session.expire_all()
    assert item.storeroom_id == room.id and moves(db_session, item) == 1
    assert db_session.scalar(select(func.count()).select_from(Scan)) == 1
