"""The NBB CBSO world: companies, their deposits and the bank's improvements.

Nothing is stored. A company is generated from its enterprise number, its deposits from
(enterprise number, deposit year), each from its own ``random.Random`` seeded with
``sha256(f"{seed}:{tenant}:nbb-cbso:{key}")``, so every process on every machine agrees on every
name, reference and amount. Keyed permutations of the enterprise-number space tie the parts
together: one turns an enterprise number into the sequence of its references (and back), and one
per year and feed lays a bounded set of companies out over the days of that year. A day's batch
is therefore a bounded sample of that day's deposits (the featured companies' annual deposits and
the magic companies' deposits), and every deposit in it is exactly what the query operations
return for it; most companies' deposits appear in no batch.

The shape of the world (shares, mixes, magic companies) comes from ``fixtures/nbb-cbso.yaml``.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import hashlib
import importlib
import itertools
import operator
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sandbox.spec.formats import is_enterprise_number, make_enterprise_number

BASES = 20_000_000  # enterprise number = f"{base:08d}{97 - base % 97:02d}", first digit 0 or 1
SLOTS = 5  # reference sequence = scramble(base) * SLOTS + slot; 8 digits always decode to a base
ANNUAL, CORRECTION, CONSOLIDATED = 0, 1, 2
XBRL_FROM = date(2007, 1, 1)
JSON_FROM = date(2022, 4, 4)
EURO_FROM_FISCAL_YEAR = 2002  # earlier exercises were deposited in Belgian francs
MICRO_MODELS_FROM_FISCAL_YEAR = 2016
BEF_PER_EUR = Decimal("40.3399")
LAST_YEAR = 9990  # keeps date arithmetic of far-future requests inside datetime's range

_REFERENCE = re.compile(r"([0-9]{4})-([0-9]{8})")
_NAME_LOCALES = {"NL": "nl_BE", "FR": "fr_BE", "DE": "de_DE", "EN": "en_GB"}
_BOXES = ("A", "B", "C", "1", "2", "3", "4", "5", "11", "101", "201")
_MODELS = {
    (False, "full"): "m01",
    (False, "abbreviated"): "m02",
    (False, "micro"): "m07",
    (True, "full"): "m81",
    (True, "abbreviated"): "m82",
    (True, "micro"): "m87",
}
_CONSOLIDATED_MODEL = "m120"
_ASSOCIATION = "017"
# Total assets in EUR of a first exercise, by (association, scheme); drawn skewed towards the low end.
_SCALES = {
    (False, "micro"): (40_000, 450_000),
    (False, "abbreviated"): (350_000, 6_000_000),
    (False, "full"): (9_000_000, 450_000_000),
    (True, "micro"): (20_000, 300_000),
    (True, "abbreviated"): (150_000, 3_000_000),
    (True, "full"): (2_000_000, 30_000_000),
}
_MONETARY_LEAVES = ("20/28", "29/58", "10/15", "16", "70", "9900", "9901", "9904")


# --------------------------------------------------------------------------------------------- entities
# (with __slots__: a grown world keeps thousands of them in its caches)


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    number: str
    box: str | None
    postal_code: str
    city: str
    country_code: str = "BE"


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
        """Years between the end of an exercise and its deposit (one when the year ends after June)."""
        return 1 if self.fiscal_year_end_month >= 7 else 0

    def exercise(self, fiscal_year: int) -> tuple[date, date]:
        """Start and end of the exercise that ends in `fiscal_year`."""
        end = _month_end(fiscal_year, self.fiscal_year_end_month)
        if fiscal_year == self.first_fiscal_year:
            return self.founded, end
        return _month_end(fiscal_year - 1, self.fiscal_year_end_month) + timedelta(days=1), end


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


# ------------------------------------------------------------------------------------ enterprise numbers


# the enterprise-number format lives in the engine, beside the other identifier formats
is_valid_enterprise_number = is_enterprise_number
enterprise_number = make_enterprise_number


def _base(number: str) -> int:
    if not is_valid_enterprise_number(number):
        raise ValueError(
            f"{number!r} is not an enterprise number: expected 10 digits, first 0 or 1, "
            "last two = 97 - (first eight mod 97)"
        )
    return int(number[:8])


# ---------------------------------------------------------------------------------------------- figures


def figures(
    company: Company, fiscal_year: int, *, consolidated: bool = False, currency: str = "EUR"
) -> dict[str, Decimal]:
    """The rubrics of one exercise (balance sheet, income, average FTE); totals always add up.

    Exercises ending before 2002 are generated in Belgian francs; their EUR view is the conversion at
    40.3399, so an EUR comparative (NM1) equals the euro-converted figures of the BEF deposit.
    """
    leaves = _generated_leaves(company, fiscal_year, consolidated)
    if fiscal_year < EURO_FROM_FISCAL_YEAR:
        leaves = _converted(leaves, BEF_PER_EUR, Decimal(1))
        if currency == "BEF":
            return completed(leaves)
        leaves = _converted(leaves, 1 / BEF_PER_EUR, Decimal("0.01"))
    elif currency != "EUR":
        raise ValueError(f"exercise {fiscal_year} is in EUR, not {currency}")
    return completed(leaves)


def completed(leaves: dict[str, Decimal]) -> dict[str, Decimal]:
    """Recompute the totals: 20/58 = 20/28 + 29/58 = 10/49 = 10/15 + 16 + 17/49."""
    assets = leaves["20/28"] + leaves["29/58"]
    return {
        "20/28": leaves["20/28"],
        "29/58": leaves["29/58"],
        "20/58": assets,
        "10/15": leaves["10/15"],
        "16": leaves["16"],
        "17/49": assets - leaves["10/15"] - leaves["16"],
        "10/49": assets,
        "70": leaves["70"],
        "9900": leaves["9900"],
        "9901": leaves["9901"],
        "9904": leaves["9904"],
        "9087": leaves["9087"],
    }


def _converted(leaves: dict[str, Decimal], rate: Decimal, unit: Decimal) -> dict[str, Decimal]:
    return {
        code: (value * rate).quantize(unit) if code in _MONETARY_LEAVES else value
        for code, value in leaves.items()
    }


def _generated_leaves(company: Company, fiscal_year: int, consolidated: bool) -> dict[str, Decimal]:
    # Company traits are constant, each year varies around them; only + - * / on floats and no
    # libm functions, so the figures are the same on every platform.
    traits = _rng(f"{company.rng_key}:finance")
    low, high = _SCALES[(company.legal_form == _ASSOCIATION, company.scheme)]
    u = traits.random()
    size = low + (high - low) * u * u * u
    growth = traits.uniform(0.97, 1.09)
    fixed_share = traits.uniform(0.15, 0.75)
    equity_ratio = traits.uniform(-0.10, 0.60)
    turnover_ratio = traits.uniform(0.6, 2.8)
    margin_rate = traits.uniform(0.12, 0.45)
    operating_rate = traits.uniform(-0.05, 0.25)
    personnel_share = traits.uniform(0.35, 0.8)
    cost_per_fte = traits.uniform(52_000.0, 88_000.0)
    if consolidated:
        size *= traits.uniform(1.3, 3.0)
    for _ in range(fiscal_year - company.first_fiscal_year):
        size *= growth
    year = _rng(f"{company.rng_key}:finance:{fiscal_year}:{'consolidated' if consolidated else 'own'}")
    total = size * year.uniform(0.9, 1.1)
    fixed = total * min(0.95, max(0.02, fixed_share + year.uniform(-0.05, 0.05)))
    equity = total * (equity_ratio + year.uniform(-0.04, 0.04))
    provisions = 0.0 if company.scheme == "micro" else total * year.uniform(0.0, 0.04)
    turnover = total * turnover_ratio * year.uniform(0.85, 1.15)
    margin = turnover * margin_rate * year.uniform(0.9, 1.1)
    operating = margin * (operating_rate + year.uniform(-0.04, 0.04))
    profit = operating * (year.uniform(0.55, 0.8) if operating > 0 else year.uniform(1.0, 1.2))
    fte = margin * personnel_share / cost_per_fte
    return {
        "20/28": _cents(fixed),
        "29/58": _cents(total) - _cents(fixed),
        "10/15": _cents(equity),
        "16": _cents(provisions),
        "70": _cents(turnover),
        "9900": _cents(margin),
        "9901": _cents(operating),
        "9904": _cents(profit),
        "9087": Decimal(round(fte * 10)).scaleb(-1),
    }


def _cents(amount: float) -> Decimal:
    return Decimal(round(amount * 100)).scaleb(-2)


def deposit_figures(deposit: Deposit) -> tuple[dict[str, Decimal], dict[str, Decimal] | None]:
    """N and NM1 figures of a deposit in its currency; NM1 is None for a company's first exercise."""
    company, year = deposit.company, deposit.fiscal_year
    current = figures(company, year, consolidated=deposit.consolidated, currency=deposit.currency)
    if year <= company.first_fiscal_year:
        return current, None
    return current, figures(company, year - 1, consolidated=deposit.consolidated, currency=deposit.currency)


