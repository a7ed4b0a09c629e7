"""CARO: the monthly statement of a business credit card, as the `application/vnd.caro.v1+xml` file.

The real CARO layout is not public: this one is the sandbox's own (labelled invented in the spec).
Balances are what the company owes on the card. Each statement settles the previous one by direct
debit, so a month opens with the previous month's purchases and closes with its own:
closing = opening + the signed sum of the transactions (debits add, credits subtract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from sandbox.apis.codabox.invoices import cents
from sandbox.worlds.calendar import first_of_next_month

if TYPE_CHECKING:
    from sandbox.apis.codabox.world import Client, CodaboxWorld, CreditCard

VERSION = "1.0"
MERCHANTS = (
    "Shell Express",
    "TotalEnergies",
    "Q8 Easy",
    "SNCB/NMBS",
    "Brussels Airlines",
    "Thalys",
    "Colruyt",
    "Delhaize",
    "Amazon EU",
    "Microsoft Ireland",
    "Google Cloud EMEA",
    "Booking.com",
    "Uber BV",
    "MediaMarkt",
    "Bol.com",
    "Interparking",
    "Restaurant De Kroon",
    "Hotel Metropole",
)


@dataclass(frozen=True)
class CardTransaction:
    day: date
    merchant: str
    amount: Decimal  # positive; `sign` says which way it moves the balance
    sign: str  # "D": owed more (a purchase), "C": owed less (a settlement or refund)
    currency: str = "EUR"

    @property
    def signed(self) -> Decimal:
        return self.amount if self.sign == "D" else -self.amount


@dataclass(frozen=True)
class CardStatement:
    card: CreditCard
    client_code: str
    company_name: str
    enterprise_number: str
    period: date  # first day of the month billed
    issued: date
    opening: Decimal
    transactions: tuple[CardTransaction, ...]

    @property
    def billing_period(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def total_debit(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.sign == "D"), Decimal(0))

    @property
    def total_credit(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.sign == "C"), Decimal(0))

    @property
    def closing(self) -> Decimal:
        return self.opening + sum((t.signed for t in self.transactions), Decimal(0))


def _purchases(world: CodaboxWorld, client: Client, period: date) -> list[CardTransaction]:
    """The month's card payments, drawn for that month alone so a statement needs no other one."""
    rng = world.rng("caro", client.id, period.isoformat())
    days = (first_of_next_month(period) - period).days
    found = []
    for _ in range(rng.randint(3, 14)):
        amount = cents(Decimal(rng.randrange(4_50, 1_200_00)) / 100)
        day = period + timedelta(rng.randrange(days))
        found.append(CardTransaction(day, rng.choice(MERCHANTS), amount, "D"))
    if rng.random() < 0.2:  # now and then a merchant refunds part of a purchase
        refunded = rng.choice(found)
        found.append(CardTransaction(refunded.day, refunded.merchant, cents(refunded.amount / 2), "C"))
    return sorted(found, key=lambda t: (t.day, t.sign, t.merchant, t.amount))


def build(world: CodaboxWorld, client: Client, card: CreditCard, period: date, issued: date) -> CardStatement:
    previous_period = (period - timedelta(1)).replace(day=1)
    opening = sum((t.signed for t in _purchases(world, client, previous_period)), Decimal(0))
    # the bank collects the previous month's balance early in the month, on the same day each month
    settlement_day = period + timedelta(world.rng("caro-settlement", client.id).randint(3, 9))
    transactions = list(_purchases(world, client, period))
    if opening > 0:
        transactions.append(CardTransaction(settlement_day, f"Direct debit {card.bank.name}", opening, "C"))
    return CardStatement(
        card=card,
        client_code=client.code,
        company_name=client.name,
        enterprise_number=client.enterprise_number or "",
        period=period,
        issued=issued,
        opening=opening,
        transactions=tuple(sorted(transactions, key=lambda t: (t.day, t.sign, t.merchant, t.amount))),
    )


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def render(statement: CardStatement) -> bytes:
    root = etree.Element("CaroStatement", version=VERSION)
    header = _sub(root, "Header")
    _sub(header, "BillingPeriod", statement.billing_period)
    _sub(header, "IssueDate", statement.issued.isoformat())
    _sub(header, "ClientReference", statement.client_code)
    bank = _sub(header, "Bank")
    _sub(bank, "Name", statement.card.bank.name)
    _sub(bank, "BIC", statement.card.bank.bic)
    holder = _sub(header, "CardHolder")
    _sub(holder, "Name", statement.card.holder)
    _sub(holder, "CompanyName", statement.company_name)
    _sub(holder, "CompanyNumber", f"BE{statement.enterprise_number}")
    card = _sub(header, "Card")
    _sub(card, "Brand", statement.card.brand)
    _sub(card, "MaskedNumber", statement.card.masked_number)
    balances = _sub(root, "Balances", currency="EUR")
    _sub(balances, "Opening", f"{statement.opening:.2f}")
    _sub(balances, "Closing", f"{statement.closing:.2f}")
    transactions = _sub(root, "Transactions", count=str(len(statement.transactions)))
    for transaction in statement.transactions:
        line = _sub(transactions, "Transaction")
        _sub(line, "Date", transaction.day.isoformat())
        _sub(line, "Merchant", transaction.merchant)
        _sub(line, "Amount", f"{transaction.amount:.2f}")
        _sub(line, "Currency", transaction.currency)
        _sub(line, "Sign", transaction.sign)
    totals = _sub(root, "Totals")
    _sub(totals, "Debit", f"{statement.total_debit:.2f}")
    _sub(totals, "Credit", f"{statement.total_credit:.2f}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
