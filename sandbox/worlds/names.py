"""People's names, addresses and e-mail addresses from Faker's Belgian and Dutch locales.

Only Faker's word lists are used, read once per locale, and drawn by the world's own seeded
streams: a Faker instance would carry a global, order-dependent stream of its own. The lists are
imported on first use, as importing Faker costs a noticeable part of the server's cold start.
"""

from __future__ import annotations

import functools
import importlib
import random
import unicodedata
from dataclasses import dataclass

MALE, FEMALE = 1, 2  # the sex codes of Belgian national numbers


@dataclass(frozen=True)
class NamePool:
    first_names: tuple[str, ...]  # men's and women's, as the locale lists them
    male: tuple[str, ...]
    female: tuple[str, ...]
    last_names: tuple[str, ...]

    def first_name(self, rng: random.Random, sex: int) -> str:
        return rng.choice(self.male if sex == MALE else self.female)

    def last_name(self, rng: random.Random) -> str:
        return rng.choice(self.last_names)


def full_name(rng: random.Random, locale: str) -> str:
    """A person's first and last name as the locale names people."""
    pool = name_pool(locale)
    return f"{pool.first_name(rng, rng.choice((MALE, FEMALE)))} {pool.last_name(rng)}"


@functools.cache
def name_pool(locale: str) -> NamePool:
    """The names of a Faker locale: `nl_BE`, `fr_BE`, `nl_NL`, `de_DE`, `en_GB`, ..."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    return NamePool(
        tuple(provider.first_names),
        tuple(provider.first_names_male),
        tuple(provider.first_names_female),
        tuple(provider.last_names),
    )


@dataclass(frozen=True, slots=True)  # slots: a grown world keeps thousands in its caches
class Address:
    street: str
    number: str
    box: str | None
    postal_code: str
    city: str
    country_code: str


@functools.cache
def _places(locale: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
    return tuple(provider.cities), tuple(provider.street_suffixes)


def address(rng: random.Random, locale: str) -> Address:
    """An address in Belgium (`nl_BE`) or the Netherlands (`nl_NL`): a street named after a person
    as the locale names them, a house number, now and then a box, a postal code of the country's
    form (`9000`, `1012 AB`) and a city of the locale (the postal code is not the city's own)."""
    country = locale[-2:]
    cities, suffixes = _places(locale)
    street = name_pool(locale).last_name(rng) + rng.choice(suffixes)
    number = str(1 + int(180 * rng.random() ** 2))
    box = str(rng.randrange(1, 20)) if country == "BE" and rng.random() < 0.12 else None
    if country == "NL":
        letters = "".join(rng.choice("ABCEGHJKLMNPRTVWXZ") for _ in range(2))
        postal_code = f"{rng.randrange(1000, 10000)} {letters}"
    else:
        postal_code = str(rng.randrange(1000, 10000))
    return Address(street, number, box, postal_code, rng.choice(cities), country)


def plain(text: str) -> str:
    """Text without accents (Stéphane -> Stephane), as e-mail addresses and domains have it."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def email_local_part(first: str, last: str) -> str:
    """`first.last` in lower case, accents dropped and other signs left out (José D'hondt ->
    jose.dhondt)."""
    return "".join(c for c in plain(f"{first}.{last}".lower()) if c.isalnum() or c == ".")


def email(first: str, last: str, domain: str) -> str:
    return f"{email_local_part(first, last)}@{domain}"


def domain(name: str, tld: str = "be") -> str:
    """The web domain of an organisation's name: `De Regenboog` -> `de-regenboog.be`."""
    words = plain(name.lower()).split()
    return "-".join("".join(c for c in word if c.isalnum() or c == "-") for word in words) + "." + tld
