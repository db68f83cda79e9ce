"""Read every spreadsheet in some folders as an upload would be, and say what became of each.

For each file (by its extension: .xlsx, .xlsm, .xlsb, .xls, .ods, .csv; in the folders and
below them): read with its sheet and number of data rows, refused with the reason the user is
given, or CRASH (any other exception: a bug). Then a count per outcome and format. Meant for
corpora of real-world quirks such as the test files of calamine and python-calamine:

    python bench/read_corpus.py tests/artifacts/python-calamine-0.9.1 /tmp/calamine/tests
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
# A refusal's reason, by a phrase of its message (in English, as no locale is set).
REASONS = {
    "old .xls": "old .xls",
    "password": "password",
    "damaged": "damaged",
    "not a valid spreadsheet": "invalid XML",
    "not a spreadsheet": "not a spreadsheet",
    "is empty": "empty",
    "no sheet with data": "empty",
    "header row": "no header",
    "no data rows": "no data rows",
    "expands beyond": "too large",
    "too large to read": "too large",
    "Too many rows": "too many rows",
    "appears twice": "column twice",
    "Unexpected columns": "too many columns",
}


def reason_of(message: str) -> str:
    """A short name for a refusal, to count them by."""
    return next((short for phrase, short in REASONS.items() if phrase in message), "other")


def outcome(path: Path, *, max_rows: int) -> tuple[str, str]:
    """("read", detail), ("refused: <reason>", message) or ("CRASH", the exception)."""
    from imports.reading import ImportRejected, read_table

    try:
        table = read_table(path.read_bytes(), path.name, max_rows=max_rows)
    except ImportRejected as refusal:
        return f"refused: {reason_of(str(refusal))}", str(refusal)
    except Exception as error:  # noqa: BLE001 (the point is to report anything else)
        return "CRASH", "".join(traceback.format_exception_only(error)).strip()
    except BaseException as error:  # a Rust panic (pyo3's PanicException) is no Exception
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        return "CRASH", "".join(traceback.format_exception_only(error)).strip()
    merged = f", {len(table.merged)} merged ranges" if table.merged else ""
    return "read", f"sheet {table.sheet!r}, {len(table.rows)} rows{merged}"


def files_in(folders: list[Path]) -> list[Path]:
    found = {p for f in folders for p in f.rglob("*") if p.suffix.lower() in SUFFIXES}
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--max-rows", type=int, default=200_000)
    args = parser.parse_args()
    counts: Counter[tuple[str, str]] = Counter()
    for path in files_in(args.folders):
        started = time.perf_counter()
        kind, detail = outcome(path, max_rows=args.max_rows)
        seconds = time.perf_counter() - started
        name = f"{path.parent.name}/{path.name}"
        print(f"{kind:<24} {name:<48} {seconds:6.2f}s  {detail}")
        counts[kind, path.suffix.lower()] += 1
    print(f"\n{sum(counts.values())} files")
    for kind in sorted({kind for kind, _ in counts}):
        by_format = {fmt: n for (k, fmt), n in sorted(counts.items()) if k == kind}
        shown = ", ".join(f"{fmt} {n}" for fmt, n in by_format.items())
        print(f"{kind:<24} {sum(by_format.values()):4d}  ({shown})")


if __name__ == "__main__":
    main()
