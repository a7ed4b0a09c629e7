"""A bank account's statement of one business day: balances and the movements between them.

The same `Statement` is written as CODA (`coda.py`), camt.053 (`camt.py`) and PDF (`pdfs.py`), so the
three formats and the feed metadata always tell the same story. Balances are drawn per day (see
`CodaboxWorld.closing_balance`): the old balance is the previous business day's new balance, and the
movements are made to add up to the difference.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sandbox.apis.codabox.invoices import cents
from sandbox.apis.codabox.world import BANKS
from sandbox.worlds.calendar import add_business_days, business_day_of_year, business_days
from sandbox.worlds.identities import be_iban_at, structured_communication
from sandbox.worlds.names import address, full_name, name_pool

if TYPE_CHECKING:
    from sandbox.apis.codabox.world import BankAccount, Client, CodaboxWorld


@dataclass(frozen=True)
class MovementKind:
    """A Febelfin transaction code (family, transaction, category) and how it reads."""

    family: str
    transaction: str
    category: str
    label: str
    credit: bool
    camt: tuple[str, str, str]  # ISO 20022 bank transaction code: domain, family, sub-family


INCOMING_TRANSFER = MovementKind(
    "01", "50", "000", "Overschrijving in uw voordeel", True, ("PMNT", "RCDT", "ESCT")
)
OUTGOING_TRANSFER = MovementKind("01", "01", "000", "Overschrijving", False, ("PMNT", "ICDT", "ESCT"))
COLLECTIVE_TRANSFER = MovementKind(
    "01", "07", "000", "Collectieve overschrijving", False, ("PMNT", "ICDT", "BOOK")
)
DIRECT_DEBIT = MovementKind("05", "01", "000", "Domiciliering", False, ("PMNT", "RDDT", "ESDD"))
CARD_PAYMENT = MovementKind("04", "02", "000", "Betaling met debetkaart", False, ("PMNT", "CCRD", "POSD"))
BANK_CHARGES = MovementKind("35", "01", "000", "Beheerskosten", False, ("ACMT", "MDOP", "CHRG"))
SHOPS = ("Delhaize", "Colruyt", "Carrefour", "Q8", "Total", "Brico")
DEBIT_KINDS = (
    OUTGOING_TRANSFER,
    OUTGOING_TRANSFER,
    DIRECT_DEBIT,
    CARD_PAYMENT,
    COLLECTIVE_TRANSFER,
    BANK_CHARGES,
)


@dataclass(frozen=True)
class Movement:
    sequence: int  # 1, 2, ... within the statement
    detail: int  # 0 for a movement; 1, 2, ... for the details of a collective one
    amount: Decimal  # positive: credit, negative: debit
    kind: MovementKind
    value_date: date
    entry_date: date
    bank_reference: str
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    structured: str = ""  # the 12 digits of a structured communication, or ""
    communication: str = ""  # free communication when not structured
    client_reference: str = ""
    information: str = ""  # extra information (a record 3 in CODA), e.g. where a card was used
    details: tuple[Movement, ...] = ()

    @property
    def type_digit(self) -> str:
        """CODA's transaction type: 0 simple, 1 a collective movement, 5 one of its details."""
        return "1" if self.details else ("5" if self.detail else "0")

    @property
    def transaction_code(self) -> str:
        return f"{self.type_digit}{self.kind.family}{self.kind.transaction}{self.kind.category}"

    @property
    def remittance(self) -> str:
        """The communication as people write it."""
        if self.structured:
            s = self.structured
            return f"+++{s[:3]}/{s[3:7]}/{s[7:]}+++"
        return self.communication


@dataclass(frozen=True)
class Statement:
    iban: str
    bic: str
    bank_code: str  # the bank's 3-digit protocol code
    bank_name: str
    holder_name: str
    holder_enterprise_number: str
    description: str
    number: int  # the statement's sequence number in its year
    old_balance: Decimal
    old_balance_date: date
    new_balance: Decimal
    new_balance_date: date
    movements: tuple[Movement, ...]
    created: date
    accented: bool = False  # names keep their accents (else files carry them as plain ASCII)
    free_message: str = ""
    currency: str = "EUR"
    extension: str = ""
    holder_address: tuple[str, str, str] = field(default=("", "", ""))

    @property
    def total_credit(self) -> Decimal:
        return sum((m.amount for m in self.movements if m.amount > 0), Decimal(0))

    @property
    def total_debit(self) -> Decimal:
        return sum((-m.amount for m in self.movements if m.amount < 0), Decimal(0))

    @property
    def movement_count(self) -> int:
        """Movements as booked: a collective movement counts once, however many details it has."""
        return len(self.movements)


def build(world: CodaboxWorld, client: Client, account: BankAccount, day: date) -> Statement:
    previous = add_business_days(day, -1, BANKS)
    old = world.closing_balance(account, previous)
    new = world.closing_balance(account, day)
    rng = world.rng("movements", account.iban, day.isoformat())
    maker = _MovementMaker(world, rng, day, account.typical_balance)
    count = rng.randint(1, account.movements_per_day)
    movements = [maker.random(n) for n in range(1, count)]
    rest = new - old - sum((m.amount for m in movements), Decimal(0))
    if rest:
        movements.append(maker.balancing(len(movements) + 1, rest))
    else:
        # Nothing left to balance: a refund that the day itself pays back keeps every day non-empty.
        movements += [
            maker.balancing(len(movements) + 1, Decimal(10)),
            maker.balancing(len(movements) + 2, Decimal(-10)),
        ]
    first_of_month = business_days(day.replace(day=1), day, BANKS)[0] == day
    return Statement(
        iban=account.iban,
        bic=account.bank.bic,
        bank_code=account.iban[4:7],
        bank_name=account.bank.name,
        holder_name=client.name,
        holder_enterprise_number=client.enterprise_number or "",
        description="Zichtrekening" if client.language == "nl" else "Compte à vue",
        number=business_day_of_year(day, BANKS),
        old_balance=old,
        old_balance_date=previous,
        new_balance=new,
        new_balance_date=day,
        movements=tuple(movements),
        created=day,
        accented=client.accented,
        free_message=f"Uw afschriften van {day:%m/%Y} staan ook in uw bankapp." if first_of_month else "",
        holder_address=(client.address.street, client.address.zip, client.address.city),
    )


