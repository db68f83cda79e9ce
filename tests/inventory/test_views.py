import html
import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import EventKind, Item, ItemPhoto, ItemStatus
from tests import bombs


@pytest.fixture
def staff_client(client, make_user, login):
    user = make_user(Role.STAFF)
    login(client, user)
    client.user = user
    return client


def item_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Item))


def new_item_form(**changes):
    form = {
        "name": "Shower chair",
        "category_id": "",
        "department_id": "",
        "storeroom_id": "",
        "place": "",
        "condition": "good",
        "quantity": "1",
        "tag": "",
    }
    form.update(changes)
    return form


def test_create_item_through_the_form(staff_client, db_session, make_storeroom, make_department):
    room = make_storeroom(code="K1")
    dept = make_department()
    response = staff_client.post(
        "/items/new",
        data=new_item_form(
            department_id=dept.id,
            storeroom_id=room.id,
            purchase_price="1 250,50",
            extra="Colour: red\nWidth: 60 cm",
            quantity="4",
        ),
    )
    assert response.status_code == 302
    item = db_session.scalar(select(Item))
    assert (item.tag, item.storeroom_id, item.quantity) == ("INV-000001", room.id, 4)
    assert str(item.purchase_price) == "1250.50"
    assert item.extra == {"Colour": "red", "Width": "60 cm"}
    page = staff_client.get(response.headers["Location"])
    assert "INV-000001" in page.text and "Shower chair" in page.text and "Created" in page.text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "This field is required."),
        ({"quantity": "0"}, "Number must be between 1 and 1000000."),
        ({"quantity": "1,5"}, "Not a valid integer value."),
        ({"purchase_price": "lots"}, "Enter an amount such as 1250 or 1 250,50."),
        ({"purchase_price": "-5"}, "Enter an amount from 0 up to 9,999,999,999."),
        ({"purchase_date": "03/04/2024"}, "Not a valid date value."),
        ({"storeroom_id": "", "place": ""}, "Choose a storeroom, or say where the item is in use."),
        ({"storeroom_id": "999999"}, "Not a valid choice."),
        ({"tag": "has space"}, "A tag is 1 to 64 letters"),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"extra": "no colon here"}, "write each attribute as"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_saves_nothing(
    staff_client, db_session, make_department, changes, message
):
    dept = make_department()
    form = new_item_form(**{"department_id": dept.id, "place": "Room 1", **changes})
    response = staff_client.post("/items/new", data=form)
    assert response.status_code == 200
    assert message in response.text
    assert item_count(db_session) == 0


