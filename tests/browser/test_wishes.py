"""The demand side on a phone: a wish, a matching listing, the inbox, and the listing opened."""

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.auth.roles import Role
from app.timeutil import utcnow
from reuse.demand import services as demand
from reuse.notices.models import Notification
from tests.browser.conftest import PHONE_VIEWPORT, Screenshot, log_in, open_menu
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
    expect(phone.locator(".menu-count")).to_have_text("1")  # seen without opening the menu
    open_menu(phone)
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
    expect(phone.locator(".menu-count")).to_have_count(0)
    open_menu(phone)
    expect(phone.get_by_role("link", name=re.compile(r"^Inbox"))).not_to_contain_text("unread")
    screenshot(phone, "listing")


def test_a_notice_opened_from_a_mail_link_is_marked_read_by_its_post_not_by_the_fetch(
    app, browser: Browser, live_server: str, db_session, make_user, make_department, make_item,
    make_storeroom, screenshot: Screenshot,
):  # fmt: skip
    """The mail's link shows the notice. A mail scanner fetching it (no script) changes nothing;
    a person's phone runs the page's script, which posts the Open button and lands on the
    listing with the notice read."""
    teacher = make_user(Role.REQUESTER, department=make_department("School"))
    north = make_department("Health centre north")
    manager = make_user(Role.MANAGER, department=north)
    with app.test_request_context():
        demand.add_wish(db_session, teacher, category=None, words="care bed", site=None,
                        now=utcnow())  # fmt: skip
    db_session.commit()
    bed = make_item("Care bed, electric", department=north, storeroom=make_storeroom())
    with app.test_request_context():
        listing = making.flag(db_session, bed, quantity=1, by=manager)
    db_session.commit()
    notice = db_session.scalars(
        select(Notification).where(Notification.user_id == teacher.id)
    ).one()
    link = f"{live_server}/inbox/{notice.id}"

    def unread() -> bool:
        db_session.expire_all()
        return db_session.get(Notification, notice.id).read_at is None

    scanner = browser.new_context(viewport=PHONE_VIEWPORT, java_script_enabled=False)
    page = scanner.new_page()
    log_in(page, live_server, teacher)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Care bed, electric")
    expect(page.get_by_role("button", name="Open")).to_be_visible()
    screenshot(page, "without-script")
    scanner.close()
    assert unread()

    person = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    phone = person.new_page()
    log_in(phone, live_server, teacher)
    phone.goto(link)
    expect(phone).to_have_url(f"{live_server}/reuse/listings/{listing.id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Care bed, electric")
    person.close()
    assert not unread()
