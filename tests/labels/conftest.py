import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app.auth.roles import Role


def decode_pdf(pdf: bytes, tmp_path: Path, dpi: int = 300) -> list[str]:
    """Rasterise every page with poppler's pdftoppm and decode every QR code on it."""
    source = tmp_path / "labels.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(tmp_path / "page")],
        check=True,
    )
    payloads = []
    for page in sorted(tmp_path.glob("page-*.png")):
        found = zxingcpp.read_barcodes(Image.open(page), formats=zxingcpp.BarcodeFormat.QRCode)
        payloads += [barcode.text for barcode in found]
    return payloads


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def staff_client(client, make_user, login):
    user = make_user(Role.STAFF)
    login(client, user)
    client.user = user
    return client
