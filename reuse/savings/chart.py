"""A bar chart drawn on the server as SVG: no script, no library, nothing fetched.

Each bar has its label on a line of its own above it, so a long department name needs no
room beside the bars and the chart stays readable on a phone, where the SVG is scaled down
to the screen's width. Every text is escaped. Colours are presentation attributes (the
page's CSP allows no inline style), dark enough to print in grey.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 400
ROW = 46  # label line, then the bar
BAR = 16
CHAR = 9  # about the width of a character at this size, in the SVG's units
LABEL_CHARS = 42  # a longer label is cut (the table beside the chart has it whole)
BAR_COLOUR = "#1f6f5c"
TEXT_COLOUR = "#1b2421"


def bar_chart(
    bars: Sequence[tuple[str, Decimal | int]], *, title: str, value_text: Callable[[object], str]
) -> Markup:
    """A horizontal bar per (label, value), longest bar for the largest value."""
    top = max((value for _, value in bars), default=0) or 1
    texts = [value_text(value) for _, value in bars]  # right of its bar, each
    value_room = min(CHAR * max((len(t) for t in texts), default=0) + 12, WIDTH // 2)
    height = ROW * len(bars) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" font-size="16" '
        f'font-family="system-ui, sans-serif" fill="{TEXT_COLOUR}">',
        f"<title>{escape(title)}</title>",
    ]
    for n, ((label, value), text) in enumerate(zip(bars, texts, strict=True)):
        y = n * ROW
        length = round((WIDTH - value_room) * float(value) / float(top), 1) if value > 0 else 0
        parts += [
            f'<text x="0" y="{y + 17}">{escape(cut(str(label)))}</text>',
            f'<rect x="0" y="{y + 23}" width="{length}" height="{BAR}" fill="{BAR_COLOUR}"/>',
            f'<text x="{length + 6}" y="{y + 37}">{escape(text)}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
