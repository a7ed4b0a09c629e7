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
    """The national public holidays of a country (`BE`, `NL`) in a year; calendars joined by `+`
    add up, and a financial market's code adds its closing days (`BE+XECB`: Belgian banks, which
    also close on TARGET holidays)."""
    import holidays  # imported on first use: only business-day rules need it

    days: set[date] = set()
    for code in country.split("+"):
        if code in holidays.list_supported_financial():
            days |= set(holidays.financial_holidays(code, years=year))
        else:
            days |= set(holidays.country_holidays(code, years=year))
    return frozenset(days)


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


def business_days(start: date, end: date, country: str = "BE") -> list[date]:
    """Every business day from `start` to `end`, both included."""
    days = (start + timedelta(n) for n in range((end - start).days + 1))
    return [day for day in days if is_business_day(day, country)]


def business_day_of_year(day: date, country: str = "BE") -> int:
    """1 for the first business day of the year, 2 for the next, and so on."""
    return len(business_days(date(day.year, 1, 1), day, country))


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month that overlaps [first, last]."""
    months, month = [], date(first.year, first.month, 1)
    while month <= last:
        months.append(month)
        month = first_of_next_month(month)
    return months
