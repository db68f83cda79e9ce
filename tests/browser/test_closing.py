"""A manager on a phone closes a listing as sold, then finds the sale in the savings report."""

from decimal import Decimal

from playwright.sync_api import Page, expect

from app.auth.roles import Role
from inventory.models import Organisation
from tests.browser.conftest import Screenshot, log_in, open_menu
from tests.reuse import making


def test_a_manager_closes_a_listing_as_sold_and_sees_it_in_the_report(
    phone: Page, live_server: str, app, db_session, make_user, make_department, make_item,
    make_category, screenshot: Screenshot,
):  # fmt: skip
    db_session.add(Organisation(name="Sundby kommun", currency="SEK"))
    north = make_department("Health centre north")
    manager = make_user(Role.MANAGER, department=north)
    desks = make_category("Desks", replacement_value=Decimal("2000"), co2e_kg=Decimal("60"))
    desk = make_item("Standing desk", department=north, category=desks)
    with app.test_request_context():
        listing = making.flag(
            db_session, desk, quantity=1, reason="Moved out", collect_from="Back door", by=manager
        )
    db_session.commit()

    log_in(phone, live_server, manager)
    phone.goto(f"{live_server}/reuse/listings/{listing.id}")
    phone.get_by_role("link", name="Close the listing").click()
    phone.get_by_label("Sold", exact=True).check()
    phone.get_by_label("Price received").fill("450")
    phone.get_by_label("To whom").fill("Second-hand shop")
    screenshot(phone, "close-form")
    phone.get_by_role("button", name="Close the listing").click()
    expect(phone.get_by_text("The listing is closed: Sold.")).to_be_visible()

    open_menu(phone)
    phone.get_by_role("link", name="Savings").click()
    table = phone.locator("#outcomes")
    expect(table.get_by_role("row", name="Health centre north")).to_contain_text("SEK\xa0450.00")
    expect(table.locator("tfoot")).to_contain_text("SEK\xa02,000.00")  # the purchase avoided
    expect(phone.locator("svg.chart").first).to_be_visible()
    screenshot(phone, "report")
