"""Reading the load generator's records: which answers were errors and which fell in the
outage, and the table of throughput and latency per kind of request."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# What a person did, in the order of the table; forms opened before a save are their own rows.
KINDS = {
    "scan": "scan look-up (POST /scan)",
    "search": "search (/items?q=)",
    "item": "item page",
    "edit form": "edit: open the form",
    "edit": "edit: save",
    "listing": "transfer: open the listing",
    "transfer": "transfer: send the request",
}
GRACE = 1.0  # seconds after the restart returned that a 503 still counts as the outage


@dataclass
class Outage:
    began: float
    ended: float

    def overlaps(self, started: float, seconds: float) -> bool:
        return started <= self.ended + GRACE and started + seconds >= self.began


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    requests: int = 0
    outage: int = 0
    errors: list[str] = field(default_factory=list)


def tally(clients: list[dict], outage: Outage | None) -> Tally:
    """Sort every request into a time, a 503 of the outage, or an error."""
    result = Tally()
    for client in clients:
        for kind, started, seconds, status, problem in client["records"]:
            result.requests += 1
            if not problem:
                result.times[kind].append(seconds)
            elif status == 503 and outage and outage.overlaps(started, seconds):
                result.outage += 1
            else:
                result.errors.append(f"{kind}: {problem}")
    return result


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank, as bench_inventory.py's p95."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def print_table(result: Tally, seconds: float) -> None:
    header = f"{'request':<30} {'count':>7} {'per s':>7} {'p50':>9} {'p95':>9} {'p99':>9}"
    print(header)
    print("-" * len(header))
    for kind, label in KINDS.items():
        ordered = sorted(result.times[kind])
        if not ordered:
            print(f"{label:<30} {0:>7}")
            continue
        cells = [f"{1000 * percentile(ordered, q):>7.1f}ms" for q in (0.5, 0.95, 0.99)]
        print(f"{label:<30} {len(ordered):>7,} {len(ordered) / seconds:>7.1f} {' '.join(cells)}")


def print_summary(result: Tally, seconds: float, skipped: int, problems: list[str]) -> int:
    """Print the errors and the closing line; returns the number of errors."""
    errors = result.errors + problems
    for error in errors[:20]:
        print(f"  error: {error}")
    if len(errors) > 20:
        print(f"  ... and {len(errors) - 20} more")
    if skipped:
        print(f"{skipped} transfer requests not made (the client's listings ran out): item pages")
    print(
        f"{result.requests:,} requests in {seconds:.0f} s, {result.requests / seconds:.1f}"
        f" requests/s; outage 503s {result.outage}; errors {len(errors)}"
    )
    return len(errors)
