"""People's names, addresses and e-mail addresses from Faker's Belgian and Dutch locales.

Only Faker's word lists are used, read once per locale, and drawn by the world's own seeded
streams: a Faker instance would carry a global, order-dependent stream of its own. Importing
Faker costs more than half a second, so the lists are kept beside this module (see
sandbox/kept.py) by the bytes of the Faker file they come from, and Faker is imported only when
that file is new or changed.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sandbox.kept import kept_beside

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


def _faker_lists(provider: str, locale: str, names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The word lists `names` of a Faker locale's provider (`person`, `address`)."""
    module = f"faker.providers.{provider}.{locale}"

    def read() -> tuple[tuple[str, ...], ...]:
        found = importlib.import_module(module).Provider
        return tuple(tuple(getattr(found, name)) for name in names)

    faker = Path(importlib.util.find_spec("faker").origin)  # found without importing it
    try:  # the locale's lists, and Faker's version (which its other lists come with)
        text = (
            faker.read_bytes()
            + faker.parent.joinpath("providers", provider, locale, "__init__.py").read_bytes()
        )
    except OSError:  # laid out otherwise (a zipped install): read the lists each time
        return read()
    return kept_beside(Path(__file__).parent, module, module.encode() + b"\0" + text, read)


@functools.cache
def name_pool(locale: str) -> NamePool:
    """The names of a Faker locale: `nl_BE`, `fr_BE`, `nl_NL`, `de_DE`, `en_GB`, ..."""
    lists = ("first_names", "first_names_male", "first_names_female", "last_names")
    return NamePool(*_faker_lists("person", locale, lists))


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
    cities, suffixes = _faker_lists("address", locale, ("cities", "street_suffixes"))
    return cities, suffixes


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
