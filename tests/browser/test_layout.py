"""Every page a role may open from the menu, and the main object pages, at phone and desktop
size: a compact top bar, no sideways scrolling, big tap targets, no serious axe-core finding.

The pages come from the menu the app itself draws, so a page added to the menu is checked too.
"""

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, Page

from app.auth.roles import Role
from app.navigation import may_open
from app.timeutil import utcnow
from imports import services as imports
from inventory import item_photos
from inventory.models import CategoryKind, Organisation
from inventory.photos import process_photo
from labels import scanning
from labels import services as label_services
from reuse.aids import records as aid_records
from reuse.aids.cycle import Details, take_step
from reuse.aids.models import Aid
from reuse.aids.states import Step
from reuse.demand.models import BuyCheck, BuyCheckOutcome, Wish
from reuse.listings import services as listing_services
from reuse.notices.models import Notification
from reuse.outside import partners as partner_services
from reuse.requests import services as request_services
from tests.browser.conftest import DESKTOP_VIEWPORT, PHONE_VIEWPORT, log_in

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TOP_BAR_SHARE = 0.15
# A spreadsheet as wide as real ones: many columns, long headings and values.
WIDE_SHEET = (
    "Inventarienummer;Benämning;Kategori;Antal;Skick;Tillverkare;Modell;Serienummer;Rum;Kommentar\n"
    "HTN-000123;Höj- och sänkbart skrivbord;Skrivbord;2;Bra;Kinnarps;Oberon;SN-4411-2290-AB;"
    "B1-04;Står i förrådet sedan flytten från Norrgårdens vårdboende\n"
).encode()
TAP = 44  # px, WCAG 2.5.5's target size

# What a thumb taps, at phone size: the top bar and its menu, links that make up a list,
# buttons, form controls and the home page's status links. Links inside running text are
# exempt (WCAG 2.5.5's inline exception), as are tables' cells, read more than tapped.
TAP_TARGETS = ", ".join(
    [
        ".topbar a",
        ".topbar summary",
        ".topbar button",
        "main li > a:only-child",
        "main .button",
        "main button:not(.link)",
        "main summary",
        "main select",
        "main textarea",
        "main input:not([type=hidden])",
        "main .counts a",
    ]
)

MEASURE = """(selector) => {
  const box = (el) => el.getBoundingClientRect();
  const shown = (el) => { const b = box(el); return b.width > 0 && b.height > 0
    && getComputedStyle(el).visibility !== 'hidden'; };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    // A tick box or radio button is tapped through its label.
    const target = ['checkbox', 'radio'].includes(el.type) ? (el.closest('label') || el) : el;
    if (shown(target) && box(target).height < 43.5)
      small.push(`${el.outerHTML.slice(0, 90)} (${Math.round(box(target).height)} px)`);
  }
  const bar = document.querySelector('.topbar');
  return {
    small: small,
    bar: bar ? box(bar).height : 0,
    scrollWidth: document.documentElement.scrollWidth,
  };
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}"""


