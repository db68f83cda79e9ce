"""Import benchmark: a 100,000-row stock list as xlsx and CSV, new items and an update.

Generates (into a temporary directory) a Swedish-style stock list of --rows rows and 12 columns
(empty tag column, names, "12 st" quantities, "1 250,00 kr" prices, real date cells,
conditions such as Bra and Sliten, department, storeroom, site, category, manufacturer and an
unknown column), written as Excel writes xlsx (shared strings, a date style) and as a
semicolon CSV with a BOM. Then measures, each in its own process so that its peak memory
(the process's peak resident size, VmHWM, which counts the Rust reader's allocations too,
unlike tracemalloc) is its own:

1. xlsx, new: read, check (the preview) and write into an empty SQLite database;
2. xlsx, update: the same list again with the created items' tags and half the rows changed;
3. csv, new: the CSV into an empty database;
4. undo, xlsx new: undoing the first case's import (its 100,000 items removed);

and the bare limit, in the same run: python-calamine iterating the xlsx (csv.reader for the
CSV) plus raw sqlite3 executemany of the same rows into a plain 12-column table.
"x bare" is an import's time divided by its bare limit; "cpu s" the CPU time the process
used, which a busy machine inflates less than the elapsed seconds.

"floor, xlsx new" is what SQLite's own work for the first case costs after the bare reading:
SQLite alone writing the rows that import wrote (items, history events, batch rows; taken from
its database beforehand as ready tuples, so no Python work per row) the way the import writes
them, one statement after the other, and the commit. The import can come below it only by
having its Python work and SQLite's run side by side (imports/writer.py).

    python bench/bench_import.py [--rows 100000] [--runs 3] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from itertools import chain
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = ["Inventarienr", "Benämning", "Antal", "Inköpspris", "Inköpsdatum", "Skick",
           "Verksamhet", "Förråd", "Byggnad", "Kategori", "Tillverkare", "Färg"]  # fmt: skip
NOUNS = [("Stol", "Stolar"), ("Bord", "Bord"), ("Hylla", "Förvaring"), ("Skåp", "Förvaring"),
         ("Lampa", "Belysning"), ("Skrivbord", "Bord"), ("Kontorsstol", "Stolar"),
         ("Rollator", "Hjälpmedel"), ("Rullstol", "Hjälpmedel"), ("Soffa", "Soffor"),
         ("Bänk", "Soffor"), ("Pall", "Stolar"), ("Skärm", "IT"), ("Vårdsäng", "Sängar"),
         ("Projektor", "AV"), ("Bokhylla", "Förvaring"), ("Whiteboard", "AV"), ("Dator", "IT"),
         ("Elevbord", "Bord"), ("Kylskåp", "Kök"), ("Gardin", "Textil"), ("Matta", "Textil"),
         ("Stege", "Övrigt")]  # fmt: skip
BRANDS = ["Kinnarps", "IKEA", "Lammhults", "Materia", "Martela", "EFG", "Edsbyn", "Etac",
          "Invacare", "Topro", "Philips", "Epson", "Dell", "Electrolux", "Bosch", "Gärsnäs"]  # fmt: skip
MODELS = ["3000", "6000", "Plus", "Pro", "Classic", "Flex", "Mini", "Max", "Eco", "Nova"]
COLOURS = ["Björk", "Ek", "Svart", "Vit", "Grå", "Blå", "Röd", "Krom", "Bok", "Grön"]
CONDITIONS = ["Bra"] * 10 + ["Sliten"] * 5 + ["Ny"] * 2 + ["Behöver lagas"] * 2 + ["Trasig"]
DEPARTMENTS = ["Barn och utbildning", "Vård och omsorg", "Kultur och fritid",
               "Samhällsbyggnad", "Socialtjänsten", "Kommunledningskontoret"]  # fmt: skip
SITES = ["Skåreskolan", "Norrskolan", "Västra skolan", "Stadshuset", "Vårdcentralen Norr",
         "Centrallagret", "Kulturhuset", "Solhemmet"]  # fmt: skip
ROOMS = ["Källarförrådet", "Vinden", "Förråd plan 2"]
EXCEL_EPOCH = date(1899, 12, 30)


# --- the data --------------------------------------------------------------------------------


def swedish_money(amount: int) -> str:
    """1250 -> "1 250,00 kr", as Swedes type prices."""
    return f"{amount:,}".replace(",", " ") + ",00 kr"


def stock_rows(count: int, seed: int) -> list[list]:
    """Rows of cells (str, int, date or None) in the order of HEADERS, the tag left empty."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        noun, category = NOUNS[min(int(rng.paretovariate(1.2)) - 1, len(NOUNS) - 1)]
        brand = rng.choice(BRANDS)
        name = f"{noun} {brand}" + (f" {rng.choice(MODELS)}" if rng.random() < 0.6 else "")
        site = rng.choice(SITES)
        lot = rng.random() < 0.1
        quantity = f"{rng.randint(2, 40)} st" if lot else ("1 st" if rng.random() < 0.7 else 1)
        priced = rng.random() < 0.8
        rows.append([
            None,
            name,
            quantity,
            swedish_money(rng.randint(2, 250) * 50) if priced else None,
            date(2008, 1, 1) + timedelta(days=rng.randint(0, 6000)) if priced else None,
            rng.choice(CONDITIONS),
            rng.choice(DEPARTMENTS),
            f"{rng.choice(ROOMS)}, {site}",
            site,
            category,
            brand,
            rng.choice(COLOURS) if rng.random() < 0.7 else None,
        ])  # fmt: skip
    return rows


