"""String formats the specs may name, each with the message a client sees when it fails.

Identifier formats use python-stdnum, so check digits are judged by a well-kept library.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from stdnum import iban
from stdnum.be import nn as be_nn
from stdnum.be import vat as be_vat

from sandbox.worlds.identities import (
    be_iban,
    be_vat_number,
    enterprise_number,
    is_enterprise_number,
    national_number,
)

if TYPE_CHECKING:
    from jsonschema import FormatChecker

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _national_number_of(n: int) -> str:
    """The n-th of a spread of national register numbers of people born 1970-1999."""
    born = date(1970 + (n // 336) % 30, 1 + (n // 28) % 12, 1 + n % 28)
    return national_number(born, 1 + (n // 10_080) % 997)


# formats whose valid values a test generator cannot guess: n -> a valid value
FORMAT_BUILDERS: dict[str, Callable[[int], str]] = {
    "be-enterprise-number": enterprise_number,
    "be-vat": lambda n: be_vat_number(enterprise_number(n)),
    "be-national-number": _national_number_of,
    "iban": be_iban,
}


def _is_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: str) -> bool:
    if "T" not in value.upper():
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def _is_time(value: str) -> bool:
    try:
        time.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_uri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value


def _is_uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value))


def _is_iban(value: str) -> bool:
    return value == value.strip() and iban.is_valid(value)


def _is_be_vat(value: str) -> bool:
    return value.upper().startswith("BE") and be_vat.is_valid(value)


# name -> (check, what a valid value looks like)
FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "date": (_is_date, "a calendar date YYYY-MM-DD"),
    "date-time": (_is_date_time, "an RFC 3339 date-time with offset, e.g. 2024-01-31T12:00:00Z"),
    "time": (_is_time, "a time HH:MM[:SS]"),
    "uri": (_is_uri, "an absolute URI"),
    "uuid": (_is_uuid, "a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6"),
    "be-enterprise-number": (
        is_enterprise_number,
        "a Belgian enterprise number: 10 digits, no dots or BE prefix, valid mod-97 check digits",
    ),
    "be-vat": (_is_be_vat, "a Belgian VAT number BE0123456749 with valid check digits"),
    "be-national-number": (be_nn.is_valid, "a Belgian national register number with valid check digits"),
    "iban": (_is_iban, "an IBAN with valid check digits"),
}


def conforms(value: Any, name: str) -> bool:
    """Whether `value` has the format `name`, as `format_checker()` judges it: a format not listed
    here, and a value that is not a string, pass."""
    known = FORMATS.get(name)
    return known is None or not isinstance(value, str) or known[0](value)


@functools.cache
def format_checker() -> FormatChecker:
    """jsonschema's checker of these formats (and of no other), made with the first jsonschema
    validator: a request whose parameters the fast checks judge never imports jsonschema."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name in FORMATS:
        checker.checks(name)(lambda value, name=name: conforms(value, name))
    return checker


def describe_format(name: str) -> str:
    return FORMATS[name][1] if name in FORMATS else f"a valid {name}"
