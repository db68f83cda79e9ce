"""A sliding-window request counter per client, kept in the memory of one process.

It slows a scraper down on the public pages without a database write per page view. Each
web process counts on its own, so with N gunicorn workers a client gets up to N times the
limit; that is enough against a script hammering the pages, and the interest form has its
own limit counted in the database, which holds across processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque


class SlidingWindow:
    """At most `limit` hits per `seconds` for each key; the oldest keys are forgotten first
    once `max_keys` are tracked, so memory stays bounded whatever the traffic."""

    def __init__(self, *, max_keys: int = 10_000) -> None:
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, *, now: float, limit: int, seconds: float) -> bool:
        """Count a hit for `key` at `now`; False when it is over the limit (not counted)."""
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - seconds:
                hits.popleft()
            self._hits[key] = hits  # most recent at the end
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            if len(hits) >= limit:
                return False
            hits.append(now)
            return True

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()
