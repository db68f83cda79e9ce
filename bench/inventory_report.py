"""What the inventory benchmark prints about the machine before it starts, and its table of
results at the end."""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3

from sqlalchemy import Engine, text

from bench.inventory_cases import Result


def machine_description(engine: Engine) -> list[str]:
    """The machine, Python, SQLite, the load average (with a warning when busy), the database."""
    lines = [
        f"Machine:  {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs"
        f" ({platform.processor() or 'unknown processor'})",
        f"Python:   {platform.python_version()} ({platform.python_implementation()})",
        f"SQLite:   {sqlite3.sqlite_version}",
    ]
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line for line in cpuinfo if line.startswith("model name"))
        lines[0] += f"\n          {model.split(':', 1)[1].strip()}"
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0]
    lines.append(f"Load:     {load:.2f} (1-minute load average at start)")
    if load > 0.5 * (os.cpu_count() or 1):
        lines.append("WARNING:  the machine is busy; timings will be noisy and high.")
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
        lines.append(f"Database: PostgreSQL {version}")
    else:
        lines.append("Database: SQLite (file in a temporary directory, WAL)")
    return lines


def print_table(results: list[Result], args: argparse.Namespace, url: str) -> None:
    """One line per case: rows, median, p95, the ratio to the baseline, the target's verdict."""
    base = results[0].median
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\nResults on {engine}, {args.items:,} items, {args.runs} runs per case")
    header = f"{'case':<40} {'rows':>13} {'median':>8} {'p95':>8} {'x base':>7} {'target':>8}  "
    print(header)
    print("-" * (len(header) + 4))
    for result in results:
        case = result.case
        target = f"<{case.target_ms:g} ms" if case.target_ms else "-"
        verdict = "" if not case.target_ms else ("OK" if result.p95 < case.target_ms else "OVER")
        print(
            f"{case.name:<40} {case.matches:>13} {result.median:>6.2f}ms {result.p95:>6.2f}ms"
            f" {result.median / base:>6.1f}x {target:>8}  {verdict}"
        )
    print(
        "\nrows: items the list pages through (not disposed), min-max over the filter values"
        " the runs rotate through.\nx base: median / baseline median (a login_required route"
        " that runs SELECT 1). Verdict is on p95."
    )
