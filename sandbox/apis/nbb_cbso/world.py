"""The NBB CBSO world: companies, their deposits and the bank's improvements.

Nothing is stored. A company is generated from its enterprise number, its deposits from
(enterprise number, deposit year), each from its own seeded stream
(``rng_for(seed, tenant, "nbb-cbso", key)``), so every process on every machine agrees on every
name, reference and amount. Keyed permutations of the enterprise-number space tie the parts
together: one turns an enterprise number into the sequence of its references (and back), one
picks the filing population (``companies.filers`` of the fixture; every other valid number is a
company that never filed), and one per year and feed lays that population out over the days of
the year.

The query operations and the daily extracts describe one world: a day's extract holds every
deposit published that day (the filing population's and the magic companies'), and every deposit
the query operations list is in the extract of its day. A year's index of deposit days is made
from each filer's cheap filing plan (dates only, no names or figures) the first time a day of that
year is asked for.

The shape of the world (shares, mixes, magic companies) comes from ``fixtures/nbb-cbso.yaml``
(``shape.py``); the entities are in ``entities.py``, their figures in ``figures.py``, the daily
feeds in ``feeds.py`` and the wire views in ``views.py``.
"""

from __future__ import annotations

import functools
import operator
import random
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sandbox.apis.nbb_cbso.entities import (
    ANNUAL,
    ASSOCIATION,
    CONSOLIDATED,
    CORRECTION,
    EURO_FROM_FISCAL_YEAR,
    SLOTS,
    XBRL_FROM,
    Company,
    Deposit,
    Director,
    Improvement,
    Participation,
    Person,
    Shareholding,
    deposit_lag,
    enterprise_base,
)
from sandbox.apis.nbb_cbso.feeds import Feed, lay_out
from sandbox.apis.nbb_cbso.shape import Activity, Magic, Shape, as_date
from sandbox.worlds.calendar import month_end
from sandbox.worlds.identities import ENTERPRISE_NUMBERS, enterprise_number
from sandbox.worlds.ids import Permutation
from sandbox.worlds.names import Address, name_pool
from sandbox.worlds.rng import rng_for

MICRO_MODELS_FROM_FISCAL_YEAR = 2016
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
# Consolidated accounts are filed as PDF only; public clients select them by exactly these models.
_CONSOLIDATED_MODELS = ("m120-f-p", "m121-f-p", "m122-f-p", "m123-f-p")


@dataclass(frozen=True, slots=True)
class _Profile:
    """The first draws of a company: enough to know when it deposits, without names or people."""

    language: str
    size: str
    legal_form: str
    scheme: str
    activity: Activity
    fiscal_year_end_month: int
    first_fiscal_year: int
    files: bool
    consolidates: bool
    member: int | None  # its place in the filing population


@dataclass(frozen=True, slots=True)
class _Filing:
    """What a company deposits in one calendar year, drawn before any document is made."""

    fiscal_year: int
    published: date
    pdf_only: bool
    legal_validation: bool
    assembly: date | None
    correction: tuple[date, str] | None  # (deposit date, deposit type)
    consolidation: tuple[str, date] | None  # (model type, deposit date)

    @property
    def days(self) -> set[date]:
        found = {self.published}
        if self.correction:
            found.add(self.correction[0])
        if self.consolidation:
            found.add(self.consolidation[1])
        return found


