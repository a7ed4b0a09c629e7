"""Daily feeds: on which day of a year each company of the filing population deposits its
accounts (or has them improved by the bank).

A year's feed numbers positions day after day from January 1st, and each company of the
population has its position: the companies of a day are found without looking at any other day,
and a company's day without looking at any other company.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sandbox.apis.nbb_cbso.shape import FeedShape
from sandbox.worlds.ids import Permutation


@dataclass(frozen=True)
class Feed:
    """Positions 0..total-1 of one year's feed, laid out day after day from January 1st."""

    first_day: date
    cumulative: tuple[int, ...]  # positions published up to and including each day
    permutation: Permutation | None  # member -> position; None: a member's position is its number

    def day_of(self, member: int) -> date | None:
        position = self.permutation.forward(member) if self.permutation else member
        if position >= self.cumulative[-1]:
            return None
        return self.first_day + timedelta(days=bisect.bisect_right(self.cumulative, position))

    def members_on(self, day: date) -> list[int]:
        index = (day - self.first_day).days
        positions = range(self.cumulative[index - 1] if index else 0, self.cumulative[index])
        return [self.permutation.inverse(p) for p in positions] if self.permutation else list(positions)


def lay_out(rng: random.Random, shape: FeedShape, year: int, members: int) -> Feed:
    """A year's feed over `members` companies. Weekdays publish about `weekday_mean` items, weighted
    by month, drawn afresh each year. A shape without `weekday_mean` shares all `members` positions
    among the year's weekdays in those proportions, in the same order every year: each member has
    its day, in the same season year after year, as companies keep their habits."""
    permutation = None if shape.weekday_mean is None else Permutation.keyed(rng, members)
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(366 if calendar.isleap(year) else 365)]
    weights = shape.month_weights
    weekday_weights = [weights[day.month - 1] for day in days if day.weekday() < 5]
    norm = sum(weekday_weights) / len(weekday_weights)
    shares = []
    for day in days:
        variation = rng.uniform(1 - shape.spread, 1 + shape.spread)
        open_day = day.weekday() < 5 and (shape.start is None or day >= shape.start)
        shares.append(weights[day.month - 1] / norm * variation if open_day else 0.0)
    if shape.weekday_mean is None:
        whole = sum(shares)
        cumulative = [round(members * part / whole) for part in itertools.accumulate(shares)]
    else:
        counts = itertools.accumulate(round(shape.weekday_mean * share) for share in shares)
        cumulative = [min(count, members) for count in counts]
    return Feed(date(year, 1, 1), tuple(cumulative), permutation)
