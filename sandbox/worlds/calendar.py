"""Days as the emulated services count them: the local day in Brussels, school years, month ends
and business days.

Every function takes its instant or day as an argument (from the sandbox clock); none reads the
real time.
"""

from __future__ import annotations

import calendar
import functools
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_day(now: datetime, zone: ZoneInfo = BRUSSELS) -> date:
    """The calendar day an instant falls on in a time zone (Brussels unless another is named)."""
    return now.astimezone(zone).date()


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monday_after_weekend(day: date) -> date:
    """A Saturday or Sunday moves on to the next Monday; a weekday stays."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def day_in_year(rng: random.Random, year: int) -> date:
    """A day drawn among the first 365 of a year (a birthday, say)."""
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


# -- school years (Flanders: 1 September to 31 August) ------------------------------------------------
def school_year_of(day: date) -> int:
    """The year in which the school year holding `day` started."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(start: int) -> str:
    """`2025` -> `2025-26`."""
    return f"{start}-{(start + 1) % 100:02d}"


def school_year_bounds(start: int) -> tuple[date, date]:
    return date(start, 9, 1), date(start + 1, 8, 31)


# -- business days ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=256)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """The national public holidays of a country (`BE`, `NL`) in a year."""
    import holidays  # imported on first use: only business-day rules need it

    return frozenset(holidays.country_holidays(country, years=year))


def is_business_day(day: date, country: str = "BE") -> bool:
    """A weekday that is not a national public holiday (banks and public services are closed)."""
    return day.weekday() < 5 and day not in public_holidays(country, day.year)


def add_business_days(day: date, count: int, country: str = "BE") -> date:
    """The business day `count` business days after `day` (before it when negative); with 0, the
    day itself if a business day, else the next one."""
    step = timedelta(days=-1 if count < 0 else 1)
    remaining = abs(count)
    while remaining or not is_business_day(day, country):
        day += step
        if is_business_day(day, country):
            remaining = max(0, remaining - 1)
    return day
