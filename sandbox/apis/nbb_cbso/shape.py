"""The shape of the NBB world as `fixtures/nbb-cbso.yaml` gives it: shares, mixes, daily feeds, and
the magic enterprise numbers with the behaviour each promises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sandbox.apis.nbb_cbso.entities import enterprise_base
from sandbox.worlds.rng import Weighted


@dataclass(frozen=True)
class Activity:
    code: str
    joint_committee: str | None
    words: dict[str, tuple[str, ...]]
    association: bool


@dataclass(frozen=True)
class Region:
    cities: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]


@dataclass(frozen=True)
class FeedShape:
    weekday_mean: float | None  # None: every company of the filing population, once a year
    spread: float
    month_weights: tuple[float, ...]
    start: date | None


@dataclass(frozen=True)
class Shape:
    """The parsed fixture: what the world looks like."""

    first_fiscal_years: tuple[int, int]
    first_deposit_year: int
    filers: int
    never_filer_share: float
    fiscal_year_end_months: Weighted
    languages: Weighted
    sizes: Weighted
    legal_forms_by_size: dict[str, Weighted]
    association_schemes: Weighted
    consolidating_share: float
    participation_share: float
    corporate_director_share: float
    legal_forms: dict[str, dict[str, dict[str, str]]]
    joint_committees: dict[str, dict[str, str]]
    company_activities: Weighted
    association_activities: Weighted
    regions: dict[str, Region]
    deposit_days: tuple[int, int]
    correction_share: float
    complementary_share: float
    pdf_only_share: float
    validation_failure_share: float
    assembly_missing_share: float
    batch: FeedShape
    min_days_after_exercise_end: int
    improvement_feed: FeedShape
    improvement_start: date
    min_days_after_deposit: int
    corrected_data: Weighted

    @classmethod
    def parse(cls, fixture: dict[str, Any]) -> Shape:
        companies, deposits = fixture["companies"], fixture["deposits"]
        batch, improvements = fixture["daily_batch"], fixture["improvements"]
        activities = [
            (
                Activity(
                    str(item["code"]),
                    item.get("joint_committee"),
                    {language: tuple(words) for language, words in item["words"].items()},
                    bool(item.get("association", False)),
                ),
                item["weight"],
            )
            for item in fixture["activities"]
        ]
        start = as_date(improvements["start"])
        return cls(
            first_fiscal_years=tuple(companies["first_fiscal_year"]),
            first_deposit_year=companies["first_deposit_year"],
            filers=companies["filers"],
            never_filer_share=companies["never_filer_share"],
            fiscal_year_end_months=Weighted(companies["fiscal_year_end_month"].items()),
            languages=Weighted(companies["languages"].items()),
            sizes=Weighted(companies["sizes"].items()),
            legal_forms_by_size={
                size: Weighted(forms.items()) for size, forms in companies["legal_forms_by_size"].items()
            },
            association_schemes=Weighted(companies["association_schemes"].items()),
            consolidating_share=companies["consolidating_share_of_large"],
            participation_share=companies["participation_share"],
            corporate_director_share=companies["corporate_director_share"],
            legal_forms=fixture["legal_forms"],
            joint_committees=fixture["joint_committees"],
            company_activities=Weighted(
                (item, weight) for item, weight in activities if not item.association
            ),
            association_activities=Weighted(
                (item, weight) for item, weight in activities if item.association
            ),
            regions={
                language: Region(tuple(tuple(city) for city in region["cities"]), tuple(region["streets"]))
                for language, region in fixture["regions"].items()
            },
            deposit_days=tuple(deposits["days_after_exercise_end"]),
            correction_share=deposits["correction_share"],
            complementary_share=deposits["complementary_share"],
            pdf_only_share=deposits["pdf_only_share"],
            validation_failure_share=deposits["legal_validation_failure_share"],
            assembly_missing_share=deposits["general_assembly_missing_share"],
            batch=FeedShape(None, batch["spread"], tuple(batch["month_weights"]), None),
            min_days_after_exercise_end=batch["min_days_after_exercise_end"],
            improvement_feed=FeedShape(
                improvements["weekday_mean"], improvements["spread"], (1.0,) * 12, start
            ),
            improvement_start=start,
            min_days_after_deposit=improvements["min_days_after_deposit"],
            corrected_data=Weighted(improvements["corrected_data"].items()),
        )


@dataclass(frozen=True)
class Magic:
    """A magic enterprise number of the fixture and the behaviour it promises."""

    number: str
    base: int
    description: str
    overrides: dict[str, Any]
    pdf_only: bool
    consolidated_url_null: bool
    improvements: tuple[dict[str, Any], ...]

    @classmethod
    def parse_all(cls, fixture: dict[str, Any]) -> list[Magic]:
        found = []
        for item in fixture.get("magic_companies", ()):
            number = str(item["enterprise_number"])
            found.append(
                cls(
                    number=number,
                    base=enterprise_base(number),
                    description=item.get("description", ""),
                    overrides=dict(item.get("overrides", {})),
                    pdf_only=bool(item.get("pdf_only", False)),
                    consolidated_url_null=bool(item.get("consolidated_url_null", False)),
                    improvements=tuple(item.get("improvements", ())),
                )
            )
        return found


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
