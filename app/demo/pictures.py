"""Pictures for the demo's items, drawn here: a plain outline of the thing (a chair, a bed) on
a coloured wall above a floor, so the item pages show photos without downloading any."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw

SIZE = (640, 480)
FLOOR = 400
WALLS = ["#dfe8ef", "#efe6d8", "#e3efe0", "#f0e0e0", "#e6e1f0", "#f2efd9"]
PAINTS = ["#34495e", "#7f4f24", "#2d6a4f", "#9d0208", "#3a0ca3", "#495057", "#b5838d"]

Drawing = Callable[[ImageDraw.ImageDraw, str], None]


def _chair(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.rectangle((250, 120, 270, 300), fill=paint)  # back post
    draw.rounded_rectangle((250, 110, 330, 220), radius=18, fill=paint)  # backrest
    draw.rounded_rectangle((240, 270, 400, 300), radius=10, fill=paint)  # seat
    for x in (250, 380):
        draw.rectangle((x, 300, x + 14, FLOOR), fill=paint)


def _desk(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.rectangle((130, 230, 510, 252), fill=paint)  # top
    for x in (150, 470):
        draw.rectangle((x, 252, x + 20, FLOOR), fill=paint)
        draw.rectangle((x - 20, FLOOR - 10, x + 40, FLOOR), fill=paint)  # feet


def _shelf(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.rectangle((220, 80, 420, FLOOR), outline=paint, width=12)
    for y in (160, 240, 320):
        draw.rectangle((220, y, 420, y + 10), fill=paint)
    for x, y in ((240, 120), (270, 200), (300, 280), (350, 120)):
        draw.rectangle((x, y, x + 18, y + 36), fill="#c9ada7")  # books


def _cabinet(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.rectangle((240, 100, 400, FLOOR), fill=paint)
    for y in (110, 185, 260, 335):
        draw.rectangle((252, y, 388, y + 60), outline="#dee2e6", width=3)
        draw.rectangle((300, y + 24, 340, y + 32), fill="#dee2e6")  # handle


def _rollator(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.line((240, 150, 220, 380), fill=paint, width=12)
    draw.line((400, 150, 420, 380), fill=paint, width=12)
    draw.line((230, 260, 410, 260), fill=paint, width=10)  # seat bar
    draw.rectangle((215, 140, 255, 156), fill="#212529")  # handles
    draw.rectangle((385, 140, 425, 156), fill="#212529")
    for x in (220, 420):
        draw.ellipse((x - 22, 360, x + 22, FLOOR + 4), outline="#212529", width=8)


def _wheelchair(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.ellipse((190, 220, 370, FLOOR), outline="#212529", width=12)  # big wheel
    draw.ellipse((400, 350, 450, FLOOR), outline="#212529", width=8)  # castor
    draw.line((260, 120, 280, 300), fill=paint, width=12)  # back
    draw.rectangle((270, 270, 430, 290), fill=paint)  # seat
    draw.line((420, 290, 430, 360), fill=paint, width=10)


def _bed(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.rectangle((100, 250, 540, 290), fill=paint)  # frame
    draw.rounded_rectangle((110, 225, 530, 252), radius=8, fill="#f8f9fa")  # mattress
    draw.rectangle((90, 160, 112, FLOOR - 20), fill=paint)  # head end
    draw.rectangle((528, 200, 550, FLOOR - 20), fill=paint)  # foot end
    draw.line((200, 290, 440, 370), fill=paint, width=10)  # lifting scissor
    for x in (120, 500):
        draw.ellipse((x - 16, FLOOR - 30, x + 16, FLOOR + 2), fill="#212529")


def _projector(draw: ImageDraw.ImageDraw, paint: str) -> None:
    draw.rectangle((180, 330, 460, FLOOR), fill="#adb5bd")  # table
    draw.rounded_rectangle((220, 250, 420, 330), radius=14, fill=paint)
    draw.ellipse((240, 265, 300, 320), fill="#dee2e6")  # lens
    draw.polygon([(270, 292), (620, 120), (620, 300)], fill="#fff3b0")  # the beam


DRAWINGS: dict[str, Drawing] = {
    "chair": _chair, "desk": _desk, "shelf": _shelf, "cabinet": _cabinet,
    "rollator": _rollator, "wheelchair": _wheelchair, "bed": _bed, "projector": _projector,
}  # fmt: skip


def picture(shape: str, rng: random.Random) -> bytes:
    """A PNG of `shape` in colours chosen by `rng`, as a phone's photo would be uploaded."""
    image = Image.new("RGB", SIZE, rng.choice(WALLS))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, FLOOR, SIZE[0], SIZE[1]), fill="#a68a64")
    DRAWINGS[shape](draw, rng.choice(PAINTS))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
