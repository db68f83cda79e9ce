"""Label sheets as PDF: a QR code and fitted text on each label, laid out by a LabelFormat.

Text is drawn with drawString, which never interprets markup, in the Bitstream Vera font that
ships inside reportlab (embedded in the PDF, so å, ä, ö, æ, ø, é and ë print on any printer).
A QR code is written as an inline 1-bit stencil mask, one bit per module scaled to the code's
size without smoothing: about 150 bytes a code, which keeps 1,000 labels fast and small.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import reportlab
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from labels.formats import LabelFormat
from labels.qr import mask_hex, qr_modules

# PDFs are sent as binary files: ASCII85 (reportlab's default) would only add a quarter.
rl_config.useA85 = 0

FONT, BOLD = "LabelSans", "LabelSans-Bold"
_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
QUIET_ZONE = 2  # modules of white around a code, inside the label's padding
# Control characters, bidirectional overrides and zero-width characters: a name carrying them
# could reorder or hide what the label says.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Label:
    payload: str  # what the QR code holds
    title: str  # the tag or storeroom code, printed large
    lines: tuple[str, ...] = ()  # name first (may wrap), then smaller lines


@dataclass(frozen=True)
class Adjustment:
    """A printer profile's correction: shift in mm (right, down) and scale around the top left."""

    offset_x: float = 0.0
    offset_y: float = 0.0
    scale: float = 1.0


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(_FONT_DIR / "VeraBd.ttf")))


