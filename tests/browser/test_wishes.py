"""The demand side on a phone: a wish, a matching listing, the inbox, and the listing opened."""

import re

from playwright.sync_api import Page, expect

from app.auth.roles import Role
from tests.browser.conftest import Screenshot, log_in
from tests.reuse import making


def test_a_wish_is_told_of_a_new_listing_in_the_inbox_on_a_phone(
    app, phone: Page, live_server: str, db_session, make_user, make_department, make_item,
    make_storeroom, screenshot: Screenshot,
):  # fmt: skip
    teacher = make_user(Role.REQUESTER, department=make_department("School"))
    north = make_department("Health centre north")
    manager = make_user(Role.MANAGER, department=north)
    log_in(phone, live_server, teacher)

    phone.goto(f"{live_server}/wishes")
    phone.get_by_label("Words in the name").fill("standing desk")
    phone.get_by_role("button", name="Add the wish").tap()
    expect(phone.get_by_role("status")).to_contain_text("Your wish is kept")
    screenshot(phone, "wishes")

    desk = make_item("Standing desk, electric", department=north, storeroom=make_storeroom())
    with app.test_request_context():
        listing = making.flag(
            db_session, desk, quantity=1, reason="Moved out", collect_from="Back door", by=manager
        )
    db_session.commit()

    phone.reload()
    inbox = phone.get_by_role("link", name=re.compile(r"^Inbox"))
    expect(inbox).to_contain_text("1 unread")
    inbox.tap()
    notice = phone.locator(".notices li.unread")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Standing desk, electric is offered, and matches your wish.")
    expect(notice).to_contain_text("Your wish: standing desk")
    screenshot(phone, "inbox")

    notice.get_by_role("button").tap()  # a POST: opening marks it read
    expect(phone).to_have_url(f"{live_server}/reuse/listings/{listing.id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Standing desk, electric")
    expect(phone.get_by_role("link", name=re.compile(r"^Inbox"))).not_to_contain_text("unread")
    screenshot(phone, "listing")
