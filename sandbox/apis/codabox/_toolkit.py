"""Seeded randomness, stable ids, Belgian identifiers, names and the bank calendar of the CodaBox world.

Kept in one module so that the shared toolkit (`sandbox/worlds/`) can replace it in one move.
"""

from __future__ import annotations

import functools
import hashlib
import random
import unicodedata
import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from faker import Faker

BRUSSELS = ZoneInfo("Europe/Brussels")


def _digest(parts: tuple[object, ...]) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def rng_for(*parts: object) -> random.Random:
    """A generator that gives the same draws for the same key in every process."""
    return random.Random(int.from_bytes(_digest(parts)[:16], "big"))


def stable_uuid(*parts: object) -> str:
    return str(uuid.UUID(bytes=_digest(parts)[:16], version=4))


# -- Belgian identifiers --------------------------------------------------------------------------
def enterprise_number(rng: random.Random) -> str:
    """A KBO/BCE number (10 digits) whose mod-97 check digits hold."""
    from stdnum.be import vat

    body = rng.randrange(2_000_000, 19_999_999)
    number = f"{body:08d}{97 - body % 97:02d}"
    return vat.validate(number)


def belgian_iban(bank_code: str, rng: random.Random) -> str:
    """A Belgian IBAN at the bank with this 3-digit protocol code (BBAN and IBAN check digits valid)."""
    from stdnum import iban
    from stdnum.be import iban as be_iban

    body = f"{bank_code}{rng.randrange(10_000_000):07d}"
    bban = f"{body}{int(body) % 97 or 97:02d}"
    return be_iban.validate(f"BE{iban.calc_check_digits('BE00' + bban)}{bban}")


def structured_communication(rng: random.Random) -> str:
    """The 12 digits of a Belgian structured communication (+++ddd/dddd/ddddd+++)."""
    from stdnum.be import ogm_vcs

    body = f"{rng.randrange(10**10):010d}"
    return ogm_vcs.validate(f"{body}{ogm_vcs.calc_check_digits(body)}")


def vat_number(enterprise: str) -> str:
    return f"BE{enterprise}"


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, halves away from zero as invoices and payslips round."""
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


# -- text ------------------------------------------------------------------------------------------
def ascii_text(text: str) -> str:
    """Accents dropped (Hélène -> Helene), for files that clients read as ASCII."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@functools.cache
def _faker(locale: str) -> Faker:
    from faker import Faker  # imported on first use: Faker's import is slow

    return Faker(locale)


def faker_for(locale: str, rng: random.Random) -> Faker:
    """Faker of a Belgian locale, seeded from `rng` so the names follow the world's seed."""
    fake = _faker(locale)
    fake.seed_instance(rng.getrandbits(64))
    return fake


# -- bank calendar ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def _closed_days(year: int) -> frozenset[date]:
    import holidays  # imported on first use: it loads every country's calendar module lazily

    belgian = holidays.country_holidays("BE", years=year)
    target = holidays.financial_holidays("XECB", years=year)
    return frozenset(belgian) | frozenset(target)


def is_business_day(day: date) -> bool:
    """Belgian banks book on weekdays that are neither Belgian holidays nor TARGET closing days."""
    return day.weekday() < 5 and day not in _closed_days(day.year)


def business_days(start: date, end: date) -> list[date]:
    """Every business day from `start` to `end`, both included."""
    return [
        start + timedelta(n) for n in range((end - start).days + 1) if is_business_day(start + timedelta(n))
    ]


def previous_business_day(day: date) -> date:
    day -= timedelta(1)
    while not is_business_day(day):
        day -= timedelta(1)
    return day


def business_day_of_year(day: date) -> int:
    """1 for the first business day of the year, 2 for the next and so on."""
    return len(business_days(date(day.year, 1, 1), day))


def add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(1)
        count -= is_business_day(day)
    return day


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month that overlaps [first, last]."""
    months, month = [], date(first.year, first.month, 1)
    while month <= last:
        months.append(month)
        month = first_of_next_month(month)
    return months
