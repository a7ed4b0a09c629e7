"""SODA: the monthly payroll booking a social secretariat sends, as the `<SocialDocument>` XML.

The elements are those a public SODA sample and its readers show (the full schema is not public):
every line carries both Debit and Credit, and debits equal credits for the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from sandbox.apis.codabox.invoices import cents

if TYPE_CHECKING:
    from sandbox.apis.codabox.world import Client, CodaboxWorld

SECRETARIATS = ("Securex", "SD Worx", "Partena Professional", "Acerta", "Liantis", "Group S")
DEPARTMENTS = ("Administratie", "Productie", "Verkoop", "Logistiek")


@dataclass(frozen=True)
class SocialLine:
    account: str
    label: str
    debit: Decimal
    credit: Decimal
    department: str


@dataclass(frozen=True)
class SocialDocument:
    source: str
    sequence: int
    generated: date
    enterprise_number: str
    enterprise_name: str
    period: date  # first day of the month booked
    lines: tuple[SocialLine, ...]

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal(0))

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), Decimal(0))


def build(world: CodaboxWorld, client: Client, period: date, generated: date) -> SocialDocument:
    """The payroll of one month: per department, wages and employer's contributions against what is owed."""
    rng = world.rng("soda", client.id, period.isoformat())
    lines = []
    for department in rng.sample(DEPARTMENTS, rng.randint(1, 3)):
        gross = cents(Decimal(rng.randrange(2_500_00, 45_000_00)) / 100)
        employee_social = cents(gross * Decimal("0.1307"))
        employer_social = cents(gross * Decimal("0.25"))
        withholding = cents((gross - employee_social) * Decimal(rng.randrange(18, 32)) / 100)
        net = gross - employee_social - withholding
        zero = Decimal(0)
        lines += [
            SocialLine("620200", "Bezoldigingen bedienden", gross, zero, department),
            SocialLine("621000", "Werkgeversbijdragen RSZ", employer_social, zero, department),
            SocialLine("454000", "Te betalen RSZ", zero, employee_social + employer_social, department),
            SocialLine("453000", "Ingehouden bedrijfsvoorheffing", zero, withholding, department),
            SocialLine("455000", "Te betalen nettolonen", zero, net, department),
        ]
    months = (period.year - 2000) * 12 + period.month
    return SocialDocument(
        source=SECRETARIATS[world.rng("secretariat", client.id).randrange(len(SECRETARIATS))],
        sequence=months,
        generated=generated,
        enterprise_number=client.enterprise_number or "",
        enterprise_name=client.name,
        period=period,
        lines=tuple(lines),
    )


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def render(document: SocialDocument) -> bytes:
    root = etree.Element("SocialDocument")
    _sub(root, "Source", document.source)
    _sub(root, "Version", "1.1c")
    social = _sub(root, "Social")
    _sub(social, "SeqNumber", str(document.sequence))
    _sub(social, "GenDate", document.generated.isoformat())
    enterprise = _sub(social, "Enterprise")
    _sub(enterprise, "EntNum", f"BE{document.enterprise_number}")
    _sub(enterprise, "EntLabel", document.enterprise_name)
    _sub(social, "AccountPeriod", f"{document.period:%Y%m}")
    transactions = _sub(social, "Transactions")
    for line in document.lines:
        transaction = _sub(transactions, "TransactionLine")
        _sub(transaction, "SocialPeriod", f"{document.period:%Y%m}")
        accounting = _sub(transaction, "Accounting")
        _sub(accounting, "Account", line.account)
        _sub(accounting, "Label", line.label)
        amount = _sub(accounting, "Amount")
        _sub(amount, "Debit", f"{line.debit:.2f}")
        _sub(amount, "Credit", f"{line.credit:.2f}")
        _sub(transaction, "Department", line.department)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
