"""Repair pages on a phone and a desktop: they fit, their targets are big enough, axe finds
nothing serious; and a manager sends a broken chair to the workshop and approves it by thumb."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory.models import Organisation
from reuse.repairs import links, services
from reuse.repairs.models import LineKind, RepairPlace
from reuse.repairs.services import Actor, Line
from tests.browser.conftest import DESKTOP_VIEWPORT, PHONE_VIEWPORT, log_in
from tests.browser.test_layout import AXE, check_page
from tests.reuse.repairing import add_partner, send


@pytest.fixture
def workshop(app, db_session, make_user, make_item, make_category):
    db_session.add(Organisation(name="Sundby kommun", currency="SEK"))
    manager = make_user(Role.MANAGER)
    beds = make_category("Care beds", replacement_value=Decimal("18000"))
    bed = make_item("Care bed Invacare Medley Ergo", department=manager.department, category=beds)
    chair = make_item("Office chair Kinnarps 6000", department=manager.department, category=beds)
    partner = add_partner(db_session, "Möbelverkstaden Åby")
    with app.test_request_context():
        job = send(db_session, bed, by=manager, place=RepairPlace.PARTNER, partner=partner,
                   estimate="4000", fault="The motor does not start; the remote is cracked")  # fmt: skip
        services.add_line(db_session, job, Line(LineKind.PART, "Motor", Decimal(1),
                                                Decimal("3200")), actor=Actor(manager), now=utcnow())  # fmt: skip
        token = links.make_link(db_session, job, days=60, actor=Actor(manager), now=utcnow())
    db_session.commit()
    pages = ["/repairs", f"/items/{chair.id}/repair", f"/repairs/jobs/{job.id}"]
    return manager, chair, pages, f"/repairs/{token}"


def test_repair_pages_fit_a_phone_and_pass_axe(browser: Browser, live_server: str, workshop):
    manager, _chair, pages, partner_page = workshop
    failures = []
    for size, viewport in (("phone", PHONE_VIEWPORT), ("desktop", DESKTOP_VIEWPORT)):
        phone = size == "phone"
        context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
        context.add_init_script(path=AXE)
        page = context.new_page()
        failures += [f"{size} {partner_page}: {p}"
                     for p in check_page(page, live_server + partner_page, phone=phone)]  # fmt: skip
        log_in(page, live_server, manager)
        for url in pages:
            failures += [f"{size} {url}: {p}" for p in check_page(page, live_server + url,
                                                                     phone=phone)]  # fmt: skip
        context.close()
    assert not failures, "\n".join(failures)


def test_a_manager_sends_a_chair_to_the_workshop_and_approves_it(
    phone: Page, live_server: str, workshop
):
    manager, chair, _pages, _partner_page = workshop
    log_in(phone, live_server, manager)
    phone.goto(f"{live_server}/items/{chair.id}")
    phone.get_by_role("link", name="Send to repair").click()
    phone.get_by_label("What is wrong?").fill("The gas lift sinks")
    phone.get_by_label("Our workshop").check()
    phone.get_by_label("Estimated cost").fill("1 200")
    phone.get_by_role("button", name="Send to repair").click()
    expect(phone.get_by_text("The item is sent to repair.")).to_be_visible()
    phone.get_by_role("button", name="Approve the repair").click()
    expect(phone.get_by_text("The repair is approved.")).to_be_visible()
    expect(phone.locator("#repair-or-scrap")).to_contain_text("Repair: it costs well under")
