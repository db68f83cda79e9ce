"""Import benchmark: a 100,000-row stock list as xlsx and CSV, new items, an update of half of
them and the undo of both, on SQLite and, given --database-url, on PostgreSQL in the same run.

Generates (into a temporary directory) a Swedish-style stock list of --rows rows and 12
columns (bench/import_data.py). Then, each in its own process so that its peak memory (the
process's peak resident size, VmHWM, which counts the Rust reader's allocations too) is its
own, and each into a fresh migrated database (bench/import_databases.py), measures for each
database, one run after the other:

- bare limit: the fastest reader plus a plain write of its rows (bench/import_floor.py);
- xlsx, new: read, check and write the list into an empty inventory, and commit;
- floor, xlsx new: the bare reading, then the database alone writing the rows that import
  wrote into the real schema, and the commit (bench/import_floor.py);
- undo, xlsx new: undoing that import (its 100,000 items removed);
- xlsx, update half: the same list again with the created items' tags and half the rows
  changed (quantity, condition, price or storeroom), and undo, update half;
- csv, new: the CSV into an empty inventory.

"x bare" is a case's time divided by its bare limit, "x floor" by its floor; "cpu s" is the
CPU time of the benchmark's process (on PostgreSQL the server's is not in it). The machine's
load is printed beside the figures: compare ratios measured in the same run.

    python bench/bench_import.py [--rows 100000] [--runs 3] [--database-url URL] [--keep]

With --database-url (postgresql+psycopg://...), databases named after the URL's database with
a suffix are made on its server and dropped at the end (bench/import_databases.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from import_cases import measure_import, measure_undo  # noqa: E402 (ROOT on the path first)
from import_data import HEADERS, changed_half, stock_rows, write_csv, write_xlsx  # noqa: E402
from import_databases import Databases, created_tags  # noqa: E402
from import_floor import measure_bare, measure_floor  # noqa: E402

MEASURES = {"bare": measure_bare, "import": measure_import, "floor": measure_floor,
            "undo": measure_undo}  # fmt: skip
TITLES = {"sqlite": "SQLite " + sqlite3.sqlite_version, "postgresql": "PostgreSQL"}


def in_child(kind: str, file: Path, *urls: str) -> dict:
    """Run one measurement in a fresh process and return what it printed. The disk is synced
    first, so that no measurement pays for writing back the one before."""
    os.sync()
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(file), *urls],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{kind} {file.name} into {urls[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_cases(dbs: Databases, work: Path, add) -> None:
    """One run of every case on one kind of database; add(case, result) keeps each."""
    for case, file in (("bare limit, xlsx", "new.xlsx"), ("bare limit, csv", "new.csv")):
        add(case, in_child("bare", work / file, dbs.fresh("bare")))
        dbs.drop("bare")
    add("xlsx, new", in_child("import", work / "new.xlsx", dbs.fresh("x")))
    floor = dbs.copy("x", "f") if dbs.kind == "postgresql" else dbs.fresh("f")
    add("floor, xlsx new", in_child("floor", work / "new.xlsx", floor, dbs.url("x")))
    dbs.drop("f")
    add("undo, xlsx new", in_child("undo", work / "new.xlsx", dbs.copy("x", "u")))
    dbs.drop("u")
    if not (work / "update.xlsx").exists():  # the same tags every run, on every database
        rows = stock_rows(len(created_tags(dbs.url("x"))), SEED)
        write_xlsx(work / "update.xlsx", changed_half(rows, created_tags(dbs.url("x"))))
    add("xlsx, update half", in_child("import", work / "update.xlsx", dbs.url("x")))
    add("undo, update half", in_child("undo", work / "update.xlsx", dbs.copy("x", "v")))
    for name in ("v", "x"):
        dbs.drop(name)
    add("csv, new", in_child("import", work / "new.csv", dbs.fresh("c")))
    dbs.drop("c")


SEED = 20260115


def run(args: argparse.Namespace, work: Path) -> None:
    print(describe_machine() + f", load {os.getloadavg()[0]:.2f}")
    rows = stock_rows(args.rows, SEED)
    write_xlsx(work / "new.xlsx", rows)
    write_csv(work / "new.csv", rows)
    kinds = [Databases(work, None)] + ([Databases(work, args.database_url)]
                                       if args.database_url else [])  # fmt: skip
    sizes = ", ".join(f"{f} {(work / f).stat().st_size / 1e6:.1f} MB" for f in ("new.xlsx",
                                                                               "new.csv"))  # fmt: skip
    print(f"Rows: {args.rows:,} x {len(HEADERS)} columns ({sizes}); median of {args.runs} runs")
    results: dict[tuple[str, str], list[dict]] = {}
    try:
        for dbs in kinds:
            dbs.prepare()
        for _ in range(args.runs):
            for dbs in kinds:
                run_cases(dbs, work, lambda case, result, kind=dbs.kind:
                          results.setdefault((kind, case), []).append(result))  # fmt: skip
    finally:
        for dbs in kinds:
            dbs.drop_all()
    middle = {key: median(runs) for key, runs in results.items()}
    for dbs in kinds:
        report(dbs.kind, middle)
    compare(middle)
    print(f"\nLoad at the end: {os.getloadavg()[0]:.2f}")


def report(kind: str, middle: dict[tuple[str, str], dict]) -> None:
    print(f"\n{TITLES[kind]}\n{'case':<22}{'seconds':>8}{'cpu s':>7}{'rows/s':>10}"
          f"{'peak MB':>9}{'x bare':>8}{'x floor':>8}   stages (s)")  # fmt: skip
    for (of, case), result in middle.items():
        if of != kind:
            continue
        bare = middle[kind, "bare limit, csv" if "csv" in case else "bare limit, xlsx"]
        floor = middle[kind, "floor, xlsx new"] if case == "xlsx, new" else None
        seconds = result["seconds"]
        ratio = "" if case.startswith("undo") else f"{seconds / bare['seconds']:.2f}"
        over_floor = f"{seconds / floor['seconds']:.2f}" if floor else ""
        print(f"{case:<22}{seconds:>8.2f}{result['cpu']:>7.2f}{result['rows'] / seconds:>10,.0f}"
              f"{result['peak_mb']:>9.0f}{ratio:>8}{over_floor:>8}   "
              + ", ".join(f"{k} {result[k]:.2f}" for k in ("read", "check", "write", "commit")
                          if k in result))  # fmt: skip
    for (of, case), result in middle.items():
        if of == kind and "counts" in result:
            errors = f" errors: {result['errors']}" if result["errors"] else ""
            print(f"  {case}: {result['counts']}{errors}")


def compare(middle: dict[tuple[str, str], dict]) -> None:
    """The ratios the targets are set in (docs/benchmarks.md, Import)."""
    if ("postgresql", "xlsx, new") not in middle:
        return
    pg, lite = middle["postgresql", "xlsx, new"], middle["sqlite", "xlsx, new"]
    floor = middle["postgresql", "floor, xlsx new"]
    print(f"\nPostgreSQL import / its floor: {pg['seconds'] / floor['seconds']:.2f}; "
          f"PostgreSQL import / SQLite import: {pg['seconds'] / lite['seconds']:.2f}")  # fmt: skip


def median(runs: list[dict]) -> dict:
    """The run with the median time, with the highest peak memory of all runs."""
    chosen = sorted(runs, key=lambda result: result["seconds"])[len(runs) // 2]
    return {**chosen, "peak_mb": max(result["peak_mb"] for result in runs)}


def describe_machine() -> str:
    cpu = platform.processor() or "unknown processor"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line for line in cpuinfo if line.startswith("model name")).split(":")[1]
    except (OSError, StopIteration):
        pass
    return (f"Machine: {os.cpu_count()} CPUs ({cpu.strip()}), Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (median shown)")
    parser.add_argument("--database-url", help="a PostgreSQL server to measure beside SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the files")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, file, *urls = args.child
        print(json.dumps(MEASURES[kind](Path(file), *urls), default=str))
        return
    work = Path(tempfile.mkdtemp(prefix="reshelf-bench-import-"))
    try:
        run(args, work)
    finally:
        if args.keep:
            print(f"\nKept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