class NbbWorld:
    """Every valid enterprise number is a company; deposits and improvements follow from the seed."""

    def __init__(self, seed: str, tenant: str, fixture: dict[str, Any]):
        self._prefix = f"{seed}:{tenant}:nbb-cbso"
        self._shape = Shape.parse(fixture)
        self._magic = {magic.base: magic for magic in Magic.parse_all(fixture)}
        # Bounded so that a world grown by a million companies stays a few MB (each tenant has
        # its own); a company that fell out is made again, in about a millisecond.
        self._filers = Permutation.keyed(self._rng("filers"), ENTERPRISE_NUMBERS)
        self._profile = functools.lru_cache(maxsize=2048)(
            lambda base: self._draw_profile(self._rng(f"company:{base}"), base)
        )
        self._core = functools.lru_cache(maxsize=2048)(self._build_core)
        self._company = functools.lru_cache(maxsize=1024)(self._build_company)
        self._year_deposits = functools.lru_cache(maxsize=4096)(self._build_year_deposits)
        self._feed = functools.lru_cache(maxsize=256)(self._build_feed)
        # about 250 kB a year; a client walking the archive touches three or four years
        self._deposit_days = functools.lru_cache(maxsize=4)(self._build_deposit_days)
        self._reference_permutations: dict[int, Permutation] = {}
        self._magic_improvements = {
            base: self._build_magic_improvements(magic) for base, magic in self._magic.items()
        }

    # -- queries

    @property
    def filer_count(self) -> int:
        """How many companies make up the filing population."""
        return self._shape.filers

    def filer(self, index: int) -> str:
        """The enterprise number of the `index`-th company of the filing population."""
        return enterprise_number(self._filers.inverse(index))

    def company(self, enterprise_number: str) -> Company:
        return self._company(enterprise_base(enterprise_number))

    def deposits(self, enterprise_number: str, today: date) -> list[Deposit]:
        """Published deposits of a company (deposit date <= today), oldest first."""
        base = enterprise_base(enterprise_number)
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
        """Every deposit published on `day`: the daily extract of that day."""
        if not self._shape.first_deposit_year <= day.year <= LAST_YEAR:
            return []
        found = [
            deposit
            for base in self._deposit_days(day.year).get(day, ())
            for deposit in self._year_deposits(base, day.year)
            if deposit.deposit_date == day
        ]
        for base in self._magic:
            found.extend(
                deposit for deposit in self._year_deposits(base, day.year) if deposit.deposit_date == day
            )
        return found

    def improvements(self, enterprise_number: str, today: date) -> list[Improvement]:
        """Improvements of a company's deposits made on or before `today`, oldest first."""
        base = enterprise_base(enterprise_number)
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
        found = []
        for base in self._featured("improvements", day):
            if base not in self._magic:
                found.extend(
                    imp for imp in self._company_improvements(base, day.year) if imp.improvement_date == day
                )
        for improvements in self._magic_improvements.values():
            found.extend(imp for imp in improvements if imp.improvement_date == day)
        return found

    # -- randomness

    def _rng(self, key: str) -> random.Random:
        return rng_for(self._prefix, key)

    # -- companies

    def _draw_profile(self, rng: random.Random, base: int) -> _Profile:
        shape = self._shape
        magic = self._magic.get(base)
        overrides = magic.overrides if magic else {}
        language = overrides.get("language", shape.languages.pick(rng))
        size = overrides.get("size", shape.sizes.pick(rng))
        legal_form = overrides.get("legal_form", shape.legal_forms_by_size[size].pick(rng))
        scheme = {"micro": "micro", "small": "abbreviated", "large": "full"}.get(size)
        if scheme is None:
            scheme = shape.association_schemes.pick(rng)
        activities = shape.association_activities if legal_form == ASSOCIATION else shape.company_activities
        activity = activities.pick(rng)
        month = overrides.get("fiscal_year_end_month", shape.fiscal_year_end_months.pick(rng))
        first_fiscal_year = overrides.get("first_fiscal_year", rng.randint(*shape.first_fiscal_years))
        drawn_files = rng.random() >= shape.never_filer_share  # drawn always: the stream stays the same
        member = None if magic else self._member(base)
        files = overrides.get("files", True if magic else drawn_files and member is not None)
        consolidates = overrides.get(
            "consolidates", size == "large" and rng.random() < shape.consolidating_share
        )
        return _Profile(
            language,
            size,
            legal_form,
            scheme,
            activity,
            month,
            first_fiscal_year,
            files,
            consolidates,
            member,
        )

    def _build_core(self, base: int) -> Company:
        """A company without its relations to other companies (so relations never recurse)."""
        shape = self._shape
        magic = self._magic.get(base)
        overrides = magic.overrides if magic else {}
        rng = self._rng(f"company:{base}")
        profile = self._draw_profile(rng, base)
        language, legal_form, month = profile.language, profile.legal_form, profile.fiscal_year_end_month
        # The first exercise lasts at least three months.
        opened = month_end(profile.first_fiscal_year - 1, month) + timedelta(days=1)
        first_end = month_end(profile.first_fiscal_year, month)
        founded = opened + timedelta(days=rng.randrange((first_end - opened).days - 90))
        address = self._address(rng, language)
        form = shape.legal_forms[legal_form]
        association = legal_form == ASSOCIATION
        name = self._company_name(
            rng, language, form["suffix"][language], profile.activity, address.city, association
        )
        code = profile.activity.joint_committee
        return Company(
            enterprise_number=enterprise_number(base),
            name=overrides.get("name", name),
            address=address,
            legal_form=legal_form,
            legal_form_label=form["label"][language],
            language=language,
            activity_code=profile.activity.code,
            size=profile.size,
            founded=founded,
            scheme=profile.scheme,
            fiscal_year_end_month=month,
            first_fiscal_year=profile.first_fiscal_year,
            files=profile.files,
            consolidates=profile.consolidates,
            joint_committee=(code, shape.joint_committees[code][language]) if code else None,
            share_count=rng.choice(
                (10_000, 18_600, 62_000, 250_000) if profile.size == "large" else (100, 186, 500, 750, 1000)
            ),
            rng_key=f"{self._prefix}:company:{base}",
        )

    def _build_company(self, base: int) -> Company:
        core = self._core(base)
        rng = self._rng(f"company:{base}:relations")
        shape = self._shape
        language = core.language
        association = core.legal_form == ASSOCIATION
        directors: list[Director] = []
        if not association and rng.random() < shape.corporate_director_share:
            manager = self._related_core(rng, base, ("610", "014"))
            directors.append(Director(None, manager, self._person(rng, language), True, core.founded))
        count = {"014": 3, "706": 3, ASSOCIATION: rng.randint(3, 5)}.get(core.legal_form, rng.randint(1, 2))
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
        """Another company of the filing population (its accounts are public too), never this one nor
        a magic one; of one of `legal_forms` if a few draws find it."""
        for _ in range(8):
            other = self._filers.inverse(rng.randrange(self._shape.filers))
            while other == base or other in self._magic:
                other = self._filers.inverse(rng.randrange(self._shape.filers))
            related = self._core(other)
            if related.legal_form in legal_forms:
                break
        return related

    def _person(self, rng: random.Random, language: str) -> Person:
        names = name_pool(_NAME_LOCALES[language])
        return Person(
            rng.choice(names.first_names), rng.choice(names.last_names), self._address(rng, language)
        )

    def _address(self, rng: random.Random, language: str) -> Address:
        region = self._shape.regions[language]
        postal_code, city = rng.choice(region.cities)
        street = rng.choice(region.streets)
        u = rng.random()
        number = str(1 + int(180 * u * u))
        box = rng.choice(_BOXES) if rng.random() < 0.15 else None
        return Address(street, number, box, postal_code, city, "BE")

    def _company_name(
        self,
        rng: random.Random,
        language: str,
        suffix: str,
        activity: Activity,
        city: str,
        association: bool,
    ) -> str:
        last_names = name_pool(_NAME_LOCALES[language]).last_names
        word = rng.choice(activity.words[language])
        last, other = rng.choice(last_names), rng.choice(last_names)
        if association:
            patterns = ("{word} {city}", "{word} {city}", "{word} {city}", "{word} {last}")
        else:
            patterns = ("{last}", "{last}", "{word} {last}", "{last} & {other}", "{word} {city}")
        return f"{rng.choice(patterns).format(word=word, city=city, last=last, other=other)} {suffix}"

    # -- deposits

    def _filing(self, base: int, year: int) -> _Filing | None:
        """What a company deposits in calendar year `year`: annual, maybe correction, consolidated."""
        profile = self._profile(base)
        month = profile.fiscal_year_end_month
        fiscal_year = year - deposit_lag(month)
        if (
            not profile.files
            or fiscal_year < profile.first_fiscal_year
            or not (self._shape.first_deposit_year <= year <= LAST_YEAR)
        ):
            return None
        shape = self._shape
        magic = self._magic.get(base)
        end = month_end(fiscal_year, month)
        rng = self._rng(f"deposits:{base}:{year}")
        published = self._own_deposit_date(rng, end, year)
        featured = self._featured_day("deposits", profile.member, year)
        if featured is not None and featured >= end + timedelta(days=shape.min_days_after_exercise_end):
            published = featured
        pdf_only = rng.random() < shape.pdf_only_share and year >= XBRL_FROM.year
        if magic:
            pdf_only = magic.pdf_only
        legal_validation = rng.random() >= shape.validation_failure_share
        assembly = _assembly_date(rng, end, published, shape.assembly_missing_share)
        correction = None
        # magic companies file exactly what the fixture promises: no corrections of their own
        if rng.random() < shape.correction_share and base not in self._magic:
            corrected = _weekday_in_year(published + timedelta(days=rng.randint(14, 120)))
            deposit_type = "Complementary" if rng.random() < shape.complementary_share else "Correction"
            if corrected.year == year and corrected > published:
                correction = (corrected, deposit_type)
        consolidation = None
        if profile.consolidates:
            consolidated_model = _CONSOLIDATED_MODELS[int(rng.random() * len(_CONSOLIDATED_MODELS))]
            consolidated_on = _weekday_in_year(
                min(published + timedelta(days=rng.randint(0, 60)), date(year, 12, 31))
            )
            consolidation = (consolidated_model, max(consolidated_on, published))
        return _Filing(
            fiscal_year, published, pdf_only, legal_validation, assembly, correction, consolidation
        )

    def _build_year_deposits(self, base: int, year: int) -> tuple[Deposit, ...]:
        """The deposits a company makes in calendar year `year`, as its filing plan says."""
        filing = self._filing(base, year)
        if filing is None:
            return ()
        company = self._company(base)
        magic = self._magic.get(base)
        start, end = company.exercise(filing.fiscal_year)
        model = _model(company, filing.fiscal_year)
        annual = Deposit(
            reference=self._reference(base, year, ANNUAL),
            company=company,
            deposit_date=filing.published,
            exercise_start=start,
            exercise_end=end,
            model_type=f"{model}-f-p" if filing.pdf_only else f"{model}-f",
            deposit_type="Initial",
            language=company.language,
            currency="BEF" if filing.fiscal_year < EURO_FROM_FISCAL_YEAR else "EUR",
            legal_situation="000",
            full_fill_legal_validation=filing.legal_validation,
            general_assembly_date=filing.assembly,
            consolidated=False,
            accounting_data_url_null=False,
        )
        deposits = [annual]
        if filing.correction:
            corrected, deposit_type = filing.correction
            deposits.append(
                replace(
                    annual,
                    reference=self._reference(base, year, CORRECTION),
                    deposit_date=corrected,
                    deposit_type=deposit_type,
                    full_fill_legal_validation=True,
                )
            )
        if filing.consolidation:
            consolidated_model, consolidated_on = filing.consolidation
            deposits.append(
                replace(
                    annual,
                    reference=self._reference(base, year, CONSOLIDATED),
                    deposit_date=consolidated_on,
                    model_type=consolidated_model,
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

    def _reference_permutation(self, year: int) -> Permutation:
        """Each deposit year numbers its references in its own order."""
        permutation = self._reference_permutations.get(year)
        if permutation is None:
            permutation = self._reference_permutations[year] = Permutation.keyed(
                self._rng(f"references:{year}"), ENTERPRISE_NUMBERS
            )
        return permutation

    # -- the filing population and its daily feeds

    def _member(self, base: int) -> int | None:
        """A company's place in the filing population, or None for a company that never files."""
        member = self._filers.forward(base)
        return member if member < self._shape.filers else None

    def _build_feed(self, kind: str, year: int) -> Feed:
        feed_shape = self._shape.batch if kind == "deposits" else self._shape.improvement_feed
        return lay_out(self._rng(f"{kind}-feed:{year}"), feed_shape, year, self._shape.filers)

    def _featured_day(self, kind: str, member: int | None, year: int) -> date | None:
        return None if member is None else self._feed(kind, year).day_of(member)

    def _featured(self, kind: str, day: date) -> list[int]:
        """The companies a feed puts on `day`."""
        return [self._filers.inverse(member) for member in self._feed(kind, day.year).members_on(day)]

    def _build_deposit_days(self, year: int) -> dict[date, tuple[int, ...]]:
        """The filers depositing on each day of `year`, from their filing plans alone."""
        days: dict[date, list[int]] = defaultdict(list)
        for member in range(self._shape.filers):
            base = self._filers.inverse(member)
            filing = None if base in self._magic else self._filing(base, year)
            for day in sorted(filing.days) if filing else ():
                days[day].append(base)
        return {day: tuple(bases) for day, bases in days.items()}

    # -- improvements

    def _company_improvements(self, base: int, through_year: int) -> tuple[Improvement, ...]:
        if base in self._magic:
            return self._magic_improvements[base]
        shape = self._shape
        found: list[Improvement] = []
        for year in range(shape.improvement_start.year, min(through_year, LAST_YEAR) + 1):
            day = self._featured_day("improvements", self._profile(base).member, year)
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

    def _build_magic_improvements(self, magic: Magic) -> tuple[Improvement, ...]:
        found = []
        for item in magic.improvements:
            year, day, kind = int(item["deposit_year"]), as_date(item["date"]), item["kind"]
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
    return _MODELS[(company.legal_form == ASSOCIATION, scheme)]


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
