"""Days as the services count them: Brussels days, school years, business days with holidays."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from sandbox.worlds.calendar import (
    AMSTERDAM,
    BRUSSELS,
    add_business_days,
    day_in_year,
    is_business_day,
    local_day,
    monday_after_weekend,
    month_end,
    public_holidays,
    school_year_bounds,
    school_year_label,
    school_year_of,
)


def test_the_local_day_is_the_brussels_day_of_the_instant():
    late_evening_utc = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 on 1 July in Brussels
    assert local_day(late_evening_utc) == date(2026, 7, 1)
    assert local_day(datetime(2026, 1, 1, 22, 59, tzinfo=UTC)) == date(2026, 1, 1)  # winter: UTC+1
    assert local_day(late_evening_utc, AMSTERDAM) == date(2026, 7, 1)
    assert BRUSSELS.key == "Europe/Brussels"


def test_month_ends_know_leap_years():
    assert [month_end(2024, 2), month_end(2025, 2), month_end(2025, 12)] == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2025, 12, 31),
    ]


def test_weekend_days_move_to_monday():
    assert monday_after_weekend(date(2026, 11, 14)) == date(2026, 11, 16)  # Saturday
    assert monday_after_weekend(date(2026, 11, 15)) == date(2026, 11, 16)  # Sunday
    assert monday_after_weekend(date(2026, 11, 17)) == date(2026, 11, 17)


@pytest.mark.parametrize(
    ("day", "year"), [(date(2026, 8, 31), 2025), (date(2026, 9, 1), 2026), (date(2027, 1, 5), 2026)]
)
def test_a_school_year_starts_on_1_september(day, year):
    assert school_year_of(day) == year
    first, last = school_year_bounds(year)
    assert first <= day <= last and (first, last) == (date(year, 9, 1), date(year + 1, 8, 31))


def test_school_year_labels_have_two_digits_after_the_dash():
    assert [school_year_label(2025), school_year_label(2099), school_year_label(2008)] == [
        "2025-26",
        "2099-00",
        "2008-09",
    ]


def test_belgian_public_holidays_include_the_moving_ones():
    days = public_holidays("BE", 2026)
    assert {date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)} <= days
    assert {date(2026, 7, 21), date(2026, 8, 15), date(2026, 11, 1), date(2026, 11, 11)} <= days
    assert date(2026, 4, 27) in public_holidays("NL", 2026)  # King's Day, not Belgian
    assert date(2026, 4, 27) not in days


def test_business_days_skip_weekends_and_holidays():
    assert not is_business_day(date(2026, 7, 21))  # National Day, a Tuesday
    assert not is_business_day(date(2026, 11, 14))  # Saturday
    assert is_business_day(date(2026, 11, 17))
    assert is_business_day(date(2026, 4, 27)) and not is_business_day(date(2026, 4, 27), "NL")


def test_adding_business_days():
    assert add_business_days(date(2026, 7, 20), 1) == date(2026, 7, 22)  # over National Day
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # Christmas, a weekend
    assert add_business_days(date(2026, 7, 22), -1) == date(2026, 7, 20)
    assert add_business_days(date(2026, 11, 14), 0) == date(2026, 11, 16)
    assert add_business_days(date(2026, 11, 17), 0) == date(2026, 11, 17)
    day, count = date(2026, 1, 1), 0
    while day < date(2027, 1, 1):
        count += is_business_day(day)
        day += timedelta(days=1)
    assert add_business_days(date(2025, 12, 31), count) == date(2026, 12, 31)


def test_a_day_in_a_year_is_drawn_among_its_first_365_days():
    rng = random.Random(2)
    days = {day_in_year(rng, 2024) for _ in range(5000)}
    assert min(days) == date(2024, 1, 1) and max(days) == date(2024, 12, 30)  # a leap year