def improved_figures(improvement: Improvement) -> tuple[dict[str, Decimal], dict[str, Decimal] | None]:
    """N and NM1 after the bank's improvement: converted to EUR, or with N corrected consistently."""
    deposit = improvement.deposit
    if improvement.kind == "euro_converted":
        return deposit_figures(replace(deposit, currency="EUR"))
    current, previous = deposit_figures(deposit)
    if improvement.kind != "corrected":
        return current, previous
    rng = _rng(f"{deposit.company.rng_key}:correction:{deposit.reference}")
    lower = rng.random() < 0.5
    corrected = dict(current)
    if improvement.corrected_data == "SB":
        fte = Decimal(rng.randint(5, 30)).scaleb(-1)
        corrected["9087"] += -fte if lower and fte <= current["9087"] else fte
        return corrected, previous
    # An annual-accounts correction revalues fixed assets; result and equity move with it.
    delta = _cents(float(current["20/58"]) * rng.uniform(0.01, 0.05)) + Decimal("0.01")
    if lower and delta <= current["20/28"]:
        delta = -delta
    for code in ("20/28", "10/15", "9901", "9904"):
        corrected[code] = current[code] + delta
    return completed(corrected), previous


# ------------------------------------------------------------------------------------------------ world


class NbbWorld:
    """Every valid enterprise number is a company; deposits and improvements follow from the seed."""

    def __init__(self, seed: str, tenant: str, fixture: dict[str, Any]):
        self._prefix = f"{seed}:{tenant}:nbb-cbso"
        self._shape = _Shape.parse(fixture)
        self._magic = {magic.base: magic for magic in _Magic.parse_all(fixture)}
        # Bounded so that a world grown by a million companies stays a few MB (each tenant has
        # its own); a company that fell out is made again, in about a millisecond.
        self._core = functools.lru_cache(maxsize=2048)(self._build_core)
        self._company = functools.lru_cache(maxsize=1024)(self._build_company)
        self._year_deposits = functools.lru_cache(maxsize=4096)(self._build_year_deposits)
        self._feed = functools.lru_cache(maxsize=256)(self._build_feed)
        self._reference_permutations: dict[int, _Permutation] = {}
        self._magic_improvements = {
            base: self._build_magic_improvements(magic) for base, magic in self._magic.items()
        }

    # -- queries

    def company(self, enterprise_number: str) -> Company:
        return self._company(_base(enterprise_number))

    def deposits(self, enterprise_number: str, today: date) -> list[Deposit]:
        """Published deposits of a company (deposit date <= today), oldest first."""
        base = _base(enterprise_number)
        company = self._company(base)
        first = max(self._shape.first_deposit_year, company.first_fiscal_year + company.deposit_lag)
        found = [
            deposit
            for year in range(first, min(today.year, LAST_YEAR) + 1)
            for deposit in self._year_deposits(base, year)
            if deposit.deposit_date <= today
        ]
        return sorted(found, key=operator.attrgetter("deposit_date", "reference"))

    def deposit(self, reference: str, today: date) -> Deposit | None:
        """The deposit with this reference, or None if malformed, unknown or not yet published."""
        match = _REFERENCE.fullmatch(reference) if isinstance(reference, str) else None
        if match is None:
            return None
        year = int(match[1])
        if not self._shape.first_deposit_year <= year <= min(today.year, LAST_YEAR):
            return None
        base = self._reference_permutation(year).inverse(int(match[2]) // SLOTS)
        for deposit in self._year_deposits(base, year):
            if deposit.reference == reference and deposit.deposit_date <= today:
                return deposit
        return None

    def batch(self, day: date) -> list[Deposit]:
        """Deposits published on `day` in the daily extract (the day's featured companies, magic ones)."""
        if day.year > LAST_YEAR:
            return []
        feed = self._feed("deposits", day.year)
        found = []
        for position in feed.positions(day):
            base = feed.permutation.inverse(position)
            if base not in self._magic:
                found.extend(
                    deposit
                    for deposit in self._year_deposits(base, day.year)
                    if deposit.slot == ANNUAL and deposit.deposit_date == day
                )
        for base in self._magic:
            found.extend(
                deposit for deposit in self._year_deposits(base, day.year) if deposit.deposit_date == day
            )
        return found

    def improvements(self, enterprise_number: str, today: date) -> list[Improvement]:
        """Improvements of a company's deposits made on or before `today`, oldest first."""
        base = _base(enterprise_number)
        made = [imp for imp in self._company_improvements(base, today.year) if imp.improvement_date <= today]
        return sorted(made, key=lambda imp: (imp.improvement_date, imp.deposit.reference))

    def deposit_improvements(self, reference: str, today: date) -> list[Improvement]:
        deposit = self.deposit(reference, today)
        if deposit is None:
            return []
        return [
            imp
            for imp in self.improvements(deposit.company.enterprise_number, today)
            if imp.deposit.reference == reference
        ]

    def improved_batch(self, day: date) -> list[Improvement]:
        """Improvements made on `day` (the day's featured companies, magic ones)."""
        if day.year > LAST_YEAR:
            return []
        feed = self._feed("improvements", day.year)
        found = []
        for position in feed.positions(day):
            base = feed.permutation.inverse(position)
            if base not in self._magic:
                found.extend(
                    imp for imp in self._company_improvements(base, day.year) if imp.improvement_date == day
                )
        for improvements in self._magic_improvements.values():
            found.extend(imp for imp in improvements if imp.improvement_date == day)
        return found

    # -- randomness

    def _rng(self, key: str) -> random.Random:
        return _rng(f"{self._prefix}:{key}")

    # -- companies

    def _build_core(self, base: int) -> Company:
        """A company without its relations to other companies (so relations never recurse)."""
        shape = self._shape
        magic = self._magic.get(base)
        overrides = magic.overrides if magic else {}
        rng = self._rng(f"company:{base}")
        language = overrides.get("language", shape.languages.pick(rng))
        size = overrides.get("size", shape.sizes.pick(rng))
        legal_form = overrides.get("legal_form", shape.legal_forms_by_size[size].pick(rng))
        association = legal_form == _ASSOCIATION
        scheme = {"micro": "micro", "small": "abbreviated", "large": "full"}.get(size)
        if scheme is None:
            scheme = shape.association_schemes.pick(rng)
        activity = (shape.association_activities if association else shape.company_activities).pick(rng)
        month = overrides.get("fiscal_year_end_month", shape.fiscal_year_end_months.pick(rng))
        first_fiscal_year = overrides.get("first_fiscal_year", rng.randint(*shape.first_fiscal_years))
        drawn_files = rng.random() >= shape.never_filer_share  # drawn always: the stream stays the same
        files = overrides.get("files", True if base in self._magic else drawn_files)
        consolidates = overrides.get(
            "consolidates", size == "large" and rng.random() < shape.consolidating_share
        )
        # The first exercise lasts at least three months.
        opened = _month_end(first_fiscal_year - 1, month) + timedelta(days=1)
        first_end = _month_end(first_fiscal_year, month)
        founded = opened + timedelta(days=rng.randrange((first_end - opened).days - 90))
        address = self._address(rng, language)
        form = shape.legal_forms[legal_form]
        name = self._company_name(
            rng, language, form["suffix"][language], activity, address.city, association
        )
        code = activity.joint_committee
        return Company(
            enterprise_number=enterprise_number(base),
            name=overrides.get("name", name),
            address=address,
            legal_form=legal_form,
            legal_form_label=form["label"][language],
            language=language,
            activity_code=activity.code,
            size=size,
            founded=founded,
            scheme=scheme,
            fiscal_year_end_month=month,
            first_fiscal_year=first_fiscal_year,
            files=files,
            consolidates=consolidates,
            joint_committee=(code, shape.joint_committees[code][language]) if code else None,
            share_count=rng.choice(
                (10_000, 18_600, 62_000, 250_000) if size == "large" else (100, 186, 500, 750, 1000)
            ),
            rng_key=f"{self._prefix}:company:{base}",
        )

    def _build_company(self, base: int) -> Company:
        core = self._core(base)
        rng = self._rng(f"company:{base}:relations")
        shape = self._shape
        language = core.language
        association = core.legal_form == _ASSOCIATION
        directors: list[Director] = []
        if not association and rng.random() < shape.corporate_director_share:
            manager = self._related_core(rng, base, ("610", "014"))
            directors.append(Director(None, manager, self._person(rng, language), True, core.founded))
        count = {"014": 3, "706": 3, _ASSOCIATION: rng.randint(3, 5)}.get(core.legal_form, rng.randint(1, 2))
        while len(directors) < count:
            directors.append(Director(self._person(rng, language), None, None, not directors, core.founded))
        shareholders: list[Shareholding] = []
        participations: list[Participation] = []
        if not association:
            holders: list[Person | Company] = []
            if core.size == "large":
                holders.append(self._related_core(rng, base, ("014", "610")))
            holders.extend(self._person(rng, language) for _ in range(rng.randint(0 if holders else 1, 2)))
            shareholders = _split_shares(rng, holders, core.share_count)
            held = rng.randint(2, 4) if core.consolidates else int(rng.random() < shape.participation_share)
            for _ in range(held if core.size != "micro" else 0):
                subsidiary = self._related_core(rng, base, ("610", "014", "706"))
                percentage = Decimal(rng.randint(51 if core.consolidates else 10, 100))
                shares = int(subsidiary.share_count * percentage / 100)
                participations.append(Participation(subsidiary, shares, percentage))
        return replace(
            core,
            directors=tuple(directors),
            shareholders=tuple(shareholders),
            participations=tuple(participations),
        )

    def _related_core(self, rng: random.Random, base: int, legal_forms: tuple[str, ...]) -> Company:
        """Another company, never this one nor a magic one; of one of `legal_forms` if a few draws find it."""
        for _ in range(8):
            other = rng.randrange(BASES)
            while other == base or other in self._magic:
                other = rng.randrange(BASES)
            related = self._core(other)
            if related.legal_form in legal_forms:
                break
        return related

    def _person(self, rng: random.Random, language: str) -> Person:
        first_names, last_names = _name_pool(language)
        return Person(rng.choice(first_names), rng.choice(last_names), self._address(rng, language))

    def _address(self, rng: random.Random, language: str) -> Address:
        region = self._shape.regions[language]
        postal_code, city = rng.choice(region.cities)
        street = rng.choice(region.streets)
        u = rng.random()
        number = str(1 + int(180 * u * u))
        box = rng.choice(_BOXES) if rng.random() < 0.15 else None
        return Address(street, number, box, postal_code, city)

    def _company_name(
        self,
        rng: random.Random,
        language: str,
        suffix: str,
        activity: _Activity,
        city: str,
        association: bool,
    ) -> str:
        _, last_names = _name_pool(language)
        word = rng.choice(activity.words[language])
        last, other = rng.choice(last_names), rng.choice(last_names)
        if association:
            patterns = ("{word} {city}", "{word} {city}", "{word} {city}", "{word} {last}")
        else:
            patterns = ("{last}", "{last}", "{word} {last}", "{last} & {other}", "{word} {city}")
        return f"{rng.choice(patterns).format(word=word, city=city, last=last, other=other)} {suffix}"

    # -- deposits

    def _build_year_deposits(self, base: int, year: int) -> tuple[Deposit, ...]:
        """The deposits a company makes in calendar year `year`: annual, maybe correction, consolidated."""
        company = self._company(base)
        fiscal_year = year - company.deposit_lag
        if (
            not company.files
            or fiscal_year < company.first_fiscal_year
            or not (self._shape.first_deposit_year <= year <= LAST_YEAR)
        ):
            return ()
        shape = self._shape
        magic = self._magic.get(base)
        start, end = company.exercise(fiscal_year)
        rng = self._rng(f"deposits:{base}:{year}")
        published = self._own_deposit_date(rng, end, year)
        featured = None if magic else self._featured_day("deposits", base, year)
        if featured is not None and featured >= end + timedelta(days=shape.min_days_after_exercise_end):
            published = featured
        pdf_only = rng.random() < shape.pdf_only_share and year >= XBRL_FROM.year
        if magic:
            pdf_only = magic.pdf_only
        model = _model(company, fiscal_year)
        annual = Deposit(
            reference=self._reference(base, year, ANNUAL),
            company=company,
            deposit_date=published,
            exercise_start=start,
            exercise_end=end,
            model_type=f"{model}-f-p" if pdf_only else f"{model}-f",
            deposit_type="Initial",
            language=company.language,
            currency="BEF" if fiscal_year < EURO_FROM_FISCAL_YEAR else "EUR",
            legal_situation="000",
            full_fill_legal_validation=rng.random() >= shape.validation_failure_share,
            general_assembly_date=_assembly_date(rng, end, published, shape.assembly_missing_share),
            consolidated=False,
            accounting_data_url_null=False,
        )
        deposits = [annual]
        # magic companies file exactly what the fixture promises: no corrections of their own
        if rng.random() < shape.correction_share and base not in self._magic:
            corrected = _weekday_in_year(published + timedelta(days=rng.randint(14, 120)))
            deposit_type = "Complementary" if rng.random() < shape.complementary_share else "Correction"
            if corrected.year == year and corrected > published:
                deposits.append(
                    replace(
                        annual,
                        reference=self._reference(base, year, CORRECTION),
                        deposit_date=corrected,
                        deposit_type=deposit_type,
                        full_fill_legal_validation=True,
                    )
                )
        if company.consolidates:
            pdf_only = rng.random() < shape.pdf_only_share and year >= XBRL_FROM.year
            if magic:
                pdf_only = magic.pdf_only
            consolidated_on = _weekday_in_year(
                min(published + timedelta(days=rng.randint(0, 60)), date(year, 12, 31))
            )
            deposits.append(
                replace(
                    annual,
                    reference=self._reference(base, year, CONSOLIDATED),
                    deposit_date=max(consolidated_on, published),
                    model_type=f"{_CONSOLIDATED_MODEL}-f-p" if pdf_only else f"{_CONSOLIDATED_MODEL}-f",
                    consolidated=True,
                    accounting_data_url_null=bool(magic and magic.consolidated_url_null),
                )
            )
        return tuple(deposits)

    def _own_deposit_date(self, rng: random.Random, exercise_end: date, year: int) -> date:
        low_days, high_days = self._shape.deposit_days
        low = max(exercise_end + timedelta(days=low_days), date(year, 1, 1))
        high = max(low, min(exercise_end + timedelta(days=high_days), date(year, 12, 31)))
        return _weekday_in_year(low + timedelta(days=rng.randint(0, (high - low).days)))

    def _reference(self, base: int, year: int, slot: int) -> str:
        return f"{year}-{self._reference_permutation(year).forward(base) * SLOTS + slot:08d}"

    def _reference_permutation(self, year: int) -> _Permutation:
        """Each deposit year numbers its references in its own order."""
        permutation = self._reference_permutations.get(year)
        if permutation is None:
            permutation = self._reference_permutations[year] = _Permutation.keyed(
                self._rng(f"references:{year}")
            )
        return permutation

    # -- daily feeds

    def _build_feed(self, kind: str, year: int) -> _Feed:
        feed_shape = self._shape.batch if kind == "deposits" else self._shape.improvement_feed
        rng = self._rng(f"{kind}-feed:{year}")
        permutation = _Permutation.keyed(rng)
        days = [date(year, 1, 1) + timedelta(days=i) for i in range(366 if calendar.isleap(year) else 365)]
        weights = feed_shape.month_weights
        weekday_weights = [weights[day.month - 1] for day in days if day.weekday() < 5]
        norm = sum(weekday_weights) / len(weekday_weights)
        counts = []
        for day in days:
            variation = rng.uniform(1 - feed_shape.spread, 1 + feed_shape.spread)
            open_day = day.weekday() < 5 and (feed_shape.start is None or day >= feed_shape.start)
            mean = feed_shape.weekday_mean * weights[day.month - 1] / norm
            counts.append(round(mean * variation) if open_day else 0)
        return _Feed(date(year, 1, 1), tuple(itertools.accumulate(counts)), permutation)

    def _featured_day(self, kind: str, base: int, year: int) -> date | None:
        feed = self._feed(kind, year)
        return feed.day_of(feed.permutation.forward(base))

    # -- improvements

    def _company_improvements(self, base: int, through_year: int) -> tuple[Improvement, ...]:
        if base in self._magic:
            return self._magic_improvements[base]
        shape = self._shape
        found: list[Improvement] = []
        for year in range(shape.improvement_start.year, min(through_year, LAST_YEAR) + 1):
            day = self._featured_day("improvements", base, year)
            if day is None:
                continue
            target = self._latest_annual_deposit(base, day - timedelta(days=shape.min_days_after_deposit))
            if target is None:
                continue
            rng = self._rng(f"improvement:{base}:{year}")
            kind, corrected_data = "corrected", shape.corrected_data.pick(rng)
            if target.pdf_only:
                kind, corrected_data = "pdf_extracted", None
            elif target.currency == "BEF":
                kind, corrected_data = "euro_converted", None
            # A deposit is improved at most once per kind.
            if all(imp.deposit != target or imp.kind != kind for imp in found):
                found.append(Improvement(target, kind, day, corrected_data))
        return tuple(found)

    def _latest_annual_deposit(self, base: int, cutoff: date) -> Deposit | None:
        company = self._company(base)
        if not company.files:
            return None
        for year in range(cutoff.year, company.first_fiscal_year - 1, -1):
            for deposit in self._year_deposits(base, year):
                if deposit.slot == ANNUAL and deposit.deposit_date <= cutoff:
                    return deposit
        return None

    def _build_magic_improvements(self, magic: _Magic) -> tuple[Improvement, ...]:
        found = []
        for item in magic.improvements:
            year, day, kind = int(item["deposit_year"]), _as_date(item["date"]), item["kind"]
            where = f"magic company {magic.number}, improvement of its {year} deposit on {day}"
            annual = next((d for d in self._year_deposits(magic.base, year) if d.slot == ANNUAL), None)
            if annual is None:
                raise ValueError(f"{where}: the company has no deposit in {year}")
            if day.weekday() >= 5 or day < self._shape.improvement_start:
                raise ValueError(
                    f"{where}: improvements are made on weekdays from {self._shape.improvement_start}"
                )
            if day < annual.deposit_date + timedelta(days=self._shape.min_days_after_deposit):
                raise ValueError(f"{where}: the deposit is dated {annual.deposit_date}, choose a later date")
            expected = (
                "pdf_extracted" if annual.pdf_only else "euro_converted" if annual.currency == "BEF" else None
            )
            if (expected or "corrected") != kind or (kind == "corrected") != (
                item.get("corrected_data") is not None
            ):
                raise ValueError(
                    f"{where}: kind {kind!r} does not fit a {annual.model_type} deposit in {annual.currency}"
                )
            found.append(Improvement(annual, kind, day, item.get("corrected_data")))
        return tuple(found)


# -------------------------------------------------------------------------------------- reference records


# Formatting dates was most of the cost of a reference record; the days of a world are few.
_iso_day = functools.lru_cache(maxsize=32768)(date.isoformat)


def reference_record(deposit: Deposit, base_url: str) -> dict[str, Any]:
    """A reference as the query operations return it (PascalCase)."""
    company, address = deposit.company, deposit.company.address
    url = f"{base_url.rstrip('/')}/authentic/deposit/{deposit.reference}/accountingData"
    return {
        "ReferenceNumber": deposit.reference,
        "DepositDate": _iso_day(deposit.deposit_date),
        "ExerciseDates": {
            "startDate": _iso_day(deposit.exercise_start),
            "endDate": _iso_day(deposit.exercise_end),
        },
        "ModelType": deposit.model_type,
        "DepositType": deposit.deposit_type,
        "Language": deposit.language,
        "Currency": deposit.currency,
        "EnterpriseNumber": company.enterprise_number,
        "EnterpriseName": company.name,
        "Address": {
            "Street": address.street,
            "Number": address.number,
            "Box": address.box,
            "PostalCode": address.postal_code,
            "City": address.city,
            "CountryCode": address.country_code,
        },
        "LegalForm": company.legal_form,
        "LegalSituation": deposit.legal_situation,
        "FullFillLegalValidation": deposit.full_fill_legal_validation,
        "ActivityCode": company.activity_code,
        "GeneralAssemblyDate": _iso_day(deposit.general_assembly_date)
        if deposit.general_assembly_date
        else None,
        "AccountingDataURL": None if deposit.accounting_data_url_null else url,
        "DataVersion": "Authentic",
    }


def improved_reference_record(improvement: Improvement, base_url: str) -> dict[str, Any]:
    """A reference of an improved deposit (PascalCase), one per improvement."""
    record = reference_record(improvement.deposit, base_url)
    reference = improvement.deposit.reference
    record["AccountingDataURL"] = (
        f"{base_url.rstrip('/')}/improved/deposit/{reference}/accountingData/improved/{improvement.kind}"
    )
    record["ImprovementDate"] = _iso_day(improvement.improvement_date)
    record["CorrectedData"] = improvement.corrected_data
    record["DataVersion"] = improvement.data_version
    return record


def camel_case(record: Any) -> Any:
    """PascalCase keys to lowerCamel, recursively (zip entries): AccountingDataURL -> accountingDataURL."""
    if isinstance(record, dict):
        return {key[:1].lower() + key[1:]: camel_case(value) for key, value in record.items()}
    if isinstance(record, list):
        return [camel_case(item) for item in record]
    return record


# ---------------------------------------------------------------------------------------------- helpers


def _rng(key: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:16], "big"))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _weekday_in_year(day: date) -> date:
    """Move a weekend day to the next Monday, or back to the Friday when that Monday is next year."""
    if day.weekday() < 5:
        return day
    monday = day + timedelta(days=7 - day.weekday())
    return monday if monday.year == day.year else day - timedelta(days=day.weekday() - 4)


