"""Reuse journeys at phone size: offer surplus, ask for it, decide, hand it over."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.auth.roles import Role
from inventory.models import Item, ItemStatus
from tests.browser.conftest import PHONE_VIEWPORT, Screenshot, log_in


@pytest.fixture
def phones(browser: Browser) -> Iterator:
    """A phone per person: each its own context, so each keeps its own login."""
    contexts = []

    def open_phone() -> Page:
        context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def test_surplus_goes_from_one_department_to_another_on_phones(
    phones, live_server: str, db_session, make_user, make_department, make_item,
    make_storeroom, screenshot: Screenshot,
):  # fmt: skip
    north, school = make_department("Health centre north"), make_department("School")
    owner = make_user(Role.REQUESTER, department=north)
    manager = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    make_storeroom(code="S1", name="School store")
    desk = make_item("Standing desk", department=north, storeroom=make_storeroom(code="N1"))

    offering = phones()
    log_in(offering, live_server, owner)
    offering.goto(f"{live_server}/items/{desk.id}")
    offering.get_by_role("link", name="Offer as surplus").tap()
    offering.get_by_label("Why is it surplus?").fill("Moved to smaller rooms")
    offering.get_by_label("Where to collect it").fill("Loading bay")
    offering.get_by_role("button", name="Offer it").tap()
    expect(offering.locator("h1")).to_have_text("Standing desk")
    screenshot(offering, "listing")

    asking = phones()
    log_in(asking, live_server, teacher)
    asking.goto(f"{live_server}/reuse")
    asking.get_by_label("Search the market").fill("standing")
    asking.get_by_role("button", name="Search").tap()
    asking.get_by_role("link", name="Standing desk").tap()
    asking.get_by_label("Deliver to storeroom").select_option(label="S1 · School store")
    asking.get_by_label("Message").fill("For the new classroom")
    asking.get_by_role("button", name="Send the request").tap()
    expect(asking.locator("body")).to_contain_text("Your request is sent.")
    screenshot(asking, "requests")

    deciding = phones()
    log_in(deciding, live_server, manager)
    deciding.goto(offering.url)
    request = deciding.locator(".request", has_text="School")
    expect(request).to_contain_text("For the new classroom")
    request.get_by_label("Who carries it").fill("Caretaker")
    request.get_by_role("button", name="Approve").tap()
    expect(deciding.locator("body")).to_contain_text("Approved")
    deciding.get_by_role("button", name="Handed over").tap()
    expect(deciding.locator("body")).to_contain_text("now belongs to School")
    screenshot(deciding, "handed-over")

    db_session.expire_all()
    item = db_session.scalar(select(Item).where(Item.id == desk.id))
    assert item.department_id == school.id and item.status == ItemStatus.IN_STORAGE
