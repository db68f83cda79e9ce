"""Peak memory of checking an upload: what a worker holds while it reads a file and works out
its preview, for stock lists at the row cap and for files built to cost more than they weigh.

Each case is checked by the real job (imports/jobs.run, as the upload page queues it) in a
process of its own, into a fresh migrated database (bench/import_databases.py); the figure is
that process's peak resident memory (VmHWM), which counts python-calamine's allocations too.
"Start" is that process with the app loaded, before the job; the file was stored as a batch
by another, as the upload page does.

- stock list, errors: 200,000 rows of 12 columns (bench/import_data.py) with a name and a
  serial number of their own on every row, checked without "create missing": every row names
  a department, storeroom, site and category we do not have, five errors a row;
- stock list, create missing: the same, with "create missing" ticked: no errors;
- distinct texts: a sheet of 98 columns we have no field for, every cell a text of its own
  (tests/bombs.py), at 12,000 rows (checked) and 24,000 (refused: more than a table may hold);
- cells past the cap: a sheet declaring 450 MB of small cells (refused at the row cap);
- a CSV of 49 MB, near the upload limit, of Swedish text with an emoji on every line (which
  makes Python keep each such text at four bytes a character).

    python bench/bench_check_memory.py [--runs 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_cases import peak_mb  # noqa: E402 (ROOT on the path first)
from import_data import stock_rows, write_xlsx  # noqa: E402
from import_databases import Databases  # noqa: E402

from tests import bombs  # noqa: E402

LIMIT_MB = 400  # issue 16: a worker checking any upload


def write_files(work: Path) -> dict[str, tuple[Path, bool]]:
    """Case -> (file, create missing)."""
    rows = stock_rows(200_000, 20261206)
    for number, row in enumerate(rows):
        row[1], row[11] = f"{row[1]} nr {number}", f"SN-{number:08d}"
    write_xlsx(work / "stock.xlsx", rows)
    bombs.xlsx(work / "wide.xlsx", bombs.distinct_texts(12_000, 100))
    bombs.xlsx(work / "wider.xlsx", bombs.distinct_texts(24_000, 100))
    bombs.xlsx(work / "cells.xlsx", bombs.rows_far_past_the_cap(450_000_000))
    line = "Stol {};{};" + "Sliten men hel. " * 14 + "\U0001f600\n"
    text = "Name;Quantity;Notes\n" + "".join(line.format(n, n % 9) for n in range(190_000))
    (work / "emoji.csv").write_bytes(text.encode())
    return {
        "stock list 200,000 rows, errors": (work / "stock.xlsx", False),
        "stock list 200,000 rows, create missing": (work / "stock.xlsx", True),
        "distinct texts 12,000 x 100": (work / "wide.xlsx", False),
        "distinct texts 24,000 x 100": (work / "wider.xlsx", False),
        "450 MB of cells declared": (work / "cells.xlsx", False),
        "CSV of 49 MB, an emoji on every line": (work / "emoji.csv", False),
    }


def upload(file: Path, url: str, create_missing: bool) -> dict:
    """Store the file as a batch waiting for its check, as the upload page does."""
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.timeutil import utcnow
    from imports import jobs, services
    from imports.models import JobKind

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        user = db.session.scalar(select(User).order_by(User.id).limit(1))
        batch = services.store_upload(db.session, file.read_bytes(), file.name, user=user,
                                      now=utcnow())  # fmt: skip
        batch.create_missing = create_missing
        db.session.commit()
        token = jobs.claim(batch.id, JobKind.CHECK, now=utcnow(), limit=jobs.stall_limit(app))
        return {"batch": batch.id, "user": user.id, "token": token}


def check(url: str, batch_id: int, user_id: int, token: str) -> dict:
    """Check the batch as the worker does; the peak and the outcome."""
    from app import create_app
    from app.extensions import db
    from imports import jobs
    from imports.models import ImportBatch

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    start = peak_mb()
    jobs.run(app, batch_id, "check", token=token, user_id=user_id, locale="en")
    peak = peak_mb()
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        counts = batch.preview["counts"] if batch.preview else {}
        outcome = batch.job_error or "{new} new, {error} with errors".format(**counts)
    return {"start": start, "peak": peak, "outcome": outcome}


def in_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(file: Path, url: str, create_missing: bool) -> dict:
    stored = in_child("upload", str(file), url, str(int(create_missing)))
    return in_child("check", url, str(stored["batch"]), str(stored["user"]), stored["token"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "upload":
            done = upload(Path(rest[0]), rest[1], rest[2] == "1")
        else:
            done = check(rest[0], int(rest[1]), int(rest[2]), rest[3])
        print(json.dumps(done))
        return
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        dbs = Databases(work, args.database_url)
        dbs.prepare()
        try:
            print(f"{'case':<42}{'start MB':>9}{'peak MB':>9}   outcome   (highest of {args.runs})")
            for case, (file, create_missing) in write_files(work).items():
                runs = []
                for _ in range(args.runs):
                    runs.append(measure(file, dbs.fresh("check"), create_missing))
                    dbs.drop("check")
                worst = max(runs, key=lambda run: run["peak"])
                mark = "" if worst["peak"] < LIMIT_MB else f"  over {LIMIT_MB} MB"
                print(f"{case:<42}{worst['start']:>9.0f}{worst['peak']:>9.0f}   "
                      f"{worst['outcome']}{mark}")  # fmt: skip
        finally:
            dbs.drop_all()
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
