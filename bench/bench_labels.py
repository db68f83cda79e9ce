"""Label benchmark: 1,000 item labels as PDF, in L7160 sheets and on a 62x29 mm roll.

Prints seconds, labels per second and PDF size per format, and a baseline measured in the same
run: segno making the same 1,000 codes (its automatic mask choice) and reportlab filling each
code's dark modules as one path, no text. Every code of our PDFs is then decoded (pdftoppm at
300 dpi and zxing-cpp), so a fast but unreadable sheet cannot pass.

    python bench/bench_labels.py [--labels 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import segno  # noqa: E402
import zxingcpp  # noqa: E402
from PIL import Image  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from labels.formats import FORMATS  # noqa: E402
from labels.pdf import Label, render_labels  # noqa: E402
from labels.qr import scan_url  # noqa: E402

BASE = "https://reshelf.sundby.se"
NAMES = ["Kontorsstol Kinnarps 8000 med armstöd", "Rollator Topro Olympos", "Vårdsäng Carisma"]


def labels(count: int) -> list[Label]:
    return [
        Label(
            scan_url(BASE, f"INV-{n:06d}"),
            f"INV-{n:06d}",
            (NAMES[n % 3], "K-12 Källarförrådet", "Sundby kommun"),
        )
        for n in range(1, count + 1)
    ]


def baseline(items: list[Label]) -> bytes:
    """segno codes, each drawn by reportlab as one path of its dark modules, 3 x 7 per page."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(210 * mm, 297 * mm))
    fmt = FORMATS["L7160"]
    for n, label in enumerate(items):
        if n and n % fmt.per_page == 0:
            canvas.showPage()
        x, y = fmt.position(n)
        code = segno.make(label.payload, error="m", boost_error=False)
        matrix = code.matrix
        unit = (fmt.label_height - 4) * mm / len(matrix)
        path = canvas.beginPath()
        top = (297 - y - 2) * mm
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    path.rect((x + 2) * mm + c * unit, top - (r + 1) * unit, unit, unit)
        canvas.drawPath(path, stroke=0, fill=1)
    canvas.save()
    return out.getvalue()


def timed(function, runs: int) -> tuple[float, bytes]:
    times, result = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def decoded(pdf: bytes) -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "l.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", "-png", f"{tmp}/l.pdf", f"{tmp}/p"], check=True
        )
        found = set()
        for page in Path(tmp).glob("p-*.png"):
            found |= {b.text for b in zxingcpp.read_barcodes(Image.open(page))}
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    items = labels(args.labels)
    base_time, _ = timed(lambda: baseline(items), args.runs)
    print(f"{args.labels:,} labels, median of {args.runs} runs\n")
    print(f"{'case':<34}{'seconds':>9}{'labels/s':>10}{'PDF':>10}{'x base':>8}{'decoded':>10}")
    print(f"{'baseline: segno + reportlab path':<34}{base_time:>9.2f}{args.labels / base_time:>10,.0f}"
          f"{'':>10}{1.0:>8.2f}{'-':>10}")  # fmt: skip
    for name in ("L7160", "62x29"):
        seconds, pdf = timed(lambda name=name: render_labels(items, FORMATS[name]), args.runs)
        ok = decoded(pdf) == {label.payload for label in items}
        print(
            f"{'Reshelf ' + name:<34}{seconds:>9.2f}{args.labels / seconds:>10,.0f}"
            f"{len(pdf) / 1e6:>8.2f}MB{seconds / base_time:>8.2f}{'all' if ok else 'NOT ALL':>10}"
        )


if __name__ == "__main__":
    main()