class _MovementMaker:
    def __init__(self, world: CodaboxWorld, rng: random.Random, day: date, scale: Decimal):
        self.world, self.rng, self.day, self.scale = world, rng, day, scale

    def _amount(self) -> Decimal:
        return cents(self.scale * Decimal(self.rng.randrange(5, 4_000)) / 100_000) + Decimal("0.01")

    def _reference(self, sequence: int) -> str:
        tail = "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(9))
        return f"{self.day:%y%m%d}{sequence:04d}{tail}"[:21].ljust(21, "0")

    def _party(self) -> tuple[str, str, str]:
        bank = self.rng.choice(list(self.world.banks.values()))
        locale = self.rng.choice(("nl_BE", "fr_BE"))
        name = (
            full_name(self.rng, locale)
            if self.rng.random() < 0.4
            else f"{name_pool(locale).last_name(self.rng)} {self.rng.choice(('BV', 'NV', 'SRL'))}"
        )
        return name, be_iban_at(self.rng.choice(bank.codes), self.rng.randrange(10**7)), bank.bic

    def random(self, sequence: int) -> Movement:
        if self.rng.random() < 0.45:
            return self.transfer(sequence, INCOMING_TRANSFER, self._amount())
        kind = self.rng.choice(DEBIT_KINDS)
        return self.debit(sequence, kind, -self._amount())

    def balancing(self, sequence: int, amount: Decimal) -> Movement:
        if amount > 0:
            return self.transfer(sequence, INCOMING_TRANSFER, amount)
        return self.debit(sequence, OUTGOING_TRANSFER, amount)

    def debit(self, sequence: int, kind: MovementKind, amount: Decimal) -> Movement:
        if kind is CARD_PAYMENT:
            shop = f"{self.rng.choice(SHOPS)} {address(self.rng, 'nl_BE').city}"
            return Movement(
                sequence=sequence,
                detail=0,
                amount=amount,
                kind=kind,
                value_date=self.day,
                entry_date=self.day,
                bank_reference=self._reference(sequence),
                communication=f"Betaling Bancontact {shop}",
                information=(
                    f"Kaart 6703 XXXX XXXX {self.rng.randrange(10000):04d} {shop} {self.day:%d/%m/%Y} "
                    f"{self.rng.randrange(8, 20):02d}:{self.rng.randrange(60):02d} "
                    f"terminal {self.rng.randrange(10**8):08d} transactie {self.rng.randrange(10**6):06d}"
                ),
            )
        if kind is BANK_CHARGES:
            amount = -(Decimal(self.rng.randrange(100, 2500)) / 100)
            return Movement(
                sequence=sequence,
                detail=0,
                amount=amount,
                kind=kind,
                value_date=self.day,
                entry_date=self.day,
                bank_reference=self._reference(sequence),
                communication=f"Beheerskosten rekening {self.day:%m/%Y}",
            )
        if kind is COLLECTIVE_TRANSFER:
            parts = self.rng.randint(2, 4)
            shares = [Decimal(self.rng.randrange(10, 100)) for _ in range(parts)]
            amounts = [cents(amount * s / sum(shares)) for s in shares[:-1]]
            amounts.append(amount - sum(amounts, Decimal(0)))
            if any(a >= 0 for a in amounts):  # too small to split into debits: book it alone
                return self.transfer(sequence, OUTGOING_TRANSFER, amount)
            details = tuple(
                self.transfer(sequence, COLLECTIVE_TRANSFER, a, detail=n)
                for n, a in enumerate(amounts, start=1)
            )
            return Movement(
                sequence=sequence,
                detail=0,
                amount=amount,
                kind=kind,
                value_date=self.day,
                entry_date=self.day,
                bank_reference=self._reference(sequence),
                communication=f"Collectieve overschrijving {len(details)} opdrachten",
                details=details,
            )
        return self.transfer(sequence, kind, amount)

    def transfer(self, sequence: int, kind: MovementKind, amount: Decimal, detail: int = 0) -> Movement:
        name, iban, bic = self._party()
        structured = structured_communication(self.rng.randrange(10**10)) if self.rng.random() < 0.5 else ""
        number = f"{self.day.year}/{self.rng.randrange(1, 2000):04d}"
        communication = (
            "" if structured else self.rng.choice(("Factuur", "Facture", "Invoice", "Nota")) + f" {number}"
        )
        return Movement(
            sequence=sequence,
            detail=detail,
            amount=amount,
            kind=kind,
            value_date=self.day,
            entry_date=self.day,
            bank_reference=self._reference(sequence),
            counterparty_name=name,
            counterparty_iban=iban,
            counterparty_bic=bic,
            structured=structured,
            communication=communication,
            client_reference=f"REF{self.rng.randrange(10**8):08d}" if amount < 0 else "",
        )
