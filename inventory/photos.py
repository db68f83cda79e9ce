"""Checking and downscaling uploaded photos: bytes in, bytes out, no Flask, no database.

A photo is small as a file and large decoded: a 40-megapixel image takes 160 MB as Pillow
holds it (four bytes a pixel for RGB too), whatever its file weighs. So its size is read from
the header first (Pillow decodes nothing on open) and an image over the pixel limit is refused
undecoded; a JPEG is decoded already reduced (Pillow's draft: the decoder scales by 1/2 to
1/8), and every image is reduced to the size we keep as soon as it is decoded, before any
other copy of it is made. What decoding will take is estimated from the header, and the
photos a process decodes at once share a budget (`DecodeBudget`): one waits while others
hold it, and one that could never fit is refused as too large.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from inventory.errors import PhotoRejected

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Bytes a pixel takes as Pillow holds it, by mode; any other mode takes 4 ("RGB" is padded).
PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "LA": 4, "PA": 4}
KEPT_MODES = {"RGB", "RGBA", "L"}  # reduced as they are; others converted first (a copy)
BUDGET_WAIT_SECONDS = 120
BAND_ROWS = 256  # rows of a decoded image converted and reduced at a time


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


TOO_LARGE = _l("This image is too large; use a photo under 40 megapixels.")
NOT_A_PHOTO = _l("This file is not a photo we can read (use JPEG, PNG or WebP).")


class DecodeBudget:
    """Bytes of decoded images a process may hold at once, shared by its uploads."""

    def __init__(self, limit: int) -> None:
        self.limit, self.held = limit, 0
        self.changed = threading.Condition()

    @contextmanager
    def reserved(self, size: int) -> Iterator[None]:
        """Hold `size` bytes of the budget for the block, waiting while others hold it; an
        image larger than the whole budget is refused as too large."""
        if size > self.limit:
            raise PhotoRejected(TOO_LARGE)
        with self.changed:
            if not self.changed.wait_for(
                lambda: self.held + size <= self.limit, BUDGET_WAIT_SECONDS
            ):
                raise PhotoRejected(_l("The server is busy with other photos. Try again."))
            self.held += size
        try:
            yield
        finally:
            with self.changed:
                self.held -= size
                self.changed.notify_all()


def _factor(size: tuple[int, int], longest_side: int) -> int:
    """The box reduction that leaves at least twice the size we keep (Pillow's reducing gap)."""
    return max(max(size) // (2 * longest_side), 1)


_budgets_lock = threading.Lock()


def shared_budget(registry: dict, limit: int) -> DecodeBudget:
    """The process's budget, kept in `registry` (the app's extensions) from first use."""
    with _budgets_lock:
        if "photo_decode_budget" not in registry:
            registry["photo_decode_budget"] = DecodeBudget(limit)
        return registry["photo_decode_budget"]


def decoding_bytes(image: Image.Image, longest_side: int) -> int:
    """What decoding and reducing the opened (not yet decoded) image will hold at its most:
    the image as decoded, the box reduction of it, a band being reduced (a copy, converted
    and premultiplied), and the reduced image, twice."""
    width, height = image.size
    factor = _factor(image.size, longest_side)
    decoded = width * height * PIXEL_BYTES.get(image.mode, 4)
    band = width * factor * max(BAND_ROWS // factor, 1) * 4 * 3
    return decoded + width * height * 4 // factor**2 + band + 2 * longest_side**2 * 4


def reduced_image(
    data: bytes, *, max_pixels: int, longest_side: int, budget: DecodeBudget | None = None,
    formats: set[str] | None = ACCEPTED_FORMATS,
) -> Image.Image:  # fmt: skip
    """The image decoded and reduced to fit `longest_side`, within the budget; PhotoRejected
    if it is not an image of the formats asked for, or too large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _opened(data, max_pixels, formats)
            if image.format == "JPEG":
                image.draft("RGB", (longest_side, longest_side))  # decoded at 1/2 to 1/8
            with budget.reserved(decoding_bytes(image, longest_side)) if budget else _free():
                image.load()
                image = _box_reduced(image, longest_side)
                image.thumbnail((longest_side, longest_side))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(TOO_LARGE) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRejected(NOT_A_PHOTO) from None
    return image


def _opened(data: bytes, max_pixels: int, formats: set[str] | None) -> Image.Image:
    """The image opened (its header read, nothing decoded), if it is of a format asked for
    and not over the pixel limit, and its file is whole."""
    probe = Image.open(io.BytesIO(data))
    if formats is not None and probe.format not in formats:
        raise PhotoRejected(_l("Only JPEG, PNG and WebP photos can be uploaded."))
    if probe.width * probe.height > max_pixels:
        raise PhotoRejected(TOO_LARGE)
    probe.verify()
    return Image.open(io.BytesIO(data))


def _box_reduced(image: Image.Image, longest_side: int) -> Image.Image:
    """The decoded image in a mode we reduce, box-reduced to at least twice the size we keep,
    a band of rows at a time: converting or reducing it whole would copy it whole (Pillow
    reduces RGBA through a premultiplied copy)."""
    mode = image.mode if image.mode in KEPT_MODES else "RGBA" if _transparent(image) else "RGB"
    factor = _factor(image.size, longest_side)
    if factor == 1:
        return image if mode == image.mode else image.convert(mode)
    width, height = image.size
    reduced = Image.new(mode, (-(-width // factor), -(-height // factor)))
    step = factor * max(BAND_ROWS // factor, 1)  # whole boxes: the bands reduce as the image
    for top in range(0, height, step):
        band = image.crop((0, top, width, min(top + step, height)))
        reduced.paste((band if band.mode == mode else band.convert(mode)).reduce(factor),
                      (0, top // factor))  # fmt: skip
    reduced.info = image.info  # the EXIF orientation, for exif_transpose
    return reduced


def _transparent(image: Image.Image) -> bool:
    return "transparency" in image.info or image.mode.endswith("A")


@contextmanager
def _free() -> Iterator[None]:
    yield


def _encode(image: Image.Image, longest_side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def process_photo(
    data: bytes, *, max_pixels: int, full_size: int, thumb_size: int,
    budget: DecodeBudget | None = None,
) -> ProcessedPhoto:  # fmt: skip
    """Check an upload and re-encode it as a downscaled JPEG plus a thumbnail.

    Re-encoding drops anything hidden in the file (scripts in a polyglot, EXIF location).
    """
    image = reduced_image(data, max_pixels=max_pixels, longest_side=full_size, budget=budget)
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    full = _encode(image, full_size)
    width, height = Image.open(io.BytesIO(full)).size
    return ProcessedPhoto(
        data=full, thumbnail=_encode(image, thumb_size), width=width, height=height
    )
