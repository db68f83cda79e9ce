"""What the load generator's process is told: the server's port, the run's length and pace,
and each client's user and share of the things to edit and ask for. Plain data, so the
generator imports nothing of the app."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The kinds of action, and how often a client picks each (scan look-ups are half of all).
MIX = {"scan": 50, "search": 25, "item": 15, "edit": 5, "transfer": 5}
# Notes of edits and messages of transfer requests start with this, to find them afterwards.
MARK = "load-bench"


@dataclass
class ClientPlan:
    email: str
    department_id: int
    edit_items: list[int] = field(default_factory=list)
    listings: list[int] = field(default_factory=list)


@dataclass
class Plan:
    port: int
    seconds: float
    think: float
    items: int
    tag_prefix: str
    tag_digits: int
    seed: int
    password: str
    words: list[str]
    clients: list[ClientPlan]

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def read(cls, path: Path) -> Plan:
        raw = json.loads(path.read_text())
        raw["clients"] = [ClientPlan(**client) for client in raw["clients"]]
        return cls(**raw)

    def tag(self, item_id: int) -> str:
        """The seeded items' tags follow their ids (bench_inventory.seed_items)."""
        return f"{self.tag_prefix}{item_id:0{self.tag_digits}d}"
