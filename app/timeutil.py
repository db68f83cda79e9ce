"""The one clock the app reads. Services take `now` as an argument; views pass utcnow()."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Attach UTC to a naive datetime read back from SQLite."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def end_of_day(day: date, timezone: str) -> datetime:
    """The moment `day` ends where the users are (midnight after it), in UTC: "until 1
    December" on a form means through that day, not up to its first minute."""
    local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)
