"""The world of the reference accounting API: administrations (a Dutch one on an RGS-like chart,
a Belgian one on the minimum chart of accounts) with their settings, debtors, products and three
years of booked transactions. A pure function of (seed, tenant, fixture); small enough to build
whole when a tenant first asks for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sandbox.apis.accounting import ledger
from sandbox.worlds.calendar import day_in_year
from sandbox.worlds.identities import be_vat_number, enterprise_number, nl_vat_number
from sandbox.worlds.names import address, domain, email, name_pool
from sandbox.worlds.rng import rng_for

# The first digit of an id says what it names, so ids never collide inside an administration.
KIND_DIGIT = {
    "contact": 1,
    "product": 2,
    "transaction": 3,
    "vat_rate": 4,
    "ledger_account": 5,
    "journal": 6,
    "payment_condition": 7,
    "invoice_profile": 8,
}
LOCALES = {"NL": "nl_NL", "BE": "nl_BE"}
COMPANY_FORMS = {"NL": ("B.V.", "V.O.F.", ""), "BE": ("BV", "NV", "CommV", "")}
TRADES = ("Bakkerij", "Bloemen", "Fietsen", "Drukkerij", "Installatie", "Kapsalon", "Schilders", "Koffie")
PRODUCTS = (
    ("Koffiebonen 1 kg", "14.95"),
    ("Theepot keramiek", "24.50"),
    ("Boekenlegger", "3.25"),
    ("Wandkalender", "12.00"),
    ("Cadeaubon", "25.00"),
    ("Notitieboek A5", "7.95"),
    ("Pennenset", "9.99"),
    ("Verzendkosten", "6.95"),
    ("Installatie op locatie", "65.00"),
    ("Onderhoudscontract", "120.00"),
)


def record_id(kind: str, n: int) -> str:
    return f"{KIND_DIGIT[kind]}{n:07d}"


@dataclass
class Administration:
    id: str
    name: str
    country: str
    chart_of_accounts: str
    requires: dict[str, bool]
    receivable: str
    vat_rates: list[dict] = field(default_factory=list)
    ledger_accounts: list[dict] = field(default_factory=list)
    journals: list[dict] = field(default_factory=list)
    payment_conditions: list[dict] = field(default_factory=list)
    invoice_profiles: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)
    transactions: list[dict] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return "EUR"

    def view(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "currency": self.currency,
            "chart_of_accounts": self.chart_of_accounts,
            "requires": dict(self.requires),
        }

    def vat_rate(self, code: str) -> dict | None:
        return next((r for r in self.vat_rates if r["code"] == code), None)

    def ledger_account(self, code: str) -> dict | None:
        return next((a for a in self.ledger_accounts if a["code"] == code), None)

    def journal(self, code: str) -> dict | None:
        return next((j for j in self.journals if j["code"] == code), None)

    def first_journal(self, kind: str) -> dict:
        return next(j for j in self.journals if j["type"] == kind)

    def payment_condition(self, code: str) -> dict | None:
        return next((p for p in self.payment_conditions if p["code"] == code), None)

    def invoice_profile(self, profile_id: str) -> dict | None:
        return next((p for p in self.invoice_profiles if p["id"] == profile_id), None)


class AccountingWorld:
    def __init__(self, seed: str, tenant: str, fixture: dict) -> None:
        self.seed, self.tenant, self.fixture = seed, tenant, fixture
        self.administrations = {a["id"]: self._administration(a) for a in fixture["administrations"]}

    def _administration(self, spec: dict) -> Administration:
        fx, country = self.fixture, spec["country"]
        chart = fx["charts"][spec["chart_of_accounts"]]
        admin = Administration(
            id=spec["id"],
            name=spec["name"],
            country=country,
            chart_of_accounts=spec["chart_of_accounts"],
            requires=dict(spec["requires"]),
            receivable=chart["receivable"],
        )
        admin.ledger_accounts = [
            {"id": record_id("ledger_account", n), **account}
            for n, account in enumerate(chart["accounts"], 1)
        ]
        admin.vat_rates = [
            {
                "id": record_id("vat_rate", n),
                "code": rate["code"],
                "percentage": rate["percentage"],
                "description": rate["description"],
                "country": country,
                "type": rate["type"],
                "ledger_account_code": rate["ledger"],
            }
            for n, rate in enumerate(fx["vat_rates"][country], 1)
        ]
        admin.journals = [
            {"id": record_id("journal", n), **j} for n, j in enumerate(fx["journals"][country], 1)
        ]
        admin.payment_conditions = [
            {
                "id": record_id("payment_condition", n),
                "code": p["code"],
                "description": p["description"],
                "days": p["days"],
                "discount_percentage": p.get("discount_percentage"),
                "discount_days": p.get("discount_days"),
            }
            for n, p in enumerate(fx["payment_conditions"], 1)
        ]
        admin.invoice_profiles = [
            {"id": record_id("invoice_profile", n), **p}
            for n, p in enumerate(fx["invoice_profiles"][country], 1)
        ]
        revenue = {r["code"]: r["revenue"] for r in fx["vat_rates"][country]}
        admin.contacts = [
            self._contact(admin, n, spec.get("duplicate_email"))
            for n in range(1, fx["contacts_per_administration"] + 1)
        ]
        admin.products = [
            self._product(admin, n, revenue) for n in range(1, fx["products_per_administration"] + 1)
        ]
        admin.transactions = self._transactions(admin)
        return admin

    def _contact(self, admin: Administration, n: int, duplicate: str | None) -> dict:
        rng = rng_for(self.seed, self.tenant, "accounting", admin.id, "contact", n)
        locale = LOCALES[admin.country]
        names = name_pool(locale)
        sex = rng.randrange(2)
        first, last = names.first_name(rng, sex), names.last_name(rng)
        company = None
        if rng.random() < 0.6:
            company = f"{rng.choice(TRADES)} {last} {rng.choice(COMPANY_FORMS[admin.country])}".strip()
        place = address(rng, locale)
        tld = admin.country.lower()
        mail = email(first, last, domain(company or f"{last} mail", tld))
        if duplicate and n in (1, 2):
            mail = duplicate
        tax = None
        if company:
            tax = (
                nl_vat_number(rng.randrange(10**7, 10**8))
                if admin.country == "NL"
                else be_vat_number(enterprise_number(rng.randrange(2 * 10**8, 9 * 10**8)))
            )
        number = f"{place.number} bus {place.box}" if place.box else place.number
        return {
            "id": record_id("contact", n),
            "customer_id": str(1000 + n),
            "name": company or f"{first} {last}",
            "company_name": company,
            "firstname": first,
            "lastname": last,
            "address": {
                "street": place.street,
                "house_number": number,
                "postal_code": place.postal_code,
                "city": place.city,
                "country": place.country_code,
            },
            "email": mail,
            "phone": None,
            "tax_number": tax,
            "created_at": f"{self.fixture['years'][0] - 1}-12-01T09:00:00Z",
        }

    def _product(self, admin: Administration, n: int, revenue: dict[str, str]) -> dict:
        rng = rng_for(self.seed, self.tenant, "accounting", admin.id, "product", n)
        description, price = PRODUCTS[(n - 1) % len(PRODUCTS)]
        if n > len(PRODUCTS):
            description = f"{description} ({rng.choice(('groot', 'klein', 'rood', 'blauw', 'premium'))})"
        taxed = [r for r in admin.vat_rates if r["type"] in ("standard", "reduced")]
        rate = taxed[0] if n % 3 else rng.choice(taxed)
        return {
            "id": record_id("product", n),
            "sku": f"SKU-{admin.country}-{n:04d}",
            "description": description,
            "price": {"amount": price, "currency": admin.currency, "vat_included": False},
            "vat_code": rate["code"],
            "ledger_account_code": revenue[rate["code"]],
        }

    def _transactions(self, admin: Administration) -> list[dict]:
        found: list[dict] = []
        numbers: dict[tuple[str, int], int] = {}
        for year in self.fixture["years"]:
            rng = rng_for(self.seed, self.tenant, "accounting", admin.id, "transactions", year)
            days = sorted(day_in_year(rng, year) for _ in range(self.fixture["transactions_per_year"]))
            for day in days:
                roll = rng.random()
                kind = "memorial" if roll < 0.05 else "credit_note" if roll < 0.15 else "sales_invoice"
                journal = admin.first_journal("memorial" if kind == "memorial" else "sales")
                key = (journal["code"], year)
                numbers[key] = numbers.get(key, 0) + 1
                number = transaction_number(journal["code"], year, numbers[key])
                n = len(found) + 1
                reference = (
                    f"WEB-{year}-{numbers[key]:05d}"
                    if kind != "memorial"
                    else f"MEM-{year}-{numbers[key]:03d}"
                )
                if kind == "memorial":
                    amount = f"{rng.randrange(100, 5000)}.00"
                    entries = [
                        {
                            "ledger_account_code": _code(admin, "expense"),
                            "debit": amount,
                            "credit": "0.00",
                            "description": "Afschrijving",
                        },
                        {
                            "ledger_account_code": _code(admin, "bank"),
                            "debit": "0.00",
                            "credit": amount,
                            "description": "Afschrijving",
                        },
                    ]
                    found.append(
                        self._transaction(
                            admin,
                            n,
                            number,
                            kind,
                            day,
                            reference,
                            journal,
                            None,
                            None,
                            ledger.book_entries(entries),
                        )
                    )
                    continue
                contact = rng.choice(admin.contacts)
                lines = []
                for product in rng.sample(admin.products, rng.randrange(1, 4)):
                    lines.append(
                        {
                            "description": product["description"],
                            "quantity": str(rng.randrange(1, 6)),
                            "unit_price": product["price"]["amount"],
                            "vat_code": product["vat_code"],
                            "ledger_account_code": product["ledger_account_code"],
                            "product_id": product["id"],
                        }
                    )
                condition = admin.payment_conditions[rng.randrange(len(admin.payment_conditions))]
                booked = ledger.book_lines(
                    lines, {r["code"]: r for r in admin.vat_rates}, admin.receivable, kind == "credit_note"
                )
                found.append(
                    self._transaction(
                        admin, n, number, kind, day, reference, journal, contact["id"], condition, booked
                    )
                )
        return found

    def _transaction(
        self,
        admin: Administration,
        n: int,
        number: str,
        kind: str,
        day: date,
        reference: str,
        journal: dict,
        contact_id: str | None,
        condition: dict | None,
        booked: dict,
    ) -> dict:
        return transaction_view(
            record_id("transaction", n),
            number,
            kind,
            day,
            reference,
            None,
            contact_id,
            journal["code"],
            condition,
            admin.invoice_profiles[0]["id"] if contact_id else None,
            admin.currency,
            booked,
            datetime.combine(day, time(9), UTC),
        )


def _code(admin: Administration, kind: str) -> str:
    return next(a["code"] for a in admin.ledger_accounts if a["type"] == kind)


def transaction_number(journal: str, year: int, n: int) -> str:
    return f"{journal}{year}-{n:05d}"


def transaction_view(
    transaction_id: str,
    number: str,
    kind: str,
    day: date,
    reference: str,
    description: str | None,
    contact_id: str | None,
    journal: str,
    condition: dict | None,
    profile_id: str | None,
    currency: str,
    booked: dict,
    created: datetime,
) -> dict:
    """A transaction as the API shows it; `booked` holds what `ledger` computed."""
    due = (day + timedelta(days=condition["days"])).isoformat() if condition else None
    return {
        "id": transaction_id,
        "number": number,
        "kind": kind,
        "date": day.isoformat(),
        "due_date": due,
        "reference": reference,
        "description": description,
        "contact_id": contact_id,
        "journal_code": journal,
        "payment_condition_code": condition["code"] if condition else None,
        "invoice_profile_id": profile_id,
        "currency": currency,
        **booked,
        "created_at": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
