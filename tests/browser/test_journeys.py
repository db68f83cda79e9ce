"""The first user journeys, driven through a real browser and checked by what the user sees."""

import re
from urllib.parse import quote

from playwright.sync_api import Page, expect

from app.auth.roles import Role
from tests.browser.conftest import PHONE_VIEWPORT, Screenshot, log_in, open_menu

ITEM_PAGE = re.compile(r"/items/\d+$")
TAG = re.compile(r"^INV-\d{6}$")


def test_first_run_setup_creates_the_organisation(
    desktop: Page, live_server: str, screenshot: Screenshot
):
    desktop.goto(live_server)
    expect(desktop).to_have_url(f"{live_server}/setup")
    expect(desktop.get_by_role("heading", name="Set up Reshelf")).to_be_visible()

    desktop.get_by_label("Organisation").fill("Sundby kommun")
    desktop.get_by_label("Your department").fill("Facilities")
    desktop.get_by_label("Your name").fill("Ada Admin")
    desktop.get_by_label("Email").fill("ada@sundby.example")
    desktop.get_by_label("Password", exact=True).fill("a long password")
    desktop.get_by_label("Repeat password").fill("a long password")
    desktop.get_by_role("button", name="Create the organisation").click()

    expect(desktop).to_have_url(f"{live_server}/sites")
    expect(desktop.get_by_role("status")).to_contain_text("Welcome to Reshelf")
    expect(desktop.get_by_role("heading", name="Sites and storerooms")).to_be_visible()
    open_menu(desktop)
    expect(desktop.get_by_role("button", name="Log out")).to_be_visible()
    screenshot(desktop, "sites")


def test_log_in_on_a_phone(phone: Page, live_server: str, make_user, screenshot: Screenshot):
    user = make_user()
    phone.goto(f"{live_server}/login")
    screenshot(phone, "login")
    log_in(phone, live_server, user)

    expect(phone).to_have_url(f"{live_server}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Reshelf")
    expect(phone.get_by_role("searchbox", name="Search items")).to_be_visible()
    screenshot(phone, "start")


def test_create_an_item_on_a_desktop(
    desktop: Page, live_server: str, make_user, make_storeroom, screenshot: Screenshot
):
    make_storeroom(code="B1-04", name="Basement")
    log_in(desktop, live_server, make_user(role=Role.STAFF))

    desktop.goto(f"{live_server}/items/new")
    desktop.get_by_label("Name", exact=True).fill("Office chair Kinnarps 6000")
    desktop.get_by_label("Storeroom", exact=True).select_option(label="B1-04 · Basement")
    desktop.get_by_role("button", name="Save").click()

    expect(desktop).to_have_url(ITEM_PAGE)
    expect(desktop.locator(".big-tag")).to_have_text(TAG)
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Office chair Kinnarps 6000")
    expect(desktop.locator("#history")).to_contain_text("Created")
    screenshot(desktop, "item")


def test_find_an_item_by_search_on_a_phone(
    phone: Page, live_server: str, make_user, make_storeroom, make_item, screenshot: Screenshot
):
    item = make_item("Rollator Topro Olympos", storeroom=make_storeroom())
    make_item("Office chair", storeroom=make_storeroom())
    log_in(phone, live_server, make_user())
    screenshot(phone, "start")

    phone.get_by_role("searchbox", name="Search items").fill("topro")
    phone.get_by_role("button", name="Search").tap()

    results = phone.locator(".item-list li")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Rollator Topro Olympos")
    screenshot(phone, "results")
    results.get_by_role("link").tap()

    expect(phone).to_have_url(f"{live_server}/items/{item.id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Rollator Topro Olympos")
    screenshot(phone, "item")


def test_scan_link_leads_through_login_to_the_item(
    phone: Page, live_server: str, make_user, make_storeroom, make_item, screenshot: Screenshot
):
    item = make_item("Rollator Topro Olympos", storeroom=make_storeroom())
    user = make_user()

    scan_path = f"/s/{item.tag.lower()}"
    phone.goto(live_server + scan_path)
    expect(phone).to_have_url(f"{live_server}/login?next={quote(scan_path, safe='')}")
    expect(phone.get_by_role("status")).to_contain_text("Please log in")
    screenshot(phone, "login")
    log_in(phone, live_server, user)

    expect(phone).to_have_url(f"{live_server}/items/{item.id}")
    expect(phone.locator(".big-tag")).to_have_text(item.tag)
    screenshot(phone, "item")


def test_move_an_item_on_a_phone(
    phone: Page, live_server: str, make_user, make_storeroom, make_item, screenshot: Screenshot
):
    room_a = make_storeroom(code="A1", name="Basement")
    make_storeroom(code="B2", name="Attic")
    item = make_item("Rollator Topro Olympos", storeroom=room_a)
    log_in(phone, live_server, make_user(role=Role.STAFF))

    phone.goto(f"{live_server}/items/{item.id}")
    move = phone.get_by_role("link", name="Move")
    expect(move).to_be_visible()
    box = move.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE_VIEWPORT["height"], (
        f"Move button is not within the first screen: {box}"
    )
    screenshot(phone, "item-before", full_page=False)
    move.tap()

    phone.get_by_label("To storeroom").select_option(label="B2 · Attic")
    phone.get_by_role("button", name="Move").tap()

    expect(phone).to_have_url(f"{live_server}/items/{item.id}")
    expect(phone.locator(".where")).to_contain_text("B2")
    history = phone.locator("#history")
    expect(history).to_contain_text("Moved")
    expect(history.locator(".changes").first).to_contain_text("A1 Basement → B2 Attic")
    screenshot(phone, "item-after")