def _assembly_date(
    rng: random.Random, exercise_end: date, published: date, missing_share: float
) -> date | None:
    earliest = exercise_end + timedelta(days=1)
    held = max(earliest, published - timedelta(days=rng.randint(2, 35)))
    return None if rng.random() < missing_share else min(held, published)


def _model(company: Company, fiscal_year: int) -> str:
    scheme = company.scheme
    if scheme == "micro" and fiscal_year < MICRO_MODELS_FROM_FISCAL_YEAR:
        scheme = "abbreviated"
    return _MODELS[(company.legal_form == _ASSOCIATION, scheme)]


def _split_shares(rng: random.Random, holders: list[Person | Company], total: int) -> list[Shareholding]:
    """Split `total` shares among holders, the first (a parent company, if any) holding the most."""
    remaining, holdings = total, []
    for index, holder in enumerate(holders):
        last = index == len(holders) - 1
        shares = remaining if last else max(1, int(remaining * rng.uniform(0.5, 0.9)))
        remaining -= shares
        holdings.append(
            Shareholding(holder, shares, (Decimal(shares) * 100 / total).quantize(Decimal("0.01")))
        )
    return holdings


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@functools.cache
def _name_pool(language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names of the Faker locale matching the language (read once, drawn by our rng)."""
    provider = importlib.import_module(f"faker.providers.person.{_NAME_LOCALES[language]}").Provider
    return tuple(provider.first_names), tuple(provider.last_names)


class _Weighted:
    """A weighted choice, drawn with one rng.random()."""

    def __init__(self, pairs: Iterable[tuple[Any, float]]):
        values, weights = zip(*pairs, strict=True)
        self.values = values
        self._cumulative = tuple(itertools.accumulate(float(weight) for weight in weights))

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])]


_HALF_BITS = 13  # a Feistel network on 26 bits covers BASES (< 2**26); cycle-walking keeps it inside
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUND_FACTOR = 0x9E3779B1  # the round function: (half ^ key) * this, folded to a half (inlined for speed)


@dataclass(frozen=True)
class _Permutation:
    """A keyed permutation of the enterprise-number bases: a 4-round Feistel network with cycle
    walking, so neighbouring inputs land far apart (no arithmetic patterns in batches or references)."""

    keys: tuple[int, ...]

    @classmethod
    def keyed(cls, rng: random.Random) -> _Permutation:
        return cls(tuple(rng.getrandbits(32) for _ in range(4)))

    def forward(self, base: int) -> int:
        value = base
        while True:  # encrypt until the value lands inside BASES (cycle walking)
            left, right = value >> _HALF_BITS, value & _HALF_MASK
            for key in self.keys:
                mixed = ((right ^ key) * _ROUND_FACTOR) & 0xFFFFFFFF
                left, right = right, left ^ ((mixed ^ (mixed >> 15)) & _HALF_MASK)
            value = (left << _HALF_BITS) | right
            if value < BASES:
                return value

    def inverse(self, position: int) -> int:
        value = position
        while True:  # decrypt, walking the cycle back the same way
            left, right = value >> _HALF_BITS, value & _HALF_MASK
            for key in reversed(self.keys):
                mixed = ((left ^ key) * _ROUND_FACTOR) & 0xFFFFFFFF
                left, right = right ^ ((mixed ^ (mixed >> 15)) & _HALF_MASK), left
            value = (left << _HALF_BITS) | right
            if value < BASES:
                return value


@dataclass(frozen=True)
class _Feed:
    """Positions 0..total-1 of one year's feed, laid out day after day from January 1st."""

    first_day: date
    cumulative: tuple[int, ...]  # positions published up to and including each day
    permutation: _Permutation

    def day_of(self, position: int) -> date | None:
        if position >= self.cumulative[-1]:
            return None
        return self.first_day + timedelta(days=bisect.bisect_right(self.cumulative, position))

    def positions(self, day: date) -> range:
        index = (day - self.first_day).days
        return range(self.cumulative[index - 1] if index else 0, self.cumulative[index])


@dataclass(frozen=True)
class _Activity:
    code: str
    joint_committee: str | None
    words: dict[str, tuple[str, ...]]
    association: bool


@dataclass(frozen=True)
class _Region:
    cities: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]


