"""Every label format prints codes a scanner reads, and text that stays on its label."""

import pytest

from labels.formats import FORMATS
from labels.pdf import Adjustment, Label, clean_text, render_calibration, render_labels
from labels.qr import is_alphanumeric, qr_modules, scan_url
from tests.labels.conftest import decode_pdf, pdf_text

BASE = "https://reshelf.sundby.se"


def item_labels(count: int) -> list[Label]:
    return [
        Label(
            scan_url(BASE, f"INV-{n:06d}"),
            f"INV-{n:06d}",
            (f"Kontorsstol Kinnarps {n} med armstöd och nackstöd, grå", "K-12 Källaren", "Ærø"),
        )
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_code_on_a_full_sheet_decodes_to_its_item(name, tmp_path):
    fmt = FORMATS[name]
    labels = item_labels(fmt.per_page if not fmt.is_roll else 3)
    payloads = decode_pdf(render_labels(labels, fmt), tmp_path)
    assert sorted(payloads) == sorted(label.payload for label in labels)


def test_the_smallest_labels_still_decode_after_a_printer_shift(tmp_path):
    fmt = FORMATS["L7651"]
    labels = item_labels(fmt.per_page)
    pdf = render_labels(labels, fmt, adjust=Adjustment(offset_x=1.5, offset_y=-1.0, scale=0.98))
    assert sorted(decode_pdf(pdf, tmp_path)) == sorted(label.payload for label in labels)


def test_payload_is_the_scan_address_in_uppercase_for_the_alphanumeric_mode():
    payload = scan_url(BASE + "/", "inv-000123")
    assert payload == "HTTPS://RESHELF.SUNDBY.SE/S/INV-000123"
    assert is_alphanumeric(payload)
    # A base URL with its own path may be case-sensitive: kept as it is.
    assert (
        scan_url("https://intra.example/Reshelf", "INV-1")
        == "https://intra.example/Reshelf/s/INV-1"
    )


def test_uppercase_keeps_the_code_a_version_smaller():
    upper = qr_modules(scan_url("https://reshelf.kommun.se", "INV-000123"))
    lower = qr_modules("https://reshelf.kommun.se/s/inv-000123")
    assert len(upper) < len(lower)


def test_start_position_skips_used_labels_and_copies_repeat(tmp_path):
    fmt = FORMATS["L7160"]
    labels = item_labels(2)
    pdf = render_labels(labels, fmt, start=20, copies=2)  # 19 used: 2 left on page 1
    payloads = decode_pdf(pdf, tmp_path)
    assert sorted(payloads) == sorted([labels[0].payload] * 2 + [labels[1].payload] * 2)
    assert len(list(tmp_path.glob("page-*.png"))) == 2  # the last two went onto a new sheet


def test_names_print_as_literal_text_fitted_to_the_label(tmp_path):
    hostile = [
        '<font color="[[[getattr(pow, "__globals__")]]]">x</font>',
        "<b>unclosed",
        "A & B",
        "Vårdsäng Ærø Øst, Zaïre-stoel, ĳs",
        "Stol " * 1000,
        "right\u202eleft\x00nul",
    ]
    labels = [
        Label(scan_url(BASE, f"T{n}"), f"T{n}", (name, "R1")) for n, name in enumerate(hostile)
    ]
    pdf = render_labels(labels, FORMATS["L7163"])
    text = pdf_text(pdf, tmp_path)
    squeezed = text.replace(" ", "")  # pdftotext spaces words as it sees fit
    assert "<b>unclosed" in text and "A&B" in squeezed
    # Swedish, Danish and Dutch letters print; the Dutch ligature ĳ as the letters ij.
    assert all(word in text for word in ("Vårdsäng", "Ærø", "Øst,", "Zaïre-stoel", "ijs"))
    assert "getattr" in text  # shown, not evaluated
    assert "\u202e" not in text and "\x00" not in text
    longest = max(len(line) for line in text.splitlines())
    assert longest < 200  # the 5,000-character name was shortened to fit its label
    assert sorted(decode_pdf(pdf, tmp_path)) == sorted(label.payload for label in labels)


def test_clean_text_removes_direction_overrides_and_control_characters():
    assert clean_text("a\u202eb\u200bc\x0bd\n e") == "a b c d e"
    assert clean_text("ĳzer ﬁets") == "ijzer fiets"


@pytest.mark.parametrize("name", list(FORMATS))
def test_calibration_page_renders_for_every_format(name, tmp_path):
    pdf = render_calibration(FORMATS[name], Adjustment(offset_x=1.5))
    assert pdf.startswith(b"%PDF") and name in pdf_text(pdf, tmp_path)