@pytest.fixture
def shop(app, db_session, make_department, make_user, make_item, make_storeroom, make_category):
    """Users of every role in one department, and one of each thing its pages show."""
    home, other = make_department("Home care north"), make_department("Sundby school")
    # Long addresses and names, as real ones are: they must wrap, not widen the page.
    users = {
        role: make_user(role, department=home,
                        email=f"margareta.lindqvist-bergstrom.{role}@hemtjanst.sundby.kommun.se")
        for role in Role
    }  # fmt: skip
    outsider = make_user(Role.REQUESTER, department=other)
    chairs = make_category("Office chairs")
    room = make_storeroom(code="B1-04", name="Basement store")
    item = make_item("Office chair Kinnarps 6000", department=home, storeroom=room,
                     category=chairs, serial_number="SN-0123456789-ABCDEFGHIJKLMNOP")  # fmt: skip
    add_photo(db_session, item)
    desk = make_item("Standing desk", department=home, storeroom=room, quantity=4)
    for n in range(3):
        make_item(f"Rollator Topro Olympos {n}", department=home, storeroom=room)
    stocktake = scanning.start_stocktake(db_session, room, by=users[Role.STAFF], now=utcnow())
    organisation = Organisation(name="Sundby kommun")
    db_session.add(organisation)
    db_session.flush()
    profile = label_services.save_profile(
        db_session, organisation=organisation, name="Office printer", format_name="L7160",
        offset_x=0, offset_y=0, scale=1,
    )  # fmt: skip
    batch, table = imports.start_batch(
        db_session, b"Name;Quantity\nChair;2\nBroken;-1\n", "inventory-2026.csv",
        user=users[Role.MANAGER], sheet=None, now=utcnow(), max_rows=100,
    )  # fmt: skip
    imports.commit(db_session, batch, table, user=users[Role.MANAGER], now=utcnow(),
                   tag_prefix="I-", tag_digits=4)  # fmt: skip
    unchecked, _table = imports.start_batch(
        db_session, WIDE_SHEET, "inventering-hemtjanst-norra-2026-12.csv",
        user=users[Role.ADMIN], sheet=None, now=utcnow(), max_rows=100,
    )  # fmt: skip
    listing = listing_services.flag_surplus(
        db_session, desk, quantity=2, reason="Too many", collect_from="", condition=desk.condition,
        asking_price=None, by=users[Role.MANAGER], now=utcnow(),
    )  # fmt: skip
    request_services.request_transfer(
        db_session, listing, user=outsider, quantity=1, needed_by=None, deliver_to=None,
        deliver_place="Hall", message="For the new classroom", now=utcnow(), today=utcnow().date(),
    )  # fmt: skip
    partner, _token = partner_services.add_partner(
        db_session, partner_services.PartnerDetails(name="Second-hand shop", kind="second_hand")
    )
    for user in users.values():
        db_session.add_all([
            Wish(user_id=user.id, department_id=home.id, words="desk"),
            Notification(user_id=user.id, kind="wish_match", listing_id=listing.id,
                         params={"item": "Standing desk"}),
        ])  # fmt: skip
    db_session.add(BuyCheck(user_id=users[Role.MANAGER].id, department_id=home.id, words="desk",
                            quantity=2, outcome=BuyCheckOutcome.FOUND_REQUESTED,
                            listing_id=listing.id))  # fmt: skip
    db_session.commit()
    lifts, lift = aid_depot(app, db_session, users[Role.MANAGER], home, room, make_category,
                            make_item)  # fmt: skip
    objects = [
        ("inventory.item", {"item_id": item.id}),
        ("inventory.item", {"item_id": lift.id}),  # its aid card, with the steps' forms
        ("aids.journal", {"item_id": lift.id}),
        ("aids.edit_plan", {"category_id": lifts.id}),
        ("aids.issue", {"category": lifts.id}),
        ("aids.scan", {"step": "cleaned"}),
        ("places.storeroom", {"storeroom_id": room.id}),
        ("reuse.listing", {"listing_id": listing.id}),
        ("demand.check", {"words": "desk"}),
        ("stocktake.stocktake", {"stocktake_id": stocktake.id}),
        ("imports.batch", {"batch_id": batch.id}),
        ("imports.batch", {"batch_id": unchecked.id}),  # its columns and first rows
        ("partners.edit", {"partner_id": partner.id}),
        ("labels.edit_profile", {"profile_id": profile.id}),
        ("admin.edit_user", {"user_id": outsider.id}),
        ("places.edit_category", {"category_id": chairs.id}),
    ]
    return users, objects


