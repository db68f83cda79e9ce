"""The reuse pages: offer an item, find it in the market, ask, decide, hand over."""

from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import Item, ItemStatus
from reuse.listings.models import Listing
from reuse.requests.models import RequestStatus, TransferRequest


def test_offer_find_request_approve_and_hand_over(
    app, client, login, db_session, make_user, make_department, make_item, make_storeroom
):
    north, school = make_department("Health centre north"), make_department("School")
    owner = make_user(Role.REQUESTER, department=north)
    manager = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    room = make_storeroom(code="S1")
    desk = make_item("Standing desk", department=north, storeroom=make_storeroom(code="N1"))

    login(client, owner)
    assert f"/items/{desk.id}/offer" in client.get(f"/items/{desk.id}").text
    response = client.post(f"/items/{desk.id}/offer", data={
        "quantity": "1", "reason": "Moved out", "condition": "good", "collect_from": "Back door",
        "version": str(desk.version)})  # fmt: skip
    assert response.status_code == 302
    listing = db_session.scalar(select(Listing))
    client.post("/logout")

    login(client, teacher)
    assert "Standing desk" in client.get("/reuse?q=desk").text
    assert "Standing desk" not in client.get("/reuse?q=chair").text
    page = client.get(f"/reuse/listings/{listing.id}").text
    assert "Send the request" in page and f"/items/{desk.id}" not in page  # not their item
    response = client.post(f"/reuse/listings/{listing.id}/request",
                           data={"quantity": "1", "deliver_to": str(room.id), "message": "Yes!"})  # fmt: skip
    assert response.status_code == 302
    again = client.post(f"/reuse/listings/{listing.id}/request",
                        data={"quantity": "1", "deliver_to": str(room.id)})  # fmt: skip
    assert again.status_code == 409 and "already asked" in again.text
    transfer = db_session.scalar(select(TransferRequest))
    assert client.post(f"/reuse/requests/{transfer.id}/approve").status_code == 403
    client.post("/logout")

    login(client, manager)
    page = client.get(f"/reuse/listings/{listing.id}").text
    assert "School" in page and "Yes!" in page and "Approve" in page
    assert client.post(f"/reuse/requests/{transfer.id}/approve",
                       data={"carrier": "Caretaker"}).status_code == 302  # fmt: skip
    late = client.post(f"/reuse/requests/{transfer.id}/approve")  # an old tab
    assert late.status_code == 409 and "already decided" in late.text
    assert client.post(f"/reuse/requests/{transfer.id}/hand_over").status_code == 302
    db_session.expire_all()
    item = db_session.get(Item, desk.id)
    assert (item.department_id, item.storeroom_id, item.status) == (
        school.id, room.id, ItemStatus.IN_STORAGE)  # fmt: skip
    assert db_session.get(TransferRequest, transfer.id).status == RequestStatus.COMPLETED


def test_a_bad_request_is_refused_and_changes_nothing(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north, quantity=2)
    login(client, make_user(Role.MANAGER, department=north))
    client.post(f"/items/{desk.id}/offer", data={"quantity": "2", "condition": "good",
                                                 "version": str(desk.version)})  # fmt: skip
    listing = db_session.scalar(select(Listing))
    client.post("/logout")
    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    response = client.post(f"/reuse/listings/{listing.id}/request",
                           data={"quantity": "3", "deliver_place": "Room 4"},
                           follow_redirects=True)  # fmt: skip
    assert "Only 2 available" in response.text
    response = client.post(f"/reuse/listings/{listing.id}/request",
                           data={"quantity": "1", "deliver_place": "Room 4",
                                 "needed_by": "2001-01-01"}, follow_redirects=True)  # fmt: skip
    assert "needed-by date has passed" in response.text
    assert db_session.scalar(select(TransferRequest)) is None


def test_an_offer_is_only_made_by_whoever_may_edit_the_item(
    client, login, make_user, make_department, make_item, db_session
):
    desk = make_item("Desk", department=make_department("North"))
    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    assert client.get(f"/items/{desk.id}/offer").status_code == 404
    response = client.post(f"/items/{desk.id}/offer", data={"quantity": "1", "condition": "good"})
    assert response.status_code == 404 and db_session.scalar(select(Listing)) is None


