"""Label stock, described once as data: adding a format is one entry in FORMATS.

All sizes are millimetres. `left` and `top` are the page margins to the first label; `pitch_x`
and `pitch_y` the distance from one label's corner to the next one's (label plus gap).
Figures for the Avery sheets are from Avery's templates.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelFormat:
    name: str  # as chosen in the web form and the CLI's --format
    description: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float = 0.0
    top: float = 0.0
    pitch_x: float = 0.0  # 0: labels touch (pitch = label size)
    pitch_y: float = 0.0
    padding: float = 2.0  # blank border kept inside each label

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_roll(self) -> bool:
        """One label per page: a thermal roll printer."""
        return self.per_page == 1

    def position(self, index: int) -> tuple[float, float]:
        """Top-left corner (x, y from the page's top-left) of label `index` on its page."""
        row, column = divmod(index % self.per_page, self.columns)
        return (
            self.left + column * (self.pitch_x or self.label_width),
            self.top + row * (self.pitch_y or self.label_height),
        )


A4 = (210.0, 297.0)

FORMATS: dict[str, LabelFormat] = {
    f.name: f
    for f in (
        LabelFormat(
            "L7160", "A4, 3 × 7, 63.5 × 38.1 mm (Avery L7160)", *A4,
            columns=3, rows=7, label_width=63.5, label_height=38.1,
            left=7.2, top=15.1, pitch_x=66.0, pitch_y=38.1,
        ),
        LabelFormat(
            "L7163", "A4, 2 × 7, 99.1 × 38.1 mm (Avery L7163)", *A4,
            columns=2, rows=7, label_width=99.1, label_height=38.1,
            left=4.7, top=15.1, pitch_x=101.6, pitch_y=38.1,
        ),
        LabelFormat(
            "L7651", "A4, 5 × 13, 38.1 × 21.2 mm (Avery L7651)", *A4,
            columns=5, rows=13, label_width=38.1, label_height=21.2,
            left=4.7, top=10.7, pitch_x=40.6, pitch_y=21.2, padding=1.2,
        ),
        LabelFormat(
            "A4-3x8", "A4, 3 × 8, 70 × 37 mm", *A4,
            columns=3, rows=8, label_width=70.0, label_height=37.0, top=0.5,
        ),
        LabelFormat(
            "62x29", "Roll, 62 × 29 mm (thermal printer)", 62.0, 29.0,
            columns=1, rows=1, label_width=62.0, label_height=29.0, padding=1.5,
        ),
        LabelFormat(
            "57x32", "Roll, 57 × 32 mm (thermal printer)", 57.0, 32.0,
            columns=1, rows=1, label_width=57.0, label_height=32.0, padding=1.5,
        ),
    )
}  # fmt: skip
DEFAULT_FORMAT = "L7160"
