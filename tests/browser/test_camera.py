"""The live camera where the browser has no BarcodeDetector: Chromium without it, fed a fake
camera that films a real label, reads the code with the decoder the app serves from /vendor/.
A camera that cannot start says why and leaves typing and the photo."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.auth.roles import Role
from labels.qr import qr_modules, scan_url
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE_VIEWPORT,
    Screenshot,
    SwitchableServer,
    log_in,
)
from tests.browser.test_scanning import go_offline, go_online, wait_until_ready_offline

WIDTH, HEIGHT = 640, 480
MODULE_PIXELS = 8
QUIET_MODULES = 4
DARK, LIGHT = 16, 235  # video luma: black and white
WITHOUT_BARCODE_DETECTOR = "delete window.BarcodeDetector;"


def label_frame(payload: str) -> bytes:
    """One 4:2:0 frame of a label's QR code, drawn as labels/qr.py draws it, on white."""
    rows = qr_modules(payload)
    size = (len(rows) + 2 * QUIET_MODULES) * MODULE_PIXELS
    assert size <= HEIGHT, "the code must fit the frame"
    left, top = (WIDTH - size) // 2, (HEIGHT - size) // 2
    luma = bytearray([LIGHT]) * (WIDTH * HEIGHT)
    origin = QUIET_MODULES * MODULE_PIXELS
    for r, row in enumerate(rows):
        line = b"".join(
            bytes([DARK if dark else LIGHT]) * MODULE_PIXELS for dark in row
        )  # one row of pixels for this row of modules
        for dy in range(MODULE_PIXELS):
            start = (top + origin + r * MODULE_PIXELS + dy) * WIDTH + left + origin
            luma[start : start + len(line)] = line
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)  # no colour
    return bytes(luma) + chroma + chroma


def write_y4m(path: Path, frame: bytes, frames: int = 5) -> None:
    """A YUV4MPEG2 file that Chromium's fake camera plays in a loop."""
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    with path.open("wb") as out:
        out.write(header)
        for _ in range(frames):
            out.write(b"FRAME\n" + frame)


@pytest.fixture
def filmed_browser(browser: Browser, tmp_path: Path) -> Iterator[Callable[[str], Browser]]:
    """Start a Chromium whose camera films the given QR payload."""
    launched: list[Browser] = []

    def launch(payload: str) -> Browser:
        video = tmp_path / "label.y4m"
        write_y4m(video, label_frame(payload))
        fake_camera = [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        launched.append(
            browser.browser_type.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS + fake_camera
            )
        )
        return launched[-1]

    yield launch
    for started in launched:
        started.close()


def phone_page(browser: Browser) -> Page:
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, permissions=["camera"]
    )
    context.add_init_script(WITHOUT_BARCODE_DETECTOR)
    return context.new_page()


def test_the_camera_reads_a_label_without_barcode_detector(
    filmed_browser, app, live_server: str, make_user, make_item, screenshot: Screenshot
):
    bed = make_item("Care bed", place="Ward 3")
    phone = phone_page(filmed_browser(scan_url(app.config["PUBLIC_BASE_URL"], bed.tag)))
    decoder_requests: list[str] = []
    phone.on("request", lambda request: decoder_requests.append(request.url))
    log_in(phone, live_server, make_user(role=Role.STAFF))

    phone.goto(f"{live_server}/scan")
    assert phone.evaluate("() => 'BarcodeDetector' in window") is False
    phone.get_by_role("button", name="Scan with the camera").tap()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Care bed", timeout=20_000)
    expect(phone).to_have_url(re.compile(rf"/items/{bed.id}$"))
    screenshot(phone, "found")
    decoder = [url for url in decoder_requests if "/vendor/" in url]
    assert any("zxing_reader.wasm" in url for url in decoder)
    assert all(url.startswith(live_server) for url in decoder_requests)  # no CDN


def test_the_camera_reads_labels_without_signal(
    filmed_browser,
    app,
    switchable_server: SwitchableServer,
    make_user,
    make_storeroom,
    make_item,
    db_session,
):
    base = switchable_server.url
    basement = make_storeroom(code="B1", name="Basement")
    chair = make_item("Office chair", place="Corridor")
    phone = phone_page(filmed_browser(scan_url(app.config["PUBLIC_BASE_URL"], chair.tag)))
    log_in(phone, base, make_user(role=Role.STAFF))
    phone.goto(f"{base}/scan/move/{basement.id}")
    wait_until_ready_offline(phone)
    phone.reload()  # now through the service worker, which keeps the page and its scripts
    wait_until_ready_offline(phone)
    phone.wait_for_function(  # camera.js keeps the decoder for days without signal
        """() => caches.open("reshelf-scan-v1").then(cache => Promise.all([
             cache.match("/vendor/barcode-detector.js"), cache.match("/vendor/zxing_reader.wasm")
           ])).then(hits => hits.every(Boolean))"""
    )

    go_offline(phone.context, switchable_server)
    phone.reload()
    phone.get_by_role("button", name="Scan with the camera").tap()
    expect(phone.locator("[data-queue-status]")).to_contain_text(
        "Scans waiting to be sent:", timeout=20_000
    )
    go_online(phone.context, switchable_server)
    expect(phone.locator(".scan-list")).to_contain_text(f"{chair.tag} moved to B1.", timeout=20_000)
    db_session.expire_all()
    assert chair.storeroom_id == basement.id


