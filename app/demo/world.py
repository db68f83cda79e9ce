"""What every step of the demo builds on: the session, the clock, the seeded chance, the places
and the people made first."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.demo.people import People
from app.demo.places import Places
from inventory.item_photos import PhotoQuota
from inventory.models import Item


@dataclass(frozen=True)
class DemoSettings:
    """The installation's settings the demo writes with, as the app's config holds them."""

    tag_prefix: str
    tag_digits: int
    photo_max_pixels: int
    photo_full_size: int
    photo_thumb_size: int
    photo_quota: PhotoQuota


@dataclass
class World:
    session: Session
    rng: random.Random
    now: datetime
    settings: DemoSettings
    places: Places
    people: People
    items: list[Item] = field(default_factory=list)

    def days_ago(self, days: float, hour: int = 10) -> datetime:
        """A working hour `days` before now (never after it)."""
        moment = (self.now - timedelta(days=days)).replace(hour=hour, minute=0, second=0)
        moment += timedelta(minutes=self.rng.randint(0, 50))
        return min(moment, self.now - timedelta(minutes=1))

    @property
    def tags(self) -> dict[str, int]:
        return {"tag_prefix": self.settings.tag_prefix, "tag_digits": self.settings.tag_digits}