@dataclass(frozen=True)
class _FeedShape:
    weekday_mean: float
    spread: float
    month_weights: tuple[float, ...]
    start: date | None


@dataclass(frozen=True)
class _Shape:
    """The parsed fixture: what the world looks like."""

    first_fiscal_years: tuple[int, int]
    first_deposit_year: int
    never_filer_share: float
    fiscal_year_end_months: _Weighted
    languages: _Weighted
    sizes: _Weighted
    legal_forms_by_size: dict[str, _Weighted]
    association_schemes: _Weighted
    consolidating_share: float
    participation_share: float
    corporate_director_share: float
    legal_forms: dict[str, dict[str, dict[str, str]]]
    joint_committees: dict[str, dict[str, str]]
    company_activities: _Weighted
    association_activities: _Weighted
    regions: dict[str, _Region]
    deposit_days: tuple[int, int]
    correction_share: float
    complementary_share: float
    pdf_only_share: float
    validation_failure_share: float
    assembly_missing_share: float
    batch: _FeedShape
    min_days_after_exercise_end: int
    improvement_feed: _FeedShape
    improvement_start: date
    min_days_after_deposit: int
    corrected_data: _Weighted

    @classmethod
    def parse(cls, fixture: dict[str, Any]) -> _Shape:
        companies, deposits = fixture["companies"], fixture["deposits"]
        batch, improvements = fixture["daily_batch"], fixture["improvements"]
        activities = [
            (
                _Activity(
                    str(item["code"]),
                    item.get("joint_committee"),
                    {language: tuple(words) for language, words in item["words"].items()},
                    bool(item.get("association", False)),
                ),
                item["weight"],
            )
            for item in fixture["activities"]
        ]
        start = _as_date(improvements["start"])
        return cls(
            first_fiscal_years=tuple(companies["first_fiscal_year"]),
            first_deposit_year=companies["first_deposit_year"],
            never_filer_share=companies["never_filer_share"],
            fiscal_year_end_months=_Weighted(companies["fiscal_year_end_month"].items()),
            languages=_Weighted(companies["languages"].items()),
            sizes=_Weighted(companies["sizes"].items()),
            legal_forms_by_size={
                size: _Weighted(forms.items()) for size, forms in companies["legal_forms_by_size"].items()
            },
            association_schemes=_Weighted(companies["association_schemes"].items()),
            consolidating_share=companies["consolidating_share_of_large"],
            participation_share=companies["participation_share"],
            corporate_director_share=companies["corporate_director_share"],
            legal_forms=fixture["legal_forms"],
            joint_committees=fixture["joint_committees"],
            company_activities=_Weighted(
                (item, weight) for item, weight in activities if not item.association
            ),
            association_activities=_Weighted(
                (item, weight) for item, weight in activities if item.association
            ),
            regions={
                language: _Region(tuple(tuple(city) for city in region["cities"]), tuple(region["streets"]))
                for language, region in fixture["regions"].items()
            },
            deposit_days=tuple(deposits["days_after_exercise_end"]),
            correction_share=deposits["correction_share"],
            complementary_share=deposits["complementary_share"],
            pdf_only_share=deposits["pdf_only_share"],
            validation_failure_share=deposits["legal_validation_failure_share"],
            assembly_missing_share=deposits["general_assembly_missing_share"],
            batch=_FeedShape(batch["weekday_mean"], batch["spread"], tuple(batch["month_weights"]), None),
            min_days_after_exercise_end=batch["min_days_after_exercise_end"],
            improvement_feed=_FeedShape(
                improvements["weekday_mean"], improvements["spread"], (1.0,) * 12, start
            ),
            improvement_start=start,
            min_days_after_deposit=improvements["min_days_after_deposit"],
            corrected_data=_Weighted(improvements["corrected_data"].items()),
        )


@dataclass(frozen=True)
class _Magic:
    """A magic enterprise number of the fixture and the behaviour it promises."""

    number: str
    base: int
    description: str
    overrides: dict[str, Any]
    pdf_only: bool
    consolidated_url_null: bool
    improvements: tuple[dict[str, Any], ...]

    @classmethod
    def parse_all(cls, fixture: dict[str, Any]) -> list[_Magic]:
        found = []
        for item in fixture.get("magic_companies", ()):
            number = str(item["enterprise_number"])
            found.append(
                cls(
                    number=number,
                    base=_base(number),
                    description=item.get("description", ""),
                    overrides=dict(item.get("overrides", {})),
                    pdf_only=bool(item.get("pdf_only", False)),
                    consolidated_url_null=bool(item.get("consolidated_url_null", False)),
                    improvements=tuple(item.get("improvements", ())),
                )
            )
        return found
