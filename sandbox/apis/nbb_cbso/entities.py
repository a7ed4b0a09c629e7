"""What the NBB world is made of: companies, their deposits and the bank's improvements.

With __slots__: a grown world keeps thousands of them in its caches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sandbox.worlds.calendar import month_end
from sandbox.worlds.identities import is_enterprise_number
from sandbox.worlds.names import Address

SLOTS = 5  # reference sequence = scramble(base) * SLOTS + slot; 8 digits always decode to a base
ANNUAL, CORRECTION, CONSOLIDATED = 0, 1, 2
XBRL_FROM = date(2007, 1, 1)
JSON_FROM = date(2022, 4, 4)
EURO_FROM_FISCAL_YEAR = 2002  # earlier exercises were deposited in Belgian francs
BEF_PER_EUR = Decimal("40.3399")
ASSOCIATION = "017"  # the legal form of a non-profit association (VZW/ASBL)


def enterprise_base(number: str) -> int:
    """The first eight digits of an enterprise number: the key its company is generated from."""
    if not is_enterprise_number(number):
        raise ValueError(
            f"{number!r} is not an enterprise number: expected 10 digits, first 0 or 1, "
            "last two = 97 - (first eight mod 97)"
        )
    return int(number[:8])


def deposit_lag(fiscal_year_end_month: int) -> int:
    """Years between the end of an exercise and its deposit (one when the year ends after June)."""
    return 1 if fiscal_year_end_month >= 7 else 0


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str
    last_name: str
    address: Address


@dataclass(frozen=True, slots=True)
class Director:
    """A director's mandate: held by a natural person, or by a company through its representative."""

    person: Person | None
    company: Company | None
    representative: Person | None
    managing: bool
    since: date


@dataclass(frozen=True, slots=True)
class Shareholding:
    holder: Person | Company
    shares: int
    percentage: Decimal


@dataclass(frozen=True, slots=True)
class Participation:
    company: Company
    shares: int
    percentage: Decimal


@dataclass(frozen=True, slots=True)
class Company:
    enterprise_number: str
    name: str
    address: Address
    legal_form: str
    legal_form_label: str
    language: str
    activity_code: str
    size: str  # micro | small | large | association
    founded: date
    scheme: str  # accounting scheme: full | abbreviated | micro
    fiscal_year_end_month: int
    first_fiscal_year: int  # year in which the first exercise ends
    files: bool
    consolidates: bool
    joint_committee: tuple[str, str] | None  # (code, label in the company's language)
    share_count: int
    rng_key: str = field(repr=False)
    directors: tuple[Director, ...] = ()
    shareholders: tuple[Shareholding, ...] = ()
    participations: tuple[Participation, ...] = ()

    @property
    def deposit_lag(self) -> int:
        return deposit_lag(self.fiscal_year_end_month)

    def exercise(self, fiscal_year: int) -> tuple[date, date]:
        """Start and end of the exercise that ends in `fiscal_year`."""
        end = month_end(fiscal_year, self.fiscal_year_end_month)
        if fiscal_year == self.first_fiscal_year:
            return self.founded, end
        return month_end(fiscal_year - 1, self.fiscal_year_end_month) + timedelta(days=1), end


@dataclass(frozen=True, slots=True)
class Deposit:
    reference: str
    company: Company
    deposit_date: date
    exercise_start: date
    exercise_end: date
    model_type: str
    deposit_type: str  # Initial | Correction | Complementary
    language: str
    currency: str  # EUR, or BEF for exercises ending before 2002
    legal_situation: str
    full_fill_legal_validation: bool
    general_assembly_date: date | None
    consolidated: bool
    accounting_data_url_null: bool

    @property
    def slot(self) -> int:
        return int(self.reference[5:]) % SLOTS

    @property
    def fiscal_year(self) -> int:
        return self.exercise_end.year

    @property
    def pdf_only(self) -> bool:
        return self.model_type.endswith("-p")

    @property
    def has_xbrl(self) -> bool:
        return not self.pdf_only and self.deposit_date >= XBRL_FROM

    @property
    def has_json(self) -> bool:
        return self.has_xbrl and self.deposit_date >= JSON_FROM


_DATA_VERSIONS = {
    "pdf_extracted": "Pdf_extracted",
    "euro_converted": "Euro_converted",
    "corrected": "Corrected",
}
_ZIP_SUFFIXES = {"pdf_extracted": "ocr-authentic", "euro_converted": "euro-authentic"}


@dataclass(frozen=True, slots=True)
class Improvement:
    deposit: Deposit
    kind: str  # pdf_extracted | euro_converted | corrected
    improvement_date: date
    corrected_data: str | None  # AA (annual accounts) or SB (social balance) when corrected

    @property
    def data_version(self) -> str:
        return _DATA_VERSIONS[self.kind]

    @property
    def zip_suffix(self) -> str:
        if self.kind == "corrected":
            return f"{(self.corrected_data or 'AA').lower()}-corrected"
        return _ZIP_SUFFIXES[self.kind]
