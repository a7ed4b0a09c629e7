"""Purchase and sales invoices (and credit notes) and expense notes of a client, month by month.

A document is found again from (client, model, day, index): the month's draws say how many documents
there are and on which days, so a sales invoice's number follows on from the earlier months' count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from sandbox.apis.codabox.world import BANKS
from sandbox.worlds.calendar import business_days, first_of_next_month, months_between
from sandbox.worlds.identities import (
    ENTERPRISE_NUMBERS,
    be_iban_at,
    be_vat_number,
    enterprise_number,
    structured_communication,
)
from sandbox.worlds.names import address, full_name, name_pool

if TYPE_CHECKING:
    from sandbox.apis.codabox.world import Client, CodaboxWorld

VAT_RATES = (Decimal(21), Decimal(21), Decimal(21), Decimal(6), Decimal(12))
GOODS = (
    ("Consultancy", "HUR", 85, 140),
    ("Onderhoud installatie", "HUR", 45, 75),
    ("Kantoorbenodigdheden", "C62", 3, 60),
    ("Softwarelicentie (maand)", "C62", 15, 120),
    ("Transport", "KMT", 1, 2),
    ("Drukwerk", "C62", 20, 400),
    ("Catering", "C62", 12, 35),
    ("Herstelling", "HUR", 50, 90),
)  # fmt: skip
EXPENSE_CATEGORIES = (("Maaltijd", 12), ("Parking", 21), ("Brandstof", 21), ("Treinticket", 6), ("Hotel", 6))


@dataclass(frozen=True)
class Party:
    name: str
    enterprise_number: str
    street: str
    zip: str
    city: str
    iban: str = ""

    @property
    def vat_number(self) -> str:
        return be_vat_number(self.enterprise_number)


@dataclass(frozen=True)
class InvoiceLine:
    id: str
    description: str
    unit: str  # UN/ECE rec. 20 unit code
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal

    @property
    def net(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class Invoice:
    number: str
    model: str  # "purchase_invoice" or "sales_invoice"
    credit_note: bool
    issue_date: date
    due_date: date
    supplier: Party
    customer: Party
    lines: tuple[InvoiceLine, ...]
    structured_communication: str  # 12 digits
    currency: str = "EUR"

    @property
    def vat_breakdown(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        """(rate, taxable amount, VAT) per rate, highest rate first."""
        rates = sorted({line.vat_rate for line in self.lines}, reverse=True)
        out = []
        for rate in rates:
            taxable = sum((line.net for line in self.lines if line.vat_rate == rate), Decimal(0))
            out.append((rate, taxable, cents(taxable * rate / 100)))
        return out

    @property
    def net_total(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal(0))

    @property
    def vat_total(self) -> Decimal:
        return sum((vat for _, _, vat in self.vat_breakdown), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.net_total + self.vat_total


@dataclass(frozen=True)
class ExpenseNote:
    number: str
    day: date
    employee: str
    company: Party
    category: str
    merchant: str
    amount: Decimal  # VAT included
    vat_rate: Decimal

    @property
    def vat(self) -> Decimal:
        return cents(self.amount * self.vat_rate / (100 + self.vat_rate))


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, halves away from zero as invoices and payslips round."""
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _month_days(world: CodaboxWorld, client: Client, model: str, year: int, month: int) -> list[date]:
    low, high = world.fixture[f"{model}s_per_month" if model != "expense" else "expense_notes_per_month"]
    rng = world.rng("invoice-month", client.id, model, year, month)
    first = date(year, month, 1)
    days = business_days(first, first_of_next_month(first) - timedelta(1), BANKS)
    return sorted(rng.choice(days) for _ in range(rng.randint(int(low), int(high))))


def entries(
    world: CodaboxWorld, client: Client, model: str, start: date, end: date
) -> list[tuple[date, int]]:
    """(day, index in its month) of every document of this model dated from `start` to `end`."""
    out = []
    for month in months_between(start, end):
        for index, day in enumerate(_month_days(world, client, model, month.year, month.month)):
            if start <= day <= end:
                out.append((day, index))
    return out


def _sequence(world: CodaboxWorld, client: Client, model: str, day: date, index: int) -> int:
    """The document's number in its year: earlier months' documents first."""
    before = sum(len(_month_days(world, client, model, day.year, m)) for m in range(1, day.month))
    return before + index + 1


def _client_party(client: Client, iban: str) -> Party:
    return Party(
        name=client.name,
        enterprise_number=client.enterprise_number or "",
        street=client.address.street,
        zip=client.address.zip,
        city=client.address.city,
        iban=iban,
    )


def _other_party(world: CodaboxWorld, rng) -> Party:
    last = name_pool(rng.choice(("nl_BE", "fr_BE"))).last_name(rng)
    place = address(rng, "nl_BE")
    bank = rng.choice(list(world.banks.values()))
    return Party(
        name=f"{last} {rng.choice(('BV', 'NV', 'SRL', 'SA'))}",
        enterprise_number=enterprise_number(rng.randrange(2_000_000, ENTERPRISE_NUMBERS)),
        street=f"{place.street} {place.number}",
        zip=place.postal_code,
        city=place.city,
        iban=be_iban_at(rng.choice(bank.codes), rng.randrange(10**7)),
    )


def invoice(world: CodaboxWorld, client: Client, model: str, day: date, index: int) -> Invoice:
    rng = world.rng("invoice", client.id, model, day.isoformat(), index)
    other = _other_party(world, rng)
    own = _client_party(client, client.accounts[0].iban if client.accounts else "")
    lines = []
    for n in range(1, rng.randint(1, 5) + 1):
        description, unit, low, high = rng.choice(GOODS)
        lines.append(
            InvoiceLine(
                id=str(n),
                description=description,
                unit=unit,
                quantity=Decimal(rng.randint(1, 40)),
                unit_price=Decimal(rng.randrange(low * 100, high * 100 + 1)) / 100,
                vat_rate=rng.choice(VAT_RATES),
            )
        )
    sales = model == "sales_invoice"
    number = (
        f"{day.year}{_sequence(world, client, model, day, index):05d}"
        if sales
        else f"INV-{day:%y}{rng.randrange(10**6):06d}"
    )
    return Invoice(
        number=number,
        model=model,
        credit_note=rng.random() < 0.1,
        issue_date=day,
        due_date=day + timedelta(30),
        supplier=own if sales else other,
        customer=other if sales else own,
        lines=tuple(lines),
        structured_communication=structured_communication(rng.randrange(10**10)),
    )


def expense_note(world: CodaboxWorld, client: Client, day: date, index: int) -> ExpenseNote:
    rng = world.rng("expense", client.id, day.isoformat(), index)
    category, rate = rng.choice(EXPENSE_CATEGORIES)
    return ExpenseNote(
        number=f"EXP-{day.year}-{_sequence(world, client, 'expense', day, index):04d}",
        day=day,
        employee=full_name(rng, "nl_BE"),
        company=_client_party(client, ""),
        category=category,
        merchant=f"{name_pool('nl_BE').last_name(rng)} {address(rng, 'nl_BE').city}",
        amount=Decimal(rng.randrange(500, 25_000)) / 100,
        vat_rate=Decimal(rate),
    )
