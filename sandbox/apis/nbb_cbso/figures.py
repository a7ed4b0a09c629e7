"""The figures of a company's exercises: balance sheet, income statement and average FTE.

Company traits are drawn once, each exercise varies around them, and the totals always add up, so
N and NM1 of consecutive deposits agree with each other.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sandbox.apis.nbb_cbso.entities import (
    ASSOCIATION,
    BEF_PER_EUR,
    EURO_FROM_FISCAL_YEAR,
    Company,
    Deposit,
    Improvement,
)
from sandbox.worlds.rng import rng_for

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
    traits = rng_for(company.rng_key, "finance")
    low, high = _SCALES[(company.legal_form == ASSOCIATION, company.scheme)]
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
    year = rng_for(company.rng_key, "finance", fiscal_year, "consolidated" if consolidated else "own")
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
    rng = rng_for(deposit.company.rng_key, "correction", deposit.reference)
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