def changed_half(rows: list[list], tags: list[str]) -> list[list]:
    """The same rows with the created items' tags and every second row changed: quantity,
    condition, price or storeroom, in turn."""
    changed = []
    for n, (row, tag) in enumerate(zip(rows, tags, strict=True)):
        row = [tag, *row[1:]]
        if n % 2 == 0:
            kind = (n // 2) % 4
            if kind == 0:
                row[2] = "45 st"
            elif kind == 1:
                row[5] = "Trasig" if row[5] != "Trasig" else "Bra"
            elif kind == 2:
                row[3] = swedish_money(99_950)
            else:
                row[7] = f"{ROOMS[(ROOMS.index(row[7].split(',')[0]) + 1) % 3]}, {row[8]}"
        changed.append(row)
    return changed


# --- writing the files -----------------------------------------------------------------------


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


WORKBOOK_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Inventarier" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" '
        'xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle '
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def write_xlsx(path: Path, rows: list[list]) -> None:
    """Write rows as Excel does: every text in xl/sharedStrings.xml, dates as day numbers
    with a date style, empty cells left out."""
    strings: dict[str, int] = {}
    uses = 0
    sheet = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:'
        f'{column_letter(len(HEADERS) - 1)}{len(rows) + 1}"/><sheetData>'
    ]
    for number, row in enumerate([HEADERS, *rows], start=1):
        cells = []
        for index, value in enumerate(row):
            ref = f"{column_letter(index)}{number}"
            if value is None:
                continue
            if isinstance(value, str):
                uses += 1
                cells.append(f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}'
                             "</v></c>")  # fmt: skip
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        sheet.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet.append("</sheetData></worksheet>")
    shared = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main" count="{uses}" '
        f'uniqueCount="{len(strings)}">',
        *(f"<si><t>{escape(text)}</t></si>" for text in strings),
        "</sst>",
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in WORKBOOK_FILES.items():
            archive.writestr(name, content)
        archive.writestr("xl/sharedStrings.xml", "".join(shared))
        archive.writestr("xl/worksheets/sheet1.xml", "".join(sheet))


