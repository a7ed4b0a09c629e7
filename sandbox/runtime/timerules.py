"""Time rules the emulated services share: publication delays and archive windows.

Every function takes the instant from the sandbox clock; none reads the real time. Local days are
`sandbox.worlds.calendar.local_day`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def published_at(day: date, zone: ZoneInfo, *, days_after: int = 1, hour: int = 0) -> datetime:
    """The instant a dataset of `day` becomes available: `days_after` days later at `hour` local time."""
    return datetime.combine(day + timedelta(days=days_after), time(hour), tzinfo=zone)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def archive_window(today: date, years: int) -> tuple[date, date]:
    """First and last day an archive of the last `years` years covers: up to yesterday."""
    return years_before(today, years), today - timedelta(days=1)
