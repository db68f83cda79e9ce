"""QR codes for labels: what they say and their modules.

A label's code must stay readable when it is small and a little scratched. An uppercase URL
fits QR's alphanumeric mode (5.5 bits a character instead of 8), which keeps the symbol a
version smaller; at that size we take the strongest error correction that does not make it
bigger. zxing-cpp encodes a code in about 0.1 ms, where pure-Python encoders spend 5-8 ms
choosing a mask.
"""

from urllib.parse import urlsplit

import zxingcpp

# QR's alphanumeric mode: digits, uppercase letters and these.
_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
# zxing draws a dark module as 0 (black) and a light one as 255; we want 1 for dark.
_DARK = bytes([1] + [0] * 255)
_BITS = bytes([ord("0"), ord("1")] + [ord("1")] * 254)  # a module as the digit of its bit


def scan_url(base_url: str, code: str) -> str:
    """The address a label's QR code holds: PUBLIC_BASE_URL/s/<code>, uppercase when safe.

    Host names and our /s/ route ignore case, so a base URL without a path of its own is
    uppercased whole; a base URL with a path (which may be case-sensitive) is kept as it is.
    """
    base = base_url.rstrip("/")
    if urlsplit(base).path in ("", "/"):
        return f"{base}/S/{code}".upper()
    return f"{base}/s/{code}"


def is_alphanumeric(text: str) -> bool:
    return set(text) <= _ALPHANUMERIC


def qr_modules(payload: str) -> list[bytes]:
    """The code's rows, one byte per module (non-zero is dark), without the quiet zone."""
    smallest = _encode(payload, "M")
    stronger = _encode(payload, "Q")
    return stronger if len(stronger) == len(smallest) else smallest


def _encode(payload: str, level: str) -> list[bytes]:
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level=level)
    image = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))
    size = image.shape[0]
    flat = image.tobytes().translate(_DARK)
    return [flat[r * size : (r + 1) * size] for r in range(size)]


def mask_hex(rows: list[bytes]) -> str:
    """The code as a 1-bit image in hex, one bit per module (1 is dark), each row padded to a
    byte: drawn as an inline stencil mask, a code costs a few hundred bytes in the PDF."""
    lines = []
    for row in rows:
        bits = row.translate(_BITS) + b"0" * (-len(row) % 8)
        lines.append(int(bits, 2).to_bytes(len(bits) // 8, "big").hex())
    return "".join(lines)