REFUSALS = {
    "NotAllowedError": "The camera is not allowed for this site.",
    "NotFoundError": "No camera was found on this device.",
    "NotReadableError": "The camera is in use by another app or could not be started.",
}


@pytest.mark.parametrize("error", list(REFUSALS))
def test_a_camera_that_cannot_start_says_why_and_offers_typing_and_a_photo(
    phone: Page, live_server: str, make_user, error: str, screenshot: Screenshot
):
    phone.context.add_init_script(
        WITHOUT_BARCODE_DETECTOR
        + "navigator.mediaDevices.getUserMedia = () =>"
        + f" Promise.reject(new DOMException('refused', '{error}'));"
    )
    log_in(phone, live_server, make_user(role=Role.STAFF))
    phone.goto(f"{live_server}/scan")
    phone.get_by_role("button", name="Scan with the camera").tap()

    problem = phone.get_by_role("alert")
    expect(problem).to_contain_text(REFUSALS[error])
    expect(problem).to_contain_text("Type the code above, or take a photo of the label below.")
    expect(phone.get_by_label("Code", exact=True)).to_be_visible()
    expect(phone.get_by_text("Or take a photo of the label", exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="Scan with the camera")).to_be_visible()  # retry
    screenshot(phone, "refused")


def test_a_decoder_that_cannot_load_says_so(phone: Page, live_server: str, make_user):
    phone.context.add_init_script(
        WITHOUT_BARCODE_DETECTOR
        + "navigator.mediaDevices.getUserMedia = () =>"
        + " Promise.resolve(document.createElement('canvas').captureStream());"
    )
    phone.context.route("**/vendor/**", lambda route: route.fulfill(status=404))
    log_in(phone, live_server, make_user(role=Role.STAFF))
    phone.goto(f"{live_server}/scan")
    phone.get_by_role("button", name="Scan with the camera").tap()

    expect(phone.get_by_role("alert")).to_contain_text("The code reader could not be loaded.")
    expect(phone.locator("video")).to_be_hidden()


def test_an_insecure_address_says_the_camera_needs_https(phone: Page, live_server: str, make_user):
    phone.context.add_init_script(
        WITHOUT_BARCODE_DETECTOR
        + "Object.defineProperty(window, 'isSecureContext', { value: false });"
    )
    log_in(phone, live_server, make_user(role=Role.STAFF))
    phone.goto(f"{live_server}/scan")
    phone.get_by_role("button", name="Scan with the camera").tap()

    expect(phone.get_by_role("alert")).to_contain_text("secure (https) address")
    expect(phone.get_by_role("button", name="Scan with the camera")).to_be_hidden()
    expect(phone.get_by_label("Code", exact=True)).to_be_visible()


CANVAS_CAMERA = """
  window.openedStreams = [];
  navigator.mediaDevices.getUserMedia = () => {
    const canvas = document.createElement("canvas");
    canvas.getContext("2d").fillRect(0, 0, 10, 10);
    const stream = canvas.captureStream(5);
    window.openedStreams.push(stream);
    return Promise.resolve(stream);
  };
"""


def set_page_hidden(page: Page, hidden: bool) -> None:
    page.evaluate(
        """hidden => {
             Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
             document.dispatchEvent(new Event("visibilitychange"));
           }""",
        hidden,
    )


def test_a_hidden_page_lets_the_camera_go_and_takes_it_again_when_seen(
    phone: Page, live_server: str, make_user
):
    phone.context.add_init_script(WITHOUT_BARCODE_DETECTOR + CANVAS_CAMERA)
    log_in(phone, live_server, make_user(role=Role.STAFF))
    phone.goto(f"{live_server}/scan")
    phone.get_by_role("button", name="Scan with the camera").tap()
    video = phone.locator(".camera video")
    expect(video).to_be_visible()

    set_page_hidden(phone, True)
    expect(video).to_be_hidden()
    assert phone.evaluate("() => openedStreams[0].getTracks()[0].readyState") == "ended"

    set_page_hidden(phone, False)
    expect(video).to_be_visible()
    assert phone.evaluate("() => openedStreams.length") == 2
