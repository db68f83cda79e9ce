"""Photos decode within a memory budget (T-E2): a decompression bomb is refused from its header,
a large photo is reduced as it is decoded, and the photos a process decodes at once share a
budget, so that four 40-megapixel uploads at once stay under 1 GB.

The images are generated here (tests/bombs.py) and processed in a child process whose peak
memory is measured.
"""

import io
import subprocess
import sys
import threading

import pytest
from PIL import Image

from config import Config
from inventory.errors import PhotoRejected
from inventory.photos import DecodeBudget, process_photo, reduced_image
from tests import bombs

PARALLEL_LIMIT_MB = 1024
BOMB_INCREASE_MB = 50

PROCESS = """
import threading
from inventory.errors import PhotoRejected
from inventory.photos import DecodeBudget, process_photo
data = open(sys.argv[1], "rb").read()
budget = DecodeBudget(int(sys.argv[3]))
base, outcomes = peak_mb(), []
def upload():
    try:
        photo = process_photo(data, max_pixels=40_000_000, full_size=1600, thumb_size=480,
                              budget=budget)
        outcomes.append(f"{photo.width}x{photo.height}")
    except PhotoRejected as refusal:
        outcomes.append(str(refusal))
uploads = [threading.Thread(target=upload) for _ in range(int(sys.argv[2]))]
for thread in uploads:
    thread.start()
for thread in uploads:
    thread.join()
print(json.dumps({"base": base, "peak": peak_mb(), "outcomes": outcomes}))
"""

JPEG = """
from PIL import Image
Image.new("RGB", (7300, 5470), (120, 80, 40)).save(sys.argv[1], quality=90)
"""


def processed_in_child(tmp_path, data: bytes, uploads: int) -> dict:
    path = tmp_path / "photo"
    path.write_bytes(data)
    return bombs.measured(PROCESS, str(path), str(uploads), str(Config.PHOTOS_DECODE_BUDGET))


def test_a_50000_by_50000_png_is_refused_from_its_header(tmp_path):
    """2.5 billion pixels in 300 kB: 2.5 GB decoded, never decoded."""
    bomb = bombs.png(50_000, 50_000, color_type=0, depth=1)
    assert len(bomb) < 400_000
    child = processed_in_child(tmp_path, bomb, 1)
    assert child["outcomes"] == ["This image is too large; use a photo under 40 megapixels."]
    assert child["peak"] - child["base"] < BOMB_INCREASE_MB, child


@pytest.fixture(scope="module")
def jpeg_40_megapixels(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("photos") / "large.jpg"
    subprocess.run([sys.executable, "-c", f"import sys\n{JPEG}", str(path)], check=True)
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["rgba-png", "palette-png", "rgb-png", "jpeg"])
def test_four_40_megapixel_uploads_at_once_stay_under_1_gb(tmp_path, jpeg_40_megapixels, kind):
    """The audit's case: 6000x6600 pixels in a 150 kB PNG took 470 MB each, 2.2 GB for four."""
    data = {
        "rgba-png": lambda: bombs.png(6000, 6600, color_type=6),
        "palette-png": lambda: bombs.png(6000, 6600, color_type=3),
        "rgb-png": lambda: bombs.png(6000, 6600),
        "jpeg": lambda: jpeg_40_megapixels,
    }[kind]()
    child = processed_in_child(tmp_path, data, 4)
    expected = "1600x1199" if kind == "jpeg" else "1455x1600"
    assert child["outcomes"] == [expected] * 4
    assert child["peak"] < PARALLEL_LIMIT_MB, child


def test_an_image_larger_than_the_whole_budget_is_refused():
    data = bombs.png(3000, 3000, color_type=6)
    with pytest.raises(PhotoRejected, match="too large"):
        reduced_image(data, max_pixels=10**8, longest_side=1600, budget=DecodeBudget(10**6))


def test_a_photo_waits_while_others_hold_the_budget():
    budget = DecodeBudget(100)
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_upload() -> None:
        with budget.reserved(80):
            held.set()
            release.wait(30)

    def waiting_upload() -> None:
        with budget.reserved(50):
            done.set()

    other = threading.Thread(target=other_upload)
    other.start()
    assert held.wait(30)
    waiting = threading.Thread(target=waiting_upload)
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive() and not done.is_set() and budget.held == 80
    release.set()
    waiting.join(30)
    other.join(30)
    assert done.is_set() and budget.held == 0


def test_reduced_photos_keep_their_orientation_and_lose_their_transparency():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: shown turned a quarter
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "teal").save(out, format="JPEG", exif=exif)
    turned = process_photo(out.getvalue(), max_pixels=10**8, full_size=1600, thumb_size=480)
    assert (turned.width, turned.height) == (1200, 1600)
    out = io.BytesIO()
    Image.new("RGBA", (5000, 400), (0, 0, 0, 0)).save(out, format="PNG")
    clear = process_photo(out.getvalue(), max_pixels=10**8, full_size=1600, thumb_size=480)
    assert Image.open(io.BytesIO(clear.data)).getpixel((10, 10)) == (255, 255, 255)