def aid_depot(app, session, manager, department, room, make_category, make_item):
    """A category of lifts with a plan, kit and group; a lift ready with its sling, with an
    inspection in its journal, and another just returned."""
    lifts = make_category("Patient lifts", kind=CategoryKind.ASSISTIVE_AID)
    slings = make_category("Slings", kind=CategoryKind.EQUIPMENT)
    group = aid_records.save_group(session, "Lifts and hoists", forced=True)
    aid_records.save_plan(session, lifts, service_days=182, inspection_days=365,
                          checklist="Motor\nEmergency lowering\nBattery", group=group,
                          step_days={"returned": 2, "in_repair": 21})  # fmt: skip
    aid_records.set_kit(session, lifts, [slings])
    ready, back = (make_item(name, department=department, storeroom=room, category=lifts)
                   for name in ("Patient lift Molift Smart 150", "Patient lift Liko Viking"))  # fmt: skip
    sling = make_item("Sling, size M", department=department, storeroom=room, category=slings)
    steps = [(Step.RETURNED, {}), (Step.CLEANED, {"method": "Washer-disinfector"}),
             (Step.INSPECTED, {"passed": True, "checks": [("Motor", True)]}),
             (Step.READY, {"gap_reason": "Sling on order"})]  # fmt: skip
    with app.test_request_context():
        for step, details in steps:
            take_step(session, ready, step, Details(**details), by=manager, now=utcnow(),
                      today=utcnow().date())  # fmt: skip
        aid_records.link_accessory(session, session.get(Aid, ready.id), sling, by=manager,
                                   now=utcnow())  # fmt: skip
        take_step(session, back, Step.RETURNED, Details(), by=manager, now=utcnow(),
                  today=utcnow().date())  # fmt: skip
    session.commit()
    return lifts, ready


def add_photo(session, item) -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 140)).save(out, format="JPEG")
    picture = process_photo(out.getvalue(), max_pixels=10**6, full_size=100, thumb_size=50)
    quota = item_photos.PhotoQuota(per_item=5, per_user_per_day=5, bytes_per_user=10**6)
    item_photos.add_photo(session, item, picture, by=None, now=utcnow(), quota=quota)


def object_pages(app: Flask, objects: list[tuple[str, dict]], role: Role) -> list[str]:
    """The main pages of single things that `role` may open."""
    with app.test_request_context():
        from flask import url_for

        return [url_for(endpoint, **args) for endpoint, args in objects
                if may_open(app, endpoint, role)]  # fmt: skip


def menu_pages(page: Page) -> list[str]:
    """The pages the menu offers, read from the page as drawn."""
    hrefs = page.locator(".topbar a").evaluate_all("(links) => links.map((a) => a.href)")
    return list(dict.fromkeys(urlsplit(href).path for href in hrefs))


def check_page(page: Page, url: str, *, phone: bool) -> list[str]:
    """What is wrong with one page at the page's size.

    The width is the viewport's as set, not `innerWidth`: a phone widens its layout viewport
    to a page that is too wide (and zooms out), so `innerWidth` grows with the fault.
    """
    response = page.goto(url)
    problems = [] if response.ok else [f"answered {response.status}"]
    if phone and page.locator("details.menu").count():
        page.locator("details.menu > summary").click()  # the menu's links are tapped too
    found = page.evaluate(MEASURE, TAP_TARGETS)
    if found["scrollWidth"] > page.viewport_size["width"]:
        problems.append(f"scrolls sideways: {found['scrollWidth']} px wide")
    if phone and found["bar"] > TOP_BAR_SHARE * PHONE_VIEWPORT["height"]:
        problems.append(f"top bar {found['bar']:.0f} px high")
    if phone:
        problems += [f"small target {target}" for target in found["small"]]
    problems += page.evaluate(AXE_RUN)
    return problems


# Pages for people without an account.
ANONYMOUS_PAGES = ["/login", "/market"]


@pytest.mark.parametrize("role", [*Role, None], ids=str)
def test_every_page_fits_a_phone_and_passes_axe(
    app: Flask, browser: Browser, live_server: str, shop, role: Role | None
):
    users, objects = shop
    failures = []
    for size, viewport in (("phone", PHONE_VIEWPORT), ("desktop", DESKTOP_VIEWPORT)):
        phone = size == "phone"
        context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
        context.add_init_script(path=AXE)  # in every page, before the page's own scripts
        page = context.new_page()
        if role is None:
            pages = ANONYMOUS_PAGES
        else:
            log_in(page, live_server, users[role])
            pages = menu_pages(page) + object_pages(app, objects, role)
        for url in pages:
            failures += [
                f"{size} {url}: {p}" for p in check_page(page, live_server + url, phone=phone)
            ]
        context.close()
    assert not failures, "\n".join(failures)
