"""Daily feeds: on which day of a year each company of the filing population deposits its
accounts (or has them improved by the bank).

A year's feed numbers positions day after day from January 1st, and a keyed permutation of the
filing population gives each company its position: the companies of a day are found without
looking at any other day, and a company's day without looking at any other company.
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
    permutation: Permutation

    def day_of(self, position: int) -> date | None:
        if position >= self.cumulative[-1]:
            return None
        return self.first_day + timedelta(days=bisect.bisect_right(self.cumulative, position))

    def positions(self, day: date) -> range:
        index = (day - self.first_day).days
        return range(self.cumulative[index - 1] if index else 0, self.cumulative[index])


def lay_out(rng: random.Random, shape: FeedShape, year: int, members: int) -> Feed:
    """A year's feed over `members` companies. Weekdays publish about `weekday_mean` items, weighted
    by month; a shape without `weekday_mean` shares all `members` positions among the year's
    weekdays in those proportions, so that every member has its day."""
    permutation = Permutation.keyed(rng, members)
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