def write_csv(path: Path, rows: list[list]) -> None:
    """Write rows as Excel's "CSV UTF-8" does in Sweden: BOM, semicolons, CRLF."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(["" if cell is None else cell for cell in row])


# --- measurements (each in a child process) ----------------------------------------------------


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, because ru_maxrss carries over the parent's
    peak across fork and exec; ru_maxrss where there is no /proc."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_bare(file: Path) -> list[list]:
    """The data rows by the fastest reader: csv.reader, or python-calamine for xlsx."""
    if file.suffix == ".csv":
        with file.open(encoding="utf-8-sig", newline="") as text:
            return list(csv.reader(text, delimiter=";"))[1:]
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(file.read_bytes()))
    return list(book.get_sheet_by_index(0).iter_rows())[1:]


def measure_bare(file: Path, database: Path) -> dict:
    """The fastest reader alone plus raw executemany into a plain table: the limit. Python's
    cycle collector is paused, as the import and the floor pause it."""
    gc.disable()
    started, cpu = time.perf_counter(), time.process_time()
    rows = read_bare(file)
    read = time.perf_counter() - started
    connection = sqlite3.connect(database)
    columns = ", ".join(f"c{n}" for n in range(len(HEADERS)))
    connection.execute(f"CREATE TABLE plain (id INTEGER PRIMARY KEY, {columns})")
    connection.executemany(
        f"INSERT INTO plain ({columns}) VALUES ({', '.join('?' * len(HEADERS))})",
        (row[: len(HEADERS)] for row in rows),
    )
    connection.commit()
    connection.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "read": read,
            "write": seconds - read, "rows": len(rows), "peak_mb": peak_mb()}  # fmt: skip


def measure_import(file: Path, database: Path) -> dict:
    """What `flask import FILE --create-missing` does, timed by stage."""
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.timeutil import utcnow
    from imports import services
    from imports.commit import commit_plan
    from imports.plan import plan_import

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "TESTING": True})
    with app.app_context():
        user = db.session.scalar(select(User).order_by(User.id).limit(1))
        stages: dict[str, float] = {}
        started, cpu = time.perf_counter(), time.process_time()
        batch, table = services.start_batch(
            db.session, file.read_bytes(), file.name, user=user, sheet=None, now=utcnow(),
            max_rows=app.config["IMPORT_MAX_ROWS"],
        )  # fmt: skip
        batch.create_missing = True
        stages["read"] = time.perf_counter() - started
        plan = plan_import(db.session, table, batch.mapping, user=user, create_missing=True)
        stages["check"] = time.perf_counter() - started - stages["read"]
        commit_plan(db.session, batch, plan, user=user, now=utcnow(),
                    tag_prefix="INV-", tag_digits=6)  # fmt: skip
        stages["write"] = time.perf_counter() - started - stages["read"] - stages["check"]
        db.session.commit()
        seconds = time.perf_counter() - started
        stages["commit"] = seconds - stages["read"] - stages["check"] - stages["write"]
        return {"seconds": seconds, "cpu": time.process_time() - cpu, **stages,
                "rows": len(table.rows), "counts": plan.counts, "errors": plan.errors[:5],
                "peak_mb": peak_mb()}  # fmt: skip


def measure_undo(file: Path, database: Path) -> dict:
    """Undoing the import of `file` in `database` (what the batch page's Undo does)."""
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.timeutil import utcnow
    from imports import services
    from imports.models import BatchStatus, ImportBatch

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "TESTING": True})
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).order_by(User.id).limit(1))
        batch = db.session.scalar(select(ImportBatch).where(
            ImportBatch.filename == file.name, ImportBatch.status == BatchStatus.COMMITTED))  # fmt: skip
        started, cpu = time.perf_counter(), time.process_time()
        report = services.undo(db.session, batch, user=user, now=utcnow())
        db.session.commit()
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "cpu": time.process_time() - cpu,
                "rows": len(report["removed"]), "peak_mb": peak_mb(),
                "counts": {name: len(tags) for name, tags in report.items()}, "errors": []}  # fmt: skip


