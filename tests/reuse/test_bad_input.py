"""Bad input on the reuse pages: a clear answer and nothing changed, never a server error."""

from sqlalchemy import func, select

from app.auth.roles import Role
from reuse.demand.models import BuyCheck
from reuse.listings.models import Listing
from tests.reuse import making

HUGE = "99999999999999999999999"


def test_out_of_range_numbers_and_dates_are_answered_not_crashed_on(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    desk = make_item("Desk", department=north)
    login(client, make_user(Role.MANAGER, department=north))
    making.offer_page(client, desk)
    listing = db_session.scalar(select(Listing))
    for url in (f"/reuse?category={HUGE}&site={HUGE}&page={HUGE}&q=desk", f"/inbox?page={HUGE}",
                "/reuse?page=-4", "/reuse/savings?start=0001-01-01&end=9999-12-31",
                "/reuse/savings.xlsx?end=9999-12-31"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    assert client.get("/reuse?q=%00").status_code == 400  # a NUL: app/request_values.py
    assert client.get(f"/reuse/offer?item={HUGE}").status_code == 302  # nothing ticked
    window = client.post(f"/reuse/listings/{listing.id}/window", data={"ends_on": "9999-12-31"},
                         follow_redirects=True)  # fmt: skip
    assert window.status_code == 200 and "within 365 days" in window.text
    before = listing.tier_ends_at
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).tier_ends_at == before

    check = client.post("/reuse/check", data={"words": "desk", "quantity": HUGE,
                                              "outcome": "nothing_suitable"})  # fmt: skip
    assert check.status_code in (200, 302)
    assert db_session.scalar(select(func.count()).select_from(BuyCheck)) == 0


def test_prices_are_read_as_people_type_them_and_nonsense_is_refused(
    client, login, db_session, make_user, make_department, make_item
):
    north = make_department("North")
    login(client, make_user(Role.MANAGER, department=north))
    for text in ("Infinity", "1e20", "-5", "NaN"):
        desk = make_item("Desk", department=north)
        page = making.offer_page(client, desk, asking_price=text)
        assert page.status_code == 200 and "Enter an amount" in page.text, text
    assert db_session.scalar(select(func.count()).select_from(Listing)) == 0
    chair = make_item("Chair", department=north)
    assert making.offer_page(client, chair, asking_price="1 250,50").status_code == 302
    assert str(db_session.scalar(select(Listing.asking_price))) == "1250.50"


def test_the_market_category_filter_takes_in_sub_categories(
    client, login, db_session, make_user, make_department, make_item, make_category
):
    furniture = make_category("Furniture")
    chairs = make_category("Chairs", parent=furniture)
    north = make_department("North")
    chair = make_item("Office chair", department=north, category=chairs)
    login(client, make_user(Role.MANAGER, department=north))
    making.offer_page(client, chair)
    assert "Office chair" in client.get(f"/reuse?category={furniture.id}").text