def clean_text(text: str) -> str:
    """One line of printable text: no control, direction or zero-width characters."""
    return " ".join(_INVISIBLE.sub(" ", unicodedata.normalize("NFKC", text)).split())


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with an ellipsis until it fits `width` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if pdfmetrics.stringWidth(text[:middle].rstrip() + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…" if low else ""


def wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Words on up to `max_lines` lines of `width`; the last line ellipsised if text is left."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and pdfmetrics.stringWidth(f"{line} {words[0]}", font, size) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines[-1] = f"{lines[-1]} {' '.join(words)}"
    return [fit(line, font, size, width) for line in lines]


class SheetWriter:
    """Draws labels one after another onto the pages of one PDF."""

    def __init__(self, fmt: LabelFormat, adjust: Adjustment = Adjustment(), title: str = ""):
        _register_fonts()
        self.fmt, self.adjust = fmt, adjust
        self.out = io.BytesIO()
        self.canvas = Canvas(
            self.out, pagesize=(fmt.page_width * mm, fmt.page_height * mm), pageCompression=1
        )
        self.canvas.setTitle(title or "Reshelf labels")
        self.canvas.setCreator("Reshelf")
        self.index = 0
        self.page_started = False

    def _start_page(self) -> None:
        c = self.canvas
        c.saveState()
        # Work in millimetres from the top-left corner, shifted and scaled by the profile.
        c.translate(self.adjust.offset_x * mm, (self.fmt.page_height - self.adjust.offset_y) * mm)
        c.scale(self.adjust.scale, self.adjust.scale)
        self.page_started = True

    def _end_page(self) -> None:
        self.canvas.restoreState()
        self.canvas.showPage()
        self.page_started = False

    def skip(self, count: int) -> None:
        """Leave `count` positions empty: labels already used on a partly used sheet."""
        for _ in range(count):
            self.next_position()

    def next_position(self) -> tuple[float, float]:
        if self.index and self.index % self.fmt.per_page == 0 and self.page_started:
            self._end_page()
        if not self.page_started:
            self._start_page()
        x, y = self.fmt.position(self.index)
        self.index += 1
        return x, y

    def draw(self, label: Label) -> None:
        x, y = self.next_position()
        fmt = self.fmt
        pad = fmt.padding
        side = fmt.label_height - 2 * pad  # the code is a square as tall as the label allows
        self._draw_qr(label.payload, x + pad, y + pad, side)
        text_x = x + pad + side + pad * 0.5
        width = (x + fmt.label_width - pad - text_x) * mm
        top = -(y + pad) * mm
        height = side * mm
        self._draw_text(label, text_x * mm, top, width, height)

    def _draw_qr(self, payload: str, x: float, y: float, side: float) -> None:
        rows = qr_modules(payload)
        count = len(rows)
        unit = side * mm / (count + 2 * QUIET_ZONE)
        size = count * unit
        left = x * mm + QUIET_ZONE * unit
        bottom = -(y * mm) - QUIET_ZONE * unit - size
        # An inline stencil mask: each module one bit, painted in black where the bit is 1,
        # never smoothed. Hex data cannot contain the "EI" that ends an inline image.
        self.canvas.addLiteral(
            f"q 0 g {size:.3f} 0 0 {size:.3f} {left:.3f} {bottom:.3f} cm "
            f"BI /W {count} /H {count} /BPC 1 /IM true /D [1 0] /F /AHx ID "
            f"{mask_hex(rows)}> EI Q"
        )

    def _draw_text(self, label: Label, x: float, top: float, width: float, height: float) -> None:
        c = self.canvas
        if width < 20:  # no room beside the code
            return
        title = clean_text(label.title)
        title_size = min(height * 0.24, 16.0)
        title_size *= min(1.0, width / max(1.0, pdfmetrics.stringWidth(title, BOLD, title_size)))
        body = max(5.0, min(height * 0.12, 9.0))
        small = max(4.5, body * 0.85)
        baseline = top - title_size
        c.setFont(BOLD, title_size)
        c.drawString(x, baseline, title)
        bottom = top - height
        lines = [clean_text(line) for line in label.lines if line and line.strip()]
        if not lines:
            return
        name, rest = lines[0], lines[1:]
        room_for_rest = sum(small * 1.2 for _ in rest)
        name_lines = max(1, int((baseline - bottom - room_for_rest - body * 0.3) // (body * 1.15)))
        c.setFont(FONT, body)
        for line in wrap(name, FONT, body, width, min(2, name_lines)):
            if baseline - body * 1.2 < bottom:
                return
            baseline -= body * 1.2
            c.drawString(x, baseline, line)
        c.setFont(FONT, small)
        for line in rest:
            if baseline - small * 1.2 < bottom:
                return
            baseline -= small * 1.2
            c.drawString(x, baseline, fit(line, FONT, small, width))

    def finish(self) -> bytes:
        if self.page_started:
            self._end_page()
        self.canvas.save()
        return self.out.getvalue()


def render_labels(
    labels: Iterable[Label],
    fmt: LabelFormat,
    *,
    start: int = 1,
    copies: int = 1,
    adjust: Adjustment = Adjustment(),
    title: str = "",
) -> bytes:
    """A PDF of `labels`, each `copies` times, from position `start` (1 = top left) on."""
    writer = SheetWriter(fmt, adjust, title)
    writer.skip(max(0, start - 1) % fmt.per_page if not fmt.is_roll else 0)
    for label in labels:
        for _ in range(copies):
            writer.draw(label)
    return writer.finish()


def render_calibration(
    fmt: LabelFormat, adjust: Adjustment = Adjustment(), *, words: tuple[str, str] = ("", "")
) -> bytes:
    """A page with every label's outline and centre, to print on plain paper and hold against
    a sheet of labels: the difference is the offset to save in a printer profile. `words` are
    the page's title and the word for the scale, in the reader's language."""
    title, scale = words[0] or "Calibration page", words[1] or "scale"
    writer = SheetWriter(fmt, adjust, f"{title} {fmt.name}")
    c = writer.canvas
    for position in range(fmt.per_page):
        x, y = writer.next_position()
        c.setLineWidth(0.3)
        c.rect(x * mm, -(y + fmt.label_height) * mm, fmt.label_width * mm, fmt.label_height * mm)
        cx, cy = (x + fmt.label_width / 2) * mm, -(y + fmt.label_height / 2) * mm
        c.line(cx - 3 * mm, cy, cx + 3 * mm, cy)
        c.line(cx, cy - 3 * mm, cx, cy + 3 * mm)
        c.setFont(FONT, 6)
        c.drawString(x * mm + 2 * mm, cy - 8, str(position + 1))
    c.setFont(BOLD, 7)
    c.drawString(
        2 * mm,
        -(fmt.page_height - 3) * mm if not fmt.is_roll else -(fmt.label_height - 2) * mm,
        f"{fmt.name}  x {adjust.offset_x:+.1f} mm  y {adjust.offset_y:+.1f} mm  {scale} {adjust.scale:.3f}",
    )
    return writer.finish()