PLACES = ("departments", "sites", "storerooms", "categories", "import_batches")
WRITTEN = ("items", "item_events", "import_batch_items")


def measure_floor(file: Path, database: Path, source: Path) -> dict:
    """The least an import of this file can cost: the bare limit's reading, then SQLite alone
    writing the rows the import wrote (taken from its database `source` beforehand, as ready
    tuples, so without any Python work per row) the way the import writes them: indexes set
    aside and built again, multi-row INSERTs, a history event and a batch row per item, the
    search index kept by its trigger, the commit. `database` is an empty database."""
    with sqlite3.connect(database) as target:
        target.execute("ATTACH ? AS source", (str(source),))
        for table in PLACES:
            target.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM source.{table}")
        target.commit()
        target.execute("DETACH source")
    with sqlite3.connect(source) as given:
        written = {table: ([column[1] for column in given.execute(f"PRAGMA table_info({table})")],
                           given.execute(f"SELECT * FROM {table} ORDER BY id").fetchall())
                   for table in WRITTEN}  # fmt: skip
    connection = sqlite3.connect(database, isolation_level=None)
    for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL",
                   "cache_size = -32768"):  # fmt: skip
        connection.execute(f"PRAGMA {pragma}")
    os.sync()
    gc.disable()  # as the import pauses it
    started, cpu = time.perf_counter(), time.process_time()
    rows = read_bare(file)
    read = time.perf_counter() - started
    connection.execute("BEGIN")
    for table, (columns, values) in written.items():
        one = f"({', '.join('?' * len(columns))})"
        quoted = ", ".join(f'"{column}"' for column in columns)
        head = f"INSERT INTO {table} ({quoted}) VALUES "
        for start in range(0, len(values), 1000):
            chunk = values[start : start + 1000]
            connection.execute(head + ", ".join([one] * len(chunk)),
                               tuple(chain.from_iterable(chunk)))  # fmt: skip
    written_at = time.perf_counter()
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "read": read,
            "write": written_at - started - read, "commit": seconds - (written_at - started),
            "rows": len(rows), "peak_mb": peak_mb()}  # fmt: skip


