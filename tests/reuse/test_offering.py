"""Offering surplus from a selection in the item list and from the scanning page."""

from sqlalchemy import func, select

from app.auth.roles import Role
from inventory.models import Condition, Item, ItemStatus
from reuse.listings.models import Listing


def count_listings(db_session) -> int:
    return db_session.scalar(select(func.count(Listing.id)))


def test_ticked_items_are_offered_whole_and_the_rest_are_named(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    chairs = make_item("Chairs", department=north, quantity=6)
    desk = make_item("Desk", department=north, condition=Condition.FAIR)
    gone = make_item("Old desk", department=north)
    gone.status = ItemStatus.DISPOSED
    db_session.commit()
    foreign = make_item("Their desk", department=make_department("School"))
    login(client, make_user(Role.REQUESTER, department=north))

    assert "Offer the ticked items as surplus" in client.get("/items").text
    page = client.get(f"/reuse/offer?item={chairs.id}&item={desk.id}&item={foreign.id}").text
    assert "Chairs" in page and "Desk" in page and "Their desk" not in page

    response = client.post("/reuse/offer", data={
        "item": [chairs.id, desk.id, gone.id, foreign.id], "reason": "Moving", "condition": "",
        "collect_from": "Loading bay"}, follow_redirects=True)  # fmt: skip
    assert "2 items offered" in response.text
    assert "not offered: This item cannot be offered now." in response.text  # the disposed one
    listings = {x.item_id: x for x in db_session.scalars(select(Listing))}
    assert set(listings) == {chairs.id, desk.id}  # the other department's desk is untouched
    assert listings[chairs.id].quantity == 6 and listings[desk.id].condition == Condition.FAIR
    assert db_session.get(Item, foreign.id).status == ItemStatus.IN_USE  # as it was

    again = client.post("/reuse/offer", data={"item": [chairs.id], "condition": ""},
                        follow_redirects=True)  # fmt: skip
    assert "0 items offered" in again.text and "already offered" in again.text
    assert count_listings(db_session) == 2


def test_a_selection_of_nothing_goes_back_to_the_list(client, login, make_user):
    login(client, make_user(Role.REQUESTER))
    response = client.get("/reuse/offer")
    assert response.status_code == 302 and response.headers["Location"].endswith("/items")


def test_scanning_offers_one_item_after_another(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north, tag="INV-000042")
    foreign = make_item("Their desk", department=make_department("School"), tag="INV-000043")
    login(client, make_user(Role.REQUESTER, department=north))

    assert "Offer as surplus: scan an item" in client.get("/scan/offer").text
    response = client.post("/scan/offer", data={"code": "inv-000042"})
    assert response.headers["Location"].endswith(f"/items/{desk.id}/offer?then=scan")
    offered = client.post(f"/items/{desk.id}/offer?then=scan", data={
        "quantity": "1", "condition": "good", "version": str(desk.version)})  # fmt: skip
    assert offered.headers["Location"].endswith("/scan/offer")
    assert count_listings(db_session) == 1

    refused = client.post("/scan/offer", data={"code": "INV-000043"}, follow_redirects=True)
    assert "INV-000043 is not an item you can see" in refused.text
    assert db_session.get(Item, foreign.id).status == ItemStatus.IN_USE  # as it was


def jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(out, format="JPEG")
    return out.getvalue()


def test_photos_added_when_offering_are_seen_by_whoever_sees_the_listing(
    client, login, db_session, make_user, make_department, make_item
):
    import io

    north = make_department("North")
    desk = make_item("Desk", department=north)
    other = make_item("Chair", department=north)
    login(client, make_user(Role.REQUESTER, department=north))
    bad = client.post(f"/items/{desk.id}/offer", data={
        "quantity": "1", "condition": "good", "version": str(desk.version),
        "photos": [(io.BytesIO(jpeg()), "desk.jpg"), (io.BytesIO(b"not a photo"), "x.jpg")],
    }, content_type="multipart/form-data")  # fmt: skip
    assert bad.status_code == 200 and count_listings(db_session) == 0  # nothing offered
    db_session.expire_all()
    assert db_session.get(Item, desk.id).photos == []

    client.post(f"/items/{desk.id}/offer", data={
        "quantity": "1", "condition": "good", "version": str(desk.version),
        "photos": [(io.BytesIO(jpeg()), "desk.jpg")],
    }, content_type="multipart/form-data")  # fmt: skip
    db_session.expire_all()
    listing = db_session.scalar(select(Listing))
    photo = db_session.get(Item, desk.id).photos[0]
    client.post("/logout")

    login(client, make_user(Role.REQUESTER, department=make_department("School")))
    assert client.get(f"/photos/{photo.id}/thumb").status_code == 404  # not their item
    url = f"/reuse/listings/{listing.id}/photos/{photo.id}/thumb"
    assert url in client.get(f"/reuse/listings/{listing.id}").text
    assert url in client.get("/reuse").text
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    client.post("/logout")

    login(client, make_user(Role.REQUESTER, department=north))
    client.post(f"/items/{other.id}/photos", data={"photo": (io.BytesIO(jpeg()), "c.jpg")},
                content_type="multipart/form-data")  # fmt: skip
    db_session.expire_all()
    other_photo = db_session.get(Item, other.id).photos[0]
    assert (
        client.get(f"/reuse/listings/{listing.id}/photos/{other_photo.id}/thumb").status_code == 404
    )


def test_an_import_leaves_an_offered_items_quantity_and_department_alone(
    app, client, login, db_session, make_user, make_department, make_item
):
    from app.timeutil import utcnow
    from imports import services as imports

    north = make_department("North")
    manager = make_user(Role.MANAGER, department=north)
    chairs = make_item("Chairs", department=north, quantity=6, tag="INV-000900")
    login(client, manager)
    client.post(f"/items/{chairs.id}/offer", data={"quantity": "4", "condition": "good",
                                                   "version": str(chairs.version)})  # fmt: skip
    stock = b"Asset tag;Name;Quantity\nINV-000900;Chairs, blue;2\n"
    with app.test_request_context():
        batch, table = imports.start_batch(db_session, stock, "stock.csv", user=manager,
                                           sheet=None, now=utcnow(), max_rows=100)  # fmt: skip
        plan = imports.commit(db_session, batch, table, user=manager, now=utcnow(),
                              tag_prefix="I-", tag_digits=4)  # fmt: skip
        db_session.commit()
    assert plan.counts["error"] == 1
    assert "offered for reuse" in plan.errors[0][2]
    db_session.expire_all()
    assert db_session.get(Item, chairs.id).quantity == 6  # the listing still offers 4 of 6