def test_the_owner_withdraws_a_listing(
    client, login, make_user, make_department, make_item, db_session
):
    north = make_department("North")
    desk = make_item("Desk", department=north)
    login(client, make_user(Role.REQUESTER, department=north))
    client.post(f"/items/{desk.id}/offer", data={"quantity": "1", "condition": "good",
                                                 "version": str(desk.version)})  # fmt: skip
    listing = db_session.scalar(select(Listing))
    assert client.post(f"/reuse/listings/{listing.id}/withdraw").status_code == 302
    db_session.expire_all()
    assert db_session.get(Item, desk.id).status == ItemStatus.IN_USE
    assert f"/reuse/listings/{listing.id}" not in client.get("/reuse").text


def test_the_market_filters_as_the_form_sends_them(
    client, login, db_session, make_user, make_department, make_item, make_storeroom, make_category
):
    north = make_department("North")
    chairs = make_category("Chairs")
    room = make_storeroom(code="N1")
    make_item("Office chair", department=north, category=chairs, storeroom=room)
    make_item("Standing table", department=north, storeroom=room)
    login(client, make_user(Role.MANAGER, department=north))
    for item in db_session.scalars(select(Item)):
        client.post(f"/items/{item.id}/offer", data={"quantity": "1", "condition": "good",
                                                     "version": str(item.version)})  # fmt: skip
    # A browser sends every field of the form, the empty ones too.
    page = client.get(f"/reuse?q=&category={chairs.id}&condition=&site={room.site_id}"
                      "&town=&sort=ending")  # fmt: skip
    assert page.status_code == 200
    assert "Office chair" in page.text and "Standing table" not in page.text
    assert f'<option value="{chairs.id}" selected>' in page.text
    assert client.get("/reuse?q=&category=&condition=&site=&town=&sort=x").status_code == 200


def approved_request(client, login, db_session, make_user, make_department, make_item,
                     quantity=1, lot=1):  # fmt: skip
    """A listing of North's, asked for by School and approved; returns (desk, request, users)."""
    north, school = make_department("North"), make_department("School")
    manager = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    desk = make_item("Desk", department=north, quantity=lot, tag="INV-000777")
    login(client, manager)
    client.post(f"/items/{desk.id}/offer", data={"quantity": str(quantity), "condition": "good",
                                                 "version": str(desk.version)})  # fmt: skip
    listing = db_session.scalar(select(Listing))
    client.post("/logout")
    login(client, teacher)
    client.post(f"/reuse/listings/{listing.id}/request",
                data={"quantity": str(quantity), "deliver_place": "Room 4"})  # fmt: skip
    client.post("/logout")
    transfer = db_session.scalar(select(TransferRequest))
    login(client, manager)
    client.post(f"/reuse/requests/{transfer.id}/approve", data={"carrier": "Caretaker"})
    client.post("/logout")
    return desk, transfer, manager, teacher


def test_the_receiver_scans_the_label_and_confirms_receipt(
    client, login, db_session, make_user, make_department, make_item
):
    desk, transfer, _manager, teacher = approved_request(
        client, login, db_session, make_user, make_department, make_item)  # fmt: skip
    login(client, teacher)
    scanned = client.get("/s/inv-000777")  # not their item yet: the listing opens
    assert scanned.headers["Location"].endswith(f"/reuse/listings/{transfer.listing_id}")
    page = client.get(scanned.headers["Location"]).text
    assert "Confirm you received it" in page and "Caretaker" in page
    assert client.post(f"/reuse/requests/{transfer.id}/hand_over").status_code == 302
    db_session.expire_all()
    assert db_session.get(Item, desk.id).department_id == teacher.department_id
    assert db_session.get(TransferRequest, transfer.id).status == RequestStatus.COMPLETED


def test_someone_else_cannot_confirm_a_handover(
    client, login, db_session, make_user, make_department, make_item
):
    desk, transfer, manager, _teacher = approved_request(
        client, login, db_session, make_user, make_department, make_item)  # fmt: skip
    login(client, make_user(Role.REQUESTER, department=make_department("Library")))
    assert client.post(f"/reuse/requests/{transfer.id}/hand_over").status_code == 403
    assert client.get("/s/INV-000777").status_code == 302  # the listing, organisation-wide
    client.post("/logout")
    login(client, make_user(Role.REQUESTER, department=manager.department))  # the owners
    assert client.post(f"/reuse/requests/{transfer.id}/hand_over").status_code == 403
    db_session.expire_all()
    assert db_session.get(TransferRequest, transfer.id).status == RequestStatus.APPROVED