def in_child(kind: str, file: Path, database: Path, *more: Path) -> dict:
    """Run one measurement in a fresh process and return what it printed. The disk is synced
    first, so that no measurement pays for writing back the one before."""
    os.sync()
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(file), str(database), *map(str, more)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{kind} {file.name} into {database.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- setup and report --------------------------------------------------------------------------


def empty_database(path: Path) -> None:
    """A migrated SQLite database with one department and its admin (not timed)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.roles import Role
    from app.auth.services import create_user
    from app.extensions import db
    from inventory.place_records import save_department

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True})
    with app.app_context():
        upgrade()
        facilities = save_department(db.session, "Facilities")
        create_user(db.session, "admin@bench.example", role=Role.ADMIN, department=facilities,
                    name="Bench Admin", password="bench password 123")  # fmt: skip
        db.session.commit()
        db.engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def created_tags(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [tag for (tag,) in connection.execute("SELECT tag FROM items ORDER BY id")]


def describe_machine() -> str:
    cpu = platform.processor() or "unknown processor"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line for line in cpuinfo if line.startswith("model name")).split(":")[1]
    except (OSError, StopIteration):
        pass
    return (f"Machine: {os.cpu_count()} CPUs ({cpu.strip()}), Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")  # fmt: skip


def report(name: str, result: dict, bare: dict | None) -> None:
    ratio = f"{result['seconds'] / bare['seconds']:>8.2f}" if bare else f"{'-':>8}"
    print(f"{name:<22}{result['seconds']:>8.2f}{result['cpu']:>7.2f}"
          f"{result['rows'] / result['seconds']:>10,.0f}"
          f"{result['peak_mb']:>9.0f}{ratio}   "
          + ", ".join(f"{k} {result[k]:.2f}" for k in ("read", "check", "write", "commit")
                      if k in result))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260115)
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (median shown)")
    parser.add_argument("--keep", action="store_true", help="keep the files and databases")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *paths = args.child
        measure = {
            "bare": measure_bare,
            "import": measure_import,
            "floor": measure_floor,
            "undo": measure_undo,
        }[kind]
        print(json.dumps(measure(*map(Path, paths)), default=str))
        return
    work = Path(tempfile.mkdtemp(prefix="reshelf-bench-import-"))
    try:
        run(args, work)
    finally:
        if args.keep:
            print(f"\nKept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    print(describe_machine() + f", load {os.getloadavg()[0]:.2f}")
    rows = stock_rows(args.rows, args.seed)
    write_xlsx(work / "new.xlsx", rows)
    write_csv(work / "new.csv", rows)
    empty_database(work / "empty.db")
    sizes = ", ".join(f"{f} {(work / f).stat().st_size / 1e6:.1f} MB" for f in ("new.xlsx",
                                                                               "new.csv"))  # fmt: skip
    print(f"Rows: {args.rows:,} x {len(HEADERS)} columns ({sizes}); median of {args.runs} runs\n")
    results: dict[str, list[dict]] = {}
    for n in range(args.runs):
        for name, file in (("bare limit, xlsx", "new.xlsx"), ("bare limit, csv", "new.csv")):
            results.setdefault(name, []).append(in_child("bare", work / file, work / f"b{n}.db"))
            (work / f"b{n}.db").unlink()
        shutil.copy(work / "empty.db", work / f"x{n}.db")
        results.setdefault("xlsx, new", []).append(
            in_child("import", work / "new.xlsx", work / f"x{n}.db")
        )
        shutil.copy(work / "empty.db", work / f"f{n}.db")
        results.setdefault("floor, xlsx new", []).append(
            in_child("floor", work / "new.xlsx", work / f"f{n}.db", work / f"x{n}.db")
        )
        (work / f"f{n}.db").unlink()
        shutil.copy(work / f"x{n}.db", work / f"u{n}.db")
        results.setdefault("undo, xlsx new", []).append(
            in_child("undo", work / "new.xlsx", work / f"u{n}.db")
        )
        (work / f"u{n}.db").unlink()
        if n == 0:  # the same tags every run: each starts from the same empty database
            write_xlsx(work / "update.xlsx", changed_half(rows, created_tags(work / "x0.db")))
        results.setdefault("xlsx, update half", []).append(
            in_child("import", work / "update.xlsx", work / f"x{n}.db")
        )
        shutil.copy(work / "empty.db", work / f"c{n}.db")
        results.setdefault("csv, new", []).append(
            in_child("import", work / "new.csv", work / f"c{n}.db")
        )
    middle = {name: median(runs) for name, runs in results.items()}
    print(f"{'case':<22}{'seconds':>8}{'cpu s':>7}{'rows/s':>10}{'peak MB':>9}{'x bare':>8}"
          "   stages (s)")  # fmt: skip
    for name, result in middle.items():
        bare = middle["bare limit, csv" if "csv" in name else "bare limit, xlsx"]
        report(name, result, None if name.startswith("undo") else bare)
    print()
    for name in ("xlsx, new", "xlsx, update half", "csv, new", "undo, xlsx new"):
        result = middle[name]
        print(f"{name}: {result['counts']}" + (f" errors: {result['errors']}"
                                                if result["errors"] else ""))  # fmt: skip
    print(f"Load at the end: {os.getloadavg()[0]:.2f}")


def median(runs: list[dict]) -> dict:
    """The run with the median time, with the highest peak memory of all runs."""
    chosen = sorted(runs, key=lambda result: result["seconds"])[len(runs) // 2]
    return {**chosen, "peak_mb": max(result["peak_mb"] for result in runs)}


if __name__ == "__main__":
    main()
