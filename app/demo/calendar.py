"""The demo's last two months, run day by day: what people did each day, in the order they did
it, and the ladder's daily tick after it, so listings climb as the settings say they do and
every item's history reads in the order it happened."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import count

from sqlalchemy.orm import Session

from reuse.listings import services as listing_services

Action = Callable[[datetime], None]


class Calendar:
    """Actions at moments, run in time order with the ladder ticking at the end of each day.
    An action may put later ones on the calendar (an approval after a request)."""

    def __init__(self) -> None:
        self._entries: list[tuple[datetime, int, Action]] = []
        self._order = count()

    def on(self, when: datetime, action: Action) -> None:
        heapq.heappush(self._entries, (when, next(self._order), action))

    def run(self, session: Session, *, start: datetime, now: datetime) -> None:
        """Run everything up to `now`, ticking the ladder at each midnight from `start`."""
        tick_at = start.replace(hour=23, minute=59, second=0, microsecond=0)
        while self._entries or tick_at < now:
            if self._entries and self._entries[0][0] <= min(tick_at, now):
                when, _order, action = heapq.heappop(self._entries)
                action(when)
            elif tick_at < now:
                listing_services.tick(session, now=tick_at)
                tick_at += timedelta(days=1)
            else:
                raise ValueError("an action was put on the calendar after now")