def test_a_manager_confirms_on_the_item_page_and_is_prompted_to_label_a_split_part(
    client, login, db_session, make_user, make_department, make_item
):
    lot, transfer, manager, teacher = approved_request(
        client, login, db_session, make_user, make_department, make_item, quantity=2, lot=5)  # fmt: skip
    login(client, manager)
    page = client.get(f"/items/{lot.id}").text
    assert "Confirm the handover" in page and "2 units approved for School" in page
    response = client.post(f"/reuse/requests/{transfer.id}/hand_over", data={"from": "item"})
    db_session.expire_all()
    part = db_session.get(TransferRequest, transfer.id).received_item
    assert part.split_from_id == lot.id and part.quantity == 2
    assert response.headers["Location"].endswith(f"/items/{part.id}")
    listing_page = client.get(f"/reuse/listings/{transfer.listing_id}").text
    assert f"Split off as {part.tag}" in listing_page
    assert f"/labels/print?source=item&amp;id={part.id}" in listing_page


def test_the_receiver_of_a_part_of_a_lot_lands_on_its_page_to_print_its_label(
    client, login, db_session, make_user, make_department, make_item
):
    lot, transfer, _manager, teacher = approved_request(
        client, login, db_session, make_user, make_department, make_item, quantity=2, lot=5)  # fmt: skip
    login(client, teacher)
    response = client.post(f"/reuse/requests/{transfer.id}/hand_over")
    db_session.expire_all()
    part = db_session.get(TransferRequest, transfer.id).received_item
    assert response.headers["Location"].endswith(f"/items/{part.id}")
    page = client.get(response.headers["Location"]).text
    assert "print its label" in page and "Print label" in page


def test_the_approval_says_how_it_travels_and_the_requester_is_told(
    client, login, db_session, make_user, make_department, make_item
):
    north, school = make_department("North"), make_department("School")
    manager = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    desk = make_item("Desk", department=north)
    login(client, manager)
    client.post(f"/items/{desk.id}/offer", data={"quantity": "1", "condition": "good",
                "collect_from": "Loading bay", "version": str(desk.version)})  # fmt: skip
    listing = db_session.scalar(select(Listing))
    client.post("/logout")
    login(client, teacher)
    client.post(f"/reuse/listings/{listing.id}/request", data={"quantity": "1",
                                                               "deliver_place": "Room 4"})  # fmt: skip
    client.post("/logout")
    transfer = db_session.scalar(select(TransferRequest))
    login(client, manager)
    assert 'value="Loading bay"' in client.get(f"/reuse/listings/{listing.id}").text
    bad = client.post(f"/reuse/requests/{transfer.id}/approve", data={"handover_mode": "fly"},
                      follow_redirects=True)  # fmt: skip
    assert "Not a valid choice" in bad.text
    client.post(f"/reuse/requests/{transfer.id}/approve", data={
        "handover_mode": "deliver", "handover_from": "Loading bay", "carrier": "Caretaker"})  # fmt: skip
    page = client.get(f"/reuse/listings/{listing.id}").text
    assert "The owner delivers it. From Loading bay to Room 4. Carried by Caretaker." in page
    client.post("/logout")
    login(client, teacher)
    assert "The owner delivers it" in client.get("/reuse/requests").text
    inbox = client.get("/inbox").text
    assert "The owner delivers it." in inbox and "From Loading bay to Room 4." in inbox


def test_the_market_pages_keep_the_search(
    app, monkeypatch, client, login, db_session, make_user, make_department, make_item
):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    north = make_department("North")
    for n in range(3):
        make_item(f"Bookcase {n}", department=north)
    make_item("Lamp", department=north)
    login(client, make_user(Role.MANAGER, department=north))
    for item in db_session.scalars(select(Item)):
        client.post(f"/items/{item.id}/offer", data={"quantity": "1", "condition": "good",
                                                     "version": str(item.version)})  # fmt: skip
    first = client.get("/reuse?q=bookcase").text
    name = '<span class="name">Bookcase'
    assert first.count(name) == 2 and 'href="/reuse?q=bookcase&amp;page=2"' in first
    second = client.get("/reuse?q=bookcase&page=2").text
    assert second.count(name) == 1 and "Lamp" not in second
    assert 'rel="prev" href="/reuse?q=bookcase&amp;page=1"' in second