def test_markup_in_names_is_shown_as_text(staff_client, make_item):
    item = make_item('<script>alert(1)</script>"><img src=x onerror=alert(1)>')
    page = staff_client.get(f"/items/{item.id}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    listing = staff_client.get("/items?q=script").text
    assert "<img src=x" not in listing


def test_edit_from_a_stale_page_is_refused_and_the_other_change_stays(
    staff_client, db_session, make_item
):
    item = make_item("Desk", notes="")
    form = {
        "name": "Desk",
        "department_id": item.department_id,
        "condition": "good",
        "quantity": "1",
        "category_id": "",
        "place": item.place,
        "version": str(item.version),
    }
    first = staff_client.post(f"/items/{item.id}/edit", data={**form, "notes": "first"})
    assert first.status_code == 302
    second = staff_client.post(f"/items/{item.id}/edit", data={**form, "notes": "second"})
    assert second.status_code == 409
    assert "Someone else changed this item" in second.text
    assert "second" in second.text  # the user's own input is kept in the form
    db_session.refresh(item)
    assert item.notes == "first"


def test_move_through_the_form_records_history(staff_client, db_session, make_item, make_storeroom):
    a, b = make_storeroom(code="A1"), make_storeroom(code="B1")
    item = make_item(storeroom=a)
    response = staff_client.post(
        f"/items/{item.id}/move", data={"storeroom_id": b.id, "place": "", "version": item.version}
    )
    assert response.status_code == 302
    db_session.refresh(item)
    assert item.storeroom_id == b.id
    assert item.events[0].kind == EventKind.MOVED
    assert "A1 Basement → B1 Basement" in staff_client.get(f"/items/{item.id}").text


def test_a_move_can_name_the_shelf_and_the_item_page_shows_it(
    staff_client, db_session, make_item, make_storeroom
):
    room = make_storeroom(code="A1")
    item = make_item(place="Room 4")
    form = {"storeroom_id": room.id, "position": "Hylla 3", "place": "", "version": item.version}
    assert staff_client.post(f"/items/{item.id}/move", data=form).status_code == 302
    db_session.refresh(item)
    assert (item.storeroom_id, item.position, item.place) == (room.id, "Hylla 3", "")
    page = staff_client.get(f"/items/{item.id}").text
    assert "A1 · Basement</a>, at Hylla 3" in page
    assert "A1 Hylla 3" in staff_client.get("/items").text  # the list's line under the item


def test_dispose_needs_a_manager(client, db_session, make_user, login, make_item):
    item = make_item()
    login(client, make_user(Role.STAFF))
    assert client.post(f"/items/{item.id}/dispose", data={"disposition": "sold"}).status_code == 403
    client.post("/logout")
    login(client, make_user(Role.MANAGER))
    response = client.post(
        f"/items/{item.id}/dispose",
        data={"disposition": "sold", "note": "", "version": item.version},
    )
    assert response.status_code == 302
    db_session.refresh(item)
    assert item.status == ItemStatus.DISPOSED


@pytest.mark.parametrize(
    "path",
    [
        "/items/abc",
        "/items/99999999",
        "/items/1.5",
        "/items?after=abc",
        "/items?after=-1",
        "/items?before=1.5",
        "/items?after=99999999",
        "/items?after=1&before=2",
        "/storerooms/1?after=x",
        "/storerooms/x",
        "/photos/1/full",
        "/photos/1/huge",
    ],
)
def test_malformed_or_unknown_addresses_are_404(staff_client, path):
    assert staff_client.get(path).status_code == 404


def test_unknown_filter_values_are_ignored(staff_client, make_item):
    make_item("Chair")
    response = staff_client.get("/items?status=bogus&condition=x&category=abc&sort=evil")
    assert response.status_code == 200 and "Chair" in response.text


def test_scan_link_resolves_tags_and_storeroom_codes_ignoring_case(
    staff_client, make_item, make_storeroom
):
    item = make_item(tag="INV-000042")
    room = make_storeroom(code="KF-2")
    assert staff_client.get("/s/inv-000042").headers["Location"] == f"/items/{item.id}"
    assert staff_client.get("/s/kf-2").headers["Location"] == f"/storerooms/{room.id}"


def test_unknown_scan_code_offers_a_search(staff_client):
    response = staff_client.get("/s/NOPE-1")
    assert response.status_code == 404
    assert "No item or storeroom with code NOPE-1" in response.text and 'name="q"' in response.text


def test_scan_link_asks_for_login_and_comes_back(client, make_user, make_item):
    item = make_item(tag="INV-000007")
    user = make_user()
    response = client.get("/s/inv-000007")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    login = client.post(
        response.headers["Location"],
        data={"email": user.email, "password": "correct horse battery"},
    )
    assert login.headers["Location"] == "/s/inv-000007"
    assert client.get("/s/inv-000007").headers["Location"] == f"/items/{item.id}"


def test_storeroom_page_lists_its_items(staff_client, make_item, make_storeroom):
    room = make_storeroom(code="V1", name="Vinden")
    make_item("Bookcase", storeroom=room)
    make_item("Elsewhere")
    page = staff_client.get(f"/storerooms/{room.id}").text
    assert "Vinden" in page and "Bookcase" in page and "Elsewhere" not in page


def next_link(page: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


def previous_link(page: str) -> str | None:
    match = re.search(r'rel="prev" href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


@pytest.mark.parametrize("sort", ["name", "tag", "registered", "newest", "oldest"])
def test_item_list_pages_through_every_item_once_in_every_sort(staff_client, make_item, sort):
    per_page = staff_client.application.config["ITEMS_PER_PAGE"]
    # Equal names and equal timestamps: the id settles ties, so no row is skipped or repeated.
    names = [f"Chair {n % 7}" for n in range(2 * per_page + 5)]
    for name in names:
        make_item(name)
    seen, url, pages = [], f"/items?sort={sort}", []
    while url:
        page = staff_client.get(url).text
        pages.append(page)
        seen += re.findall(r'class="tag">([^<]+)<', page)
        url = next_link(page)
    assert len(pages) == 3 and len(seen) == len(names) == len(set(seen))
    if sort == "name":
        listed = [name for page in pages for name in re.findall(r'class="name">([^<]+)<', page)]
        assert listed == sorted(names)
    # Previous from the last page gives back the middle page, rows in the same order.
    middle = staff_client.get(previous_link(pages[-1])).text
    assert re.findall(r'class="tag">([^<]+)<', middle) == seen[per_page : 2 * per_page]
    assert previous_link(middle) and next_link(middle)


def test_search_results_page_through_the_search_index(staff_client, make_item, app):
    per_page = app.config["ITEMS_PER_PAGE"]
    for n in range(per_page + 3):
        make_item(f"Rollator {n:03d}")
    make_item("Desk")
    first = staff_client.get("/items?q=rollator").text
    assert "Rollator 052" in first and "Rollator 002" not in first  # newest first
    second = staff_client.get(next_link(first)).text
    assert "Rollator 002" in second and "Rollator 000" in second and "Desk" not in second
    assert next_link(second) is None and "q=rollator" in previous_link(second)


def test_a_page_cannot_start_at_an_item_the_user_may_not_see(client, login, make_user, make_item):
    hidden = make_item("Secret chair")
    login(client, make_user(Role.REQUESTER))
    assert client.get(f"/items?after={hidden.id}").status_code == 404
    assert client.get("/items").status_code == 200


# --- photos -------------------------------------------------------------------------------------


def image_bytes(fmt="JPEG", size=(2400, 1800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, format=fmt)
    return out.getvalue()


def upload(client, item, data: bytes, filename="photo.jpg", content_type="image/jpeg"):
    return client.post(
        f"/items/{item.id}/photos",
        content_type="multipart/form-data",
        data={"photo": (io.BytesIO(data), filename, content_type)},
    )


def test_photo_is_downscaled_stored_and_served(staff_client, db_session, make_item):
    item = make_item()
    assert upload(staff_client, item, image_bytes()).status_code == 302
    photo = db_session.scalar(select(ItemPhoto))
    assert max(photo.width, photo.height) == 1600
    response = staff_client.get(f"/photos/{photo.id}/thumb")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert max(Image.open(io.BytesIO(response.data)).size) == 480
    assert f"/photos/{photo.id}/thumb" in staff_client.get(f"/items/{item.id}").text


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "data, filename, content_type",
    [
        (SVG, "x.svg", "image/svg+xml"),
        (b"<html><script>alert(1)</script></html>", "x.jpg.html", "text/html"),
        (b"just text", "x.png", "image/png"),
        (image_bytes("GIF", (10, 10)), "x.gif", "image/gif"),
        (image_bytes()[:200], "truncated.jpg", "image/jpeg"),
    ],
)
def test_files_that_are_not_photos_are_refused(
    staff_client, db_session, make_item, data, filename, content_type
):
    item = make_item()
    response = upload(staff_client, item, data, filename, content_type)
    assert response.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 0
    page = staff_client.get(response.headers["Location"]).text
    assert "JPEG, PNG" in page


def test_decompression_bomb_is_refused(staff_client, db_session, make_item):
    bomb = bombs.png(50_000, 50_000, color_type=0, depth=1)  # 2.5 gigapixels, 300 kB
    item = make_item()
    response = upload(staff_client, item, bomb, "bomb.png", "image/png")
    assert response.status_code == 302
    assert "too large" in staff_client.get(response.headers["Location"]).text
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 0


def test_photo_count_per_item_is_limited(app, staff_client, db_session, make_item):
    item = make_item()
    small = image_bytes(size=(40, 30))
    for _ in range(app.config["PHOTOS_MAX_PER_ITEM"]):
        upload(staff_client, item, small)
    upload(staff_client, item, small)
    assert (
        db_session.scalar(select(func.count()).select_from(ItemPhoto))
        == app.config["PHOTOS_MAX_PER_ITEM"]
    )


def test_photos_per_user_per_day_are_limited(app, staff_client, db_session, make_item, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTOS_MAX_PER_USER_PER_DAY", 3)
    small = image_bytes(size=(40, 30))
    items = [make_item(f"Chair {n}") for n in range(4)]
    for item in items[:3]:
        upload(staff_client, item, small)
    response = upload(staff_client, items[3], small)
    assert "3 photos a day" in staff_client.get(response.headers["Location"]).text
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 3


def test_photo_storage_per_user_is_limited(app, staff_client, db_session, make_item, monkeypatch):
    item = make_item()
    upload(staff_client, item, image_bytes(size=(400, 300)))
    stored = db_session.scalar(select(ItemPhoto.size_bytes))
    assert stored > 0
    monkeypatch.setitem(app.config, "PHOTOS_MAX_BYTES_PER_USER", stored + 10)
    response = upload(staff_client, item, image_bytes(size=(400, 300)))
    assert "storage limit" in staff_client.get(response.headers["Location"]).text
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 1


def test_oversized_upload_gets_413(app, staff_client, make_item):
    item = make_item()
    body = b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)  # raw bytes: no temp file in the client
    response = staff_client.post(
        f"/items/{item.id}/photos", data=body, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 413
    assert "File too large" in response.text
