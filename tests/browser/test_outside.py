"""Outsiders at phone size: the public market without an account, and a partner's link."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.auth.roles import Role
from inventory import place_records
from reuse.listings.models import Tier
from reuse.outside.models import Interest
from tests.browser.conftest import Screenshot
from tests.reuse.outside_helpers import add_partner, add_photo, offer


def test_an_outsider_finds_an_offer_and_registers_interest(
    phone: Page, live_server: str, app, db_session, make_user, make_department, make_item,
    make_storeroom, screenshot: Screenshot, monkeypatch,
):  # fmt: skip
    monkeypatch.setitem(app.config, "REUSE_INTEREST_MIN_SECONDS", 0)  # a robot types fast
    owner = make_user(Role.MANAGER, department=make_department("Health centre north"))
    room = make_storeroom(site=place_records.save_site(db_session, name="North", town="Sundby"))
    rollator = make_item("Rollator Topro Olympos", department=owner.department, storeroom=room)
    add_photo(db_session, rollator)
    listing = offer(db_session, rollator, by=owner, reason="Checked and cleaned")
    make_item("Office chair", department=owner.department, storeroom=room)  # not offered

    phone.goto(f"{live_server}/market")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Reuse market")
    expect(phone.get_by_role("link", name="Log out")).to_have_count(0)
    offers = phone.locator(".offer-list li")
    expect(offers).to_have_count(1)
    expect(offers).to_contain_text("Sundby")
    screenshot(phone, "market")

    offers.get_by_role("link").tap()
    expect(phone).to_have_url(f"{live_server}/market/{listing.public_slug}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Rollator Topro Olympos")
    expect(phone.locator(".photos img")).to_have_count(1)
    screenshot(phone, "listing")

    phone.get_by_role("link", name="I am interested").tap()
    phone.get_by_label("Your name").fill("Eva Ek")
    phone.get_by_label("Organisation").fill("Åby Re-use")
    phone.get_by_label("Email").fill("eva@aby.example")
    phone.get_by_label("Message").fill("We can collect on Friday.")
    screenshot(phone, "interest")
    phone.get_by_role("button", name="Send").tap()

    expect(phone).to_have_url(f"{live_server}/market/{listing.public_slug}")
    expect(phone.get_by_role("status")).to_contain_text("Thank you")
    interest = db_session.scalar(select(Interest))
    assert (interest.name, interest.email, interest.listing_id) == (
        "Eva Ek", "eva@aby.example", listing.id)  # fmt: skip


def test_a_partner_follows_its_link(
    phone: Page, live_server: str, db_session, make_user, make_department, make_item,
    make_storeroom, screenshot: Screenshot,
):  # fmt: skip
    owner = make_user(Role.MANAGER, department=make_department("School"))
    room = make_storeroom(site=place_records.save_site(db_session, name="School", town="Åby"))
    offer(db_session, make_item("Pupil desk", department=owner.department, storeroom=room),
          by=owner, tier=Tier.PARTNERS)  # fmt: skip
    _, token = add_partner(db_session, name="Åby Re-use")

    phone.goto(f"{live_server}/partners/{token}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Offered to Åby Re-use")
    expect(phone.locator(".offer-list li")).to_contain_text("Pupil desk")
    screenshot(phone, "partner")
    phone.locator(".offer-list a").first.tap()
    expect(phone).to_have_url(re.compile(rf"/partners/{token}/listings/"))
    expect(phone.get_by_role("link", name="I am interested")).to_be_visible()

    phone.goto(f"{live_server}/market")  # the partner tier is not public
    expect(phone.locator(".offer-list li")).to_have_count(0)
