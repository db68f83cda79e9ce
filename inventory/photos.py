"""Checking and downscaling uploaded photos: bytes in, bytes out, no Flask, no database."""

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from inventory.errors import PhotoRejected

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


TOO_LARGE = _l("This image is too large; use a photo under 40 megapixels.")


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open an image only if it really is a JPEG, PNG or WebP of a sane size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRejected(_l("Only JPEG, PNG and WebP photos can be uploaded."))
            if probe.width * probe.height > max_pixels:
                raise PhotoRejected(TOO_LARGE)
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(TOO_LARGE) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRejected(
            _l("This file is not a photo we can read (use JPEG, PNG or WebP).")
        ) from None
    return image


def _encode(image: Image.Image, longest_side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def process_photo(
    data: bytes, *, max_pixels: int, full_size: int, thumb_size: int
) -> ProcessedPhoto:
    """Check an upload and re-encode it as a downscaled JPEG plus a thumbnail.

    Re-encoding drops anything hidden in the file (scripts in a polyglot, EXIF location).
    """
    image = _open_checked(data, max_pixels)
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
