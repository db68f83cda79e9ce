"""Scanning on a phone: moving and counting with a hardware scanner (typed code plus Enter),
and carrying on without signal in the basement."""

from playwright.sync_api import BrowserContext, Page, expect

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import whereabouts
from tests.browser.conftest import PHONE_VIEWPORT, Screenshot, SwitchableServer, log_in


def scan(page: Page, code: str) -> None:
    """What a hardware scanner does: type the code into the focused field, then Enter."""
    field = page.get_by_label("Code", exact=True)
    field.fill(code)
    field.press("Enter")


def test_move_items_into_a_storeroom_by_scanning(
    phone: Page, live_server: str, make_user, make_storeroom, make_item, db_session,
    screenshot: Screenshot,
):  # fmt: skip
    make_storeroom(code="B1-04", name="Basement")
    chair = make_item("Office chair", place="Corridor")
    bed = make_item("Care bed", place="Ward 3")
    log_in(phone, live_server, make_user(role=Role.STAFF))

    phone.goto(f"{live_server}/scan")
    phone.get_by_role("link", name="Move").tap()
    scan(phone, f"{live_server}/S/B1-04")  # the storeroom's label, as its QR code reads
    expect(phone.get_by_role("heading", level=1)).to_have_text("Moving into B1-04")
    scan(phone, chair.tag.lower())
    scan(phone, bed.tag)

    moved = phone.locator(".scan-list li")
    expect(moved).to_have_count(2)
    expect(moved.first).to_have_text(f"{bed.tag} moved to B1-04.")
    expect(phone.get_by_label("Code", exact=True)).to_be_focused()  # ready for the next scan
    screenshot(phone, "moved")
    phone.get_by_role("button", name="Undo the last move").tap()
    expect(phone.get_by_role("status")).to_contain_text(f"Undone: {bed.tag} is back")
    db_session.expire_all()
    assert chair.storeroom.code == "B1-04" and bed.storeroom_id is None and bed.place == "Ward 3"


def test_count_a_storeroom_and_fix_what_the_report_shows(
    phone: Page, live_server: str, make_user, make_storeroom, make_item, db_session,
    screenshot: Screenshot,
):  # fmt: skip
    room = make_storeroom(code="B1-04", name="Basement")
    here = make_item("Rollator", storeroom=room)
    gone = make_item("Wheelchair", storeroom=room)
    stray = make_item("Care bed", place="Ward 3")
    log_in(phone, live_server, make_user(role=Role.STAFF))

    phone.goto(f"{live_server}/scan/stocktake")
    scan(phone, "b1-04")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Counting B1-04")
    scan(phone, here.tag)
    scan(phone, stray.tag)
    expect(phone.locator("[data-count-line]")).to_have_text("1 of 2 found · 2 scanned")
    expect(phone.locator(".scan-list li").first).to_have_text(
        f"{stray.tag} is recorded elsewhere: unexpected here."
    )
    phone.get_by_role("button", name="Finish and see the report").tap()

    expect(phone.get_by_role("heading", level=1)).to_contain_text("B1-04")
    screenshot(phone, "report")
    phone.get_by_role("button", name="Move these into B1-04").tap()
    expect(phone.get_by_role("status")).to_have_text("1 item moved into B1-04.")
    phone.get_by_role("button", name="Mark these as missing").tap()
    expect(phone.get_by_role("status")).to_have_text("1 item marked as missing.")
    db_session.expire_all()
    assert stray.storeroom_id == room.id
    assert gone.status.value == "missing" and here.status.value == "in_storage"


def wait_until_ready_offline(page: Page) -> None:
    """The service worker controls the page and the phone holds its copy of the items."""
    page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)")
    page.wait_for_function(
        """() => new Promise(resolve => {
             const open = indexedDB.open("reshelf-scan", 1);
             open.onupgradeneeded = () => open.transaction.abort();  // not made by the page yet
             open.onerror = () => resolve(false);
             open.onsuccess = () => {
               const get = open.result.transaction("copy").objectStore("copy").getAll();
               get.onsuccess = () => resolve(get.result.length > 0);
             };
           })"""
    )


def go_offline(context: BrowserContext, server: SwitchableServer) -> None:
    server.stop()  # the server cannot be reached, not even by the service worker
    context.set_offline(True)


def go_online(context: BrowserContext, server: SwitchableServer) -> None:
    server.start()
    context.set_offline(False)


def test_scans_without_signal_are_kept_and_sent_when_it_returns(
    switchable_server: SwitchableServer, phone: Page, make_user, make_storeroom, make_item,
    db_session, screenshot: Screenshot,
):  # fmt: skip
    base = switchable_server.url
    basement, attic = make_storeroom(code="B1", name="Basement"), make_storeroom(code="ATTIC")
    chair = make_item("Office chair", place="Corridor")
    bed = make_item("Care bed", place="Ward 3")
    staff, colleague = make_user(role=Role.STAFF), make_user(role=Role.STAFF)
    context = phone.context
    log_in(phone, base, staff)
    phone.goto(f"{base}/scan/move/{basement.id}")
    wait_until_ready_offline(phone)
    phone.reload()  # now served through the service worker, which keeps a copy
    wait_until_ready_offline(phone)

    go_offline(context, switchable_server)
    scan(phone, chair.tag)
    scan(phone, bed.tag)
    status = phone.locator("[data-queue-status]")
    expect(status).to_contain_text("Scans waiting to be sent: 2")
    expect(status).to_contain_text("No connection")

    phone.reload()  # the page itself comes from the phone, and so do the waiting scans
    expect(phone.get_by_role("heading", level=1)).to_have_text("Moving into B1")
    expect(status).to_contain_text("Scans waiting to be sent: 2")

    phone.goto(f"{base}/scan")  # look up by typed code, answered from the phone's copy
    scan(phone, chair.tag)
    expect(phone.locator("[data-offline-answer]")).to_have_text(
        f"{chair.tag}: Office chair, in Corridor (the copy on this phone)"
    )
    screenshot(phone, "offline")

    # Meanwhile a colleague with signal moves the bed to the attic.
    whereabouts.move_item(db_session, bed, attic, by=colleague, now=utcnow())
    db_session.commit()
    db_session.expire_all()
    assert chair.storeroom_id is None  # nothing was applied while offline

    go_online(context, switchable_server)
    answers = phone.locator(".scan-list li")
    expect(answers).to_have_count(3, timeout=20_000)
    expect(phone.locator(".scan-list")).to_contain_text(f"{chair.tag} moved to B1.")
    expect(phone.locator(".scan-list .scan-conflict")).to_have_text(
        f"{bed.tag} was moved by someone else after this scan; it was left where they put it."
    )
    expect(status).to_be_hidden()
    screenshot(phone, "back-online")
    db_session.expire_all()
    assert chair.storeroom_id == basement.id and chair.last_seen_at is not None
    assert bed.storeroom_id == attic.id


def test_the_scanning_page_fits_a_phone(
    phone: Page, live_server: str, make_user, screenshot: Screenshot
):
    log_in(phone, live_server, make_user(role=Role.STAFF))
    phone.goto(f"{live_server}/scan/move")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"], f"the page scrolls sideways: {width}px"
    field = phone.get_by_label("Code", exact=True).bounding_box()
    assert field is not None and field["y"] + field["height"] <= PHONE_VIEWPORT["height"]
    screenshot(phone, "move-start", full_page=False)
