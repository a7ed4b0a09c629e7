"""The CodaBox world: accounting offices, their clients, bank accounts, mandates and documents.

A pure function of (seed, tenant, fixture). Offices and their clients are small lists made on first
use; documents are made on demand per client and day, so the world can answer "the documents of
office X between day A and day B" without building anything else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.worlds.calendar import (
    BRUSSELS,
    add_business_days,
    business_days,
    first_of_next_month,
    is_business_day,
    months_between,
)
from sandbox.worlds.identities import ENTERPRISE_NUMBERS, be_iban_at, enterprise_number
from sandbox.worlds.ids import stable_uuid
from sandbox.worlds.names import address, full_name, name_pool, plain
from sandbox.worlds.rng import rng_for

if TYPE_CHECKING:
    import random

# Belgian banks book on weekdays that are neither Belgian public holidays nor TARGET closing days.
BANKS = "BE+XECB"
# The states CodaBox's FAQ names, as the wire spells them.
CODA_STATES = (
    "registered",
    "in_preparation",
    "awaiting_signature",
    "signed",
    "bank_procedure",
    "active",
    "problem",
    "archived",
)
SODA_STATES = ("not_signed", "signed", "requested", "delayed", "confirmed", "active", "archived", "problem")
# Document models and the formats each can be downloaded in, as CodaBox's pod-client lists them.
ALLOWED_FORMATS = {
    "coda": ("cod", "pdf", "xml"),
    "soda": ("pdf", "xml"),
    "purchase_invoice": ("pdf", "xml"),
    "sales_invoice": ("pdf", "xml"),
    "expense": ("pdf", "xml"),
}
COMPANY_FORMS = {"nl": ("BV", "NV", "CommV", "VOF"), "fr": ("SRL", "SA", "SComm", "SNC")}
OFFICE_WORDS = {
    "nl": ("Boekhoudkantoor", "Accountancy", "Fiduciaire"),
    "fr": ("Fiduciaire", "Bureau comptable"),
}


@dataclass(frozen=True)
class Bank:
    bic: str
    name: str
    codes: tuple[str, ...]
    online_signing: bool  # Twikey: the client signs through a URL instead of paper
    activation_days: int  # business days from a signed mandate to the first CODA
    refusal: tuple[str, str] | None = None  # (reason_code, reason) when the bank refuses


@dataclass(frozen=True)
class Address:
    street: str
    zip: str
    city: str


@dataclass(frozen=True)
class Office:
    id: str
    index: int
    name: str
    enterprise_number: str
    address: Address
    contact_name: str
    contact_email: str
    language: str
    allows_social_mandates: bool


@dataclass(frozen=True)
class BankAccount:
    iban: str
    bank: Bank
    client_id: str
    typical_balance: Decimal
    movements_per_day: int  # at most; each business day has between one and this many
    currency: str = "EUR"
    extension: str = ""


@dataclass(frozen=True)
class Client:
    id: str
    office_id: str
    index: int
    code: str
    name: str
    enterprise_number: str | None  # None for a private person
    language: str
    address: Address
    representative_name: str
    contact_name: str
    contact_email: str
    accounts: tuple[BankAccount, ...]
    employer: bool
    accented: bool = False  # its names keep their accents in CODA files
    never_signs: bool = False

    @property
    def natural_person(self) -> bool:
        return self.enterprise_number is None


@dataclass(frozen=True)
class Mandate:
    """A CODA mandate (one bank, a set of IBANs) or a SODA mandate (one client), with its history."""

    id: str
    kind: str  # "coda" or "soda"
    client_id: str
    office_id: str
    bank_id: str | None
    ibans: tuple[str, ...]
    history: tuple[tuple[datetime, str], ...]  # (since, state), oldest first
    reason_code: str = "R-0"
    reason: str | None = None
    twikey_url: str | None = None

    def state_at(self, now: datetime) -> str | None:
        """The state at `now`; None before the mandate was ordered."""
        state = None
        for since, value in self.history:
            if since > now:
                break
            state = value
        return state

    def state_modified_at(self, now: datetime) -> datetime | None:
        return max((since for since, _ in self.history if since <= now), default=None)

    @property
    def validity_start(self) -> date | None:
        return next((since.date() for since, state in self.history if state == "active"), None)

    def active_days(self) -> tuple[date, date | None] | None:
        """First and last day (None: open) on which documents flow, or None if never active: from
        the activation day to the day before the mandate was archived or went to problem."""
        start = self.validity_start
        if start is None:
            return None
        end = next(
            (
                since.date() - timedelta(1)
                for since, state in self.history
                if state in ("archived", "problem") and since.date() >= start
            ),
            None,
        )
        return start, end


@dataclass(frozen=True)
class CreditCard:
    """A company's business credit card, billed monthly by one of its banks (CARO statements)."""

    bank: Bank
    holder: str
    brand: str
    masked_number: str


@dataclass(frozen=True)
class DocumentRef:
    """One document of the feed: what it is, whose it is and from when it can be fetched."""

    id: str
    model: str  # a document model: a key of ALLOWED_FORMATS, or "caro" (served by Connect only)
    office_id: str
    client_id: str
    day: date  # the statement, period or invoice day
    available_at: datetime  # Brussels time
    key: tuple[Any, ...]  # what the world needs to make the document again (iban, invoice number...)


def _range(pair: list[int] | tuple[int, int]) -> tuple[int, int]:
    low, high = pair
    return int(low), int(high)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS)


class CodaboxWorld:
    def __init__(self, seed: str, tenant: str, fixture: dict[str, Any]):
        self.seed, self.tenant, self.fixture = seed, tenant, fixture
        self.banks = {
            b["bic"]: Bank(
                bic=b["bic"],
                name=b["name"],
                codes=tuple(str(c) for c in b["codes"]),
                online_signing=bool(b.get("online_signing")),
                activation_days=int(b.get("activation_days", 5)),
                refusal=(b["refusal"]["reason_code"], b["refusal"]["reason"]) if b.get("refusal") else None,
            )
            for b in fixture["banks"]
        }
        self._bank_by_code = {code: bank for bank in self.banks.values() for code in bank.codes}
        magic = fixture.get("magic_ibans", {})
        self.iban_linked_to_another_office: str = magic.get("linked_to_another_office", "")
        self.iban_under_another_platform: str = magic.get("linked_under_another_platform", "")
        # A statement's content depends on the account and the day only, never on the mandate, so
        # one cache serves the world's mandates and those a tenant ordered or changed.
        self._statement = functools.lru_cache(maxsize=4096)(self._build_statement)
        self._mandates = functools.lru_cache(maxsize=1024)(self._build_mandates)

    def rng(self, *parts: object) -> random.Random:
        return rng_for(self.seed, self.tenant, *parts)

    def id(self, *parts: object) -> str:
        return stable_uuid(self.seed, self.tenant, *parts)

    # -- offices and clients -------------------------------------------------------------------
    @functools.cached_property
    def offices(self) -> tuple[Office, ...]:
        return tuple(self._office(index) for index in range(int(self.fixture["offices"])))

    def office(self, office_id: str) -> Office | None:
        return next((o for o in self.offices if o.id == office_id), None)

    def _office(self, index: int) -> Office:
        rng = self.rng("office", index)
        language = "nl" if index % 3 != 2 else "fr"
        last = name_pool(f"{language}_BE").last_name(rng)
        contact = full_name(rng, f"{language}_BE")
        return Office(
            id=self.id("office", index),
            index=index,
            name=f"{rng.choice(OFFICE_WORDS[language])} {last} {rng.choice(COMPANY_FORMS[language])}",
            enterprise_number=enterprise_number(rng.randrange(2_000_000, ENTERPRISE_NUMBERS)),
            address=self._address(rng),
            contact_name=contact,
            contact_email=f"{_mailbox(contact)}@{_mailbox(last)}-accountancy.be",
            language=language,
            allows_social_mandates=index + 1 not in self.fixture.get("offices_without_social_mandates", ()),
        )

    @functools.cached_property
    def _clients(self) -> dict[str, tuple[Client, ...]]:
        return {office.id: self._make_clients(office) for office in self.offices}

    @functools.cached_property
    def _client_by_id(self) -> dict[str, Client]:
        return {c.id: c for clients in self._clients.values() for c in clients}

    @functools.cached_property
    def _account_by_iban(self) -> dict[str, tuple[Client, BankAccount]]:
        return {a.iban: (c, a) for c in self._client_by_id.values() for a in c.accounts}

    def clients(self, office_id: str) -> tuple[Client, ...]:
        return self._clients.get(office_id, ())

    def client(self, client_id: str) -> Client | None:
        return self._client_by_id.get(client_id)

    def client_by_enterprise_number(self, number: str) -> Client | None:
        return next((c for c in self._client_by_id.values() if c.enterprise_number == number), None)

    def account(self, iban: str) -> tuple[Client, BankAccount] | None:
        return self._account_by_iban.get(iban)

    def _make_clients(self, office: Office) -> tuple[Client, ...]:
        rng = self.rng("clients", office.index)
        count = rng.randint(*_range(self.fixture["clients_per_office"]))
        magic = self.fixture.get("magic_clients", ()) if office.index == 0 else ()
        clients = [self._magic_client(office, index, spec) for index, spec in enumerate(magic)]
        clients += [self._client(office, index) for index in range(len(clients), len(clients) + count)]
        return tuple(clients)

    def _client(self, office: Office, index: int) -> Client:
        rng = self.rng("client", office.index, index)
        language = "fr" if rng.random() < 0.3 else "nl"
        person = rng.random() < float(self.fixture["natural_person_share"])
        representative = full_name(rng, f"{language}_BE")
        if person:
            name, number = representative, None
        else:
            name = f"{name_pool(f'{language}_BE').last_name(rng)} {rng.choice(COMPANY_FORMS[language])}"
            number = enterprise_number(rng.randrange(2_000_000, ENTERPRISE_NUMBERS))
        client_id = self.id("client", office.index, index)
        iban_override = self.iban_linked_to_another_office if (office.index, index) == (1, 0) else None
        return Client(
            id=client_id,
            office_id=office.id,
            index=index,
            code=f"C{office.index + 1}{index + 1:04d}",
            name=name,
            enterprise_number=number,
            language=language,
            address=self._address(rng),
            representative_name=representative,
            contact_name=representative,
            contact_email=f"{_mailbox(representative)}@{_mailbox(name)}.be",
            accounts=self._accounts(rng, client_id, iban_override),
            employer=not person and rng.random() < float(self.fixture["employer_share"]),
        )

    def _magic_client(self, office: Office, index: int, spec: dict[str, Any]) -> Client:
        rng = self.rng("client", office.index, index)
        client_id = self.id("client", office.index, index)
        representative = spec.get("representative") or full_name(rng, "nl_BE")
        return Client(
            id=client_id,
            office_id=office.id,
            index=index,
            code=f"C{office.index + 1}{index + 1:04d}",
            name=spec["name"],
            enterprise_number=str(spec["enterprise_number"]) if "enterprise_number" in spec else None,
            language=spec.get("language", "nl"),
            address=self._address(rng),
            representative_name=representative,
            contact_name=representative,
            contact_email=f"{_mailbox(representative)}@{_mailbox(spec['name'])}.be",
            accounts=self._accounts(rng, client_id, None),
            employer=spec["role"] != "natural_person",
            accented=spec["role"] == "accented",
            never_signs=spec["role"] == "never_signs",
        )

    def _accounts(self, rng, client_id: str, first_iban: str | None) -> tuple[BankAccount, ...]:
        banks = list(self.banks.values())
        accounts = []
        for n in range(rng.randint(*_range(self.fixture["accounts_per_client"]))):
            if n == 0 and first_iban:
                iban, bank = first_iban, self._bank_by_code[first_iban[4:7]]
            else:
                bank = rng.choice(banks)
                iban = be_iban_at(rng.choice(bank.codes), rng.randrange(10**7))
            accounts.append(
                BankAccount(
                    iban=iban,
                    bank=bank,
                    client_id=client_id,
                    typical_balance=Decimal(rng.randrange(20, 250) * 10 ** rng.randint(2, 3)),
                    movements_per_day=rng.randint(2, 8),
                )
            )
        return tuple(accounts)

    def _address(self, rng) -> Address:
        place = address(rng, "nl_BE")
        return Address(street=f"{place.street} {place.number}", zip=place.postal_code, city=place.city)

    # -- mandates ------------------------------------------------------------------------------
    def mandates(self, client_id: str) -> tuple[Mandate, ...]:
        client = self.client(client_id)
        return self._mandates(client) if client else ()

    def mandate(self, mandate_id: str) -> Mandate | None:
        for client in self._client_by_id.values():
            for mandate in self._mandates(client):
                if mandate.id == mandate_id:
                    return mandate
        return None

    def bank_account_mandate(self, iban: str) -> Mandate | None:
        found = self.account(iban)
        if found is None:
            return None
        return next((m for m in self._mandates(found[0]) if iban in m.ibans), None)

    def signing_url(self, mandate_id: str) -> str:
        """Where the client signs a mandate online (Twikey, for the banks that support it)."""
        return f"https://signing.sandbox.codabox.test/twikey/{mandate_id}"

    def _build_mandates(self, client: Client) -> tuple[Mandate, ...]:
        if client.natural_person:
            return ()
        rng = self.rng("mandates", client.id)
        by_bank: dict[str, list[str]] = {}
        for account in client.accounts:
            by_bank.setdefault(account.bank.bic, []).append(account.iban)
        mandates = []
        for bic, ibans in sorted(by_bank.items()):
            mandates.append(self._coda_mandate(rng, client, self.banks[bic], tuple(ibans)))
        office = self.office(client.office_id)
        first_coda = next((m for m in mandates if m.validity_start), None)
        if client.employer and office and office.allows_social_mandates and first_coda:
            mandates.append(self._soda_mandate(rng, client, first_coda))
        return tuple(mandates)

    def _coda_mandate(self, rng, client: Client, bank: Bank, ibans: tuple[str, ...]) -> Mandate:
        low, high = (date.fromisoformat(d) for d in self.fixture["activated_between"])
        ordered = _local(low + timedelta(rng.randrange((high - low).days)), 10, rng.randrange(60))
        mandate_id = self.id("coda-mandate", client.id, bank.bic)
        history = [(ordered, "registered"), (ordered + timedelta(minutes=1), "awaiting_signature")]
        twikey = self.signing_url(mandate_id) if bank.online_signing else None
        roll = rng.random()
        reason_code, reason = "R-0", None
        # The magic clients behave the same in every world: one never signs, the accented one is active.
        if client.never_signs or (
            not client.accented and roll < float(self.fixture["awaiting_signature_share"])
        ):
            pass
        elif bank.refusal:
            signed = ordered + timedelta(days=rng.randint(1, 10))
            history += [(signed, "signed"), (signed + timedelta(hours=2), "bank_procedure")]
            history.append(
                (_local(add_business_days(signed.date(), bank.activation_days, BANKS), 9), "problem")
            )
            reason_code, reason = bank.refusal
        else:
            signed = ordered + timedelta(days=rng.randint(1, 10))
            history += [(signed, "signed"), (signed + timedelta(hours=2), "bank_procedure")]
            active = _local(add_business_days(signed.date(), bank.activation_days, BANKS), 7)
            history.append((active, "active"))
            if not client.accented and roll > 1 - float(self.fixture["archived_share"]):
                history.append((active + timedelta(days=rng.randint(60, 600)), "archived"))
        return Mandate(
            id=mandate_id,
            kind="coda",
            client_id=client.id,
            office_id=client.office_id,
            bank_id=bank.bic,
            ibans=ibans,
            history=tuple(history),
            reason_code=reason_code,
            reason=reason,
            twikey_url=twikey,
        )

    def _soda_mandate(self, rng, client: Client, coda: Mandate) -> Mandate:
        signed = next(since for since, state in coda.history if state == "signed")
        start = signed + timedelta(hours=1)
        history = [(start, "signed"), (start + timedelta(days=1), "requested")]
        confirmed = start + timedelta(days=rng.randint(3, 20))
        history += [(confirmed, "confirmed"), (_local(first_of_next_month(confirmed.date()), 8), "active")]
        archived = next((since for since, state in coda.history if state == "archived"), None)
        if archived:
            history.append((archived, "archived"))
        return Mandate(
            id=self.id("soda-mandate", client.id),
            kind="soda",
            client_id=client.id,
            office_id=client.office_id,
            bank_id=None,
            ibans=(),
            history=tuple(history),
        )

    # -- documents -----------------------------------------------------------------------------
    def documents(
        self,
        office_id: str,
        start: date,
        end: date,
        held: Callable[[str], Sequence[Mandate]] | None = None,
    ) -> list[DocumentRef]:
        """Every document of the office's clients dated from `start` to `end`, oldest first.
        `held(client_id)` gives a client's mandates (the world's own when None)."""
        refs = [
            ref
            for client in self.clients(office_id)
            for ref in self.client_documents(client, start, end, held(client.id) if held else None)
        ]
        return sorted(refs, key=lambda r: (r.available_at, r.model, r.id))

    def client_documents(
        self, client: Client, start: date, end: date, mandates: Sequence[Mandate] | None = None
    ) -> Iterator[DocumentRef]:
        """The client's documents dated from `start` to `end`, flowing while `mandates` (the world's
        own when None) are active."""
        held = self._mandates(client) if mandates is None else mandates
        for mandate in held:
            window = mandate.active_days()
            if window is None:
                continue
            first, last = max(start, window[0]), min(end, window[1] or end)
            if mandate.kind == "coda":
                for day in business_days(first, last, BANKS):
                    for iban in mandate.ibans:
                        yield self._ref("coda", client, day, _local(day + timedelta(1), 6), (iban, day))
            else:
                first_period = date(window[0].year, window[0].month, 1)
                for month in months_between(first, last):
                    # The social secretariat sends a month's SODA on the fifth business day after it.
                    day = add_business_days(month - timedelta(1), 5, BANKS)
                    period = date(day.year, day.month, 1) - timedelta(1)
                    period = date(period.year, period.month, 1)
                    if first <= day <= last and period >= first_period:
                        yield self._ref("soda", client, day, _local(day, 12), (period,))
        # Invoices and expense notes reach the office from the client's first active CODA mandate on.
        since = min((m.validity_start for m in held if m.validity_start), default=None)
        if since is None or max(start, since) > end:
            return
        from sandbox.apis.codabox import invoices

        for model in ("purchase_invoice", "sales_invoice", "expense"):
            for day, index in invoices.entries(self, client, model, max(start, since), end):
                yield self._ref(model, client, day, _local(day, 18), (day, index))

    def credit_card(self, client: Client) -> CreditCard | None:
        """The company's business credit card, if it holds one: at one of the banks it has an
        account with, so a CODA mandate at that bank can carry its statements."""
        rng = self.rng("credit-card", client.id)
        share = float(self.fixture.get("credit_card_share", 0.25))
        if client.natural_person or not client.accounts or rng.random() >= share:
            return None
        brand, prefix = rng.choice((("Mastercard", "5412"), ("Visa", "4871")))
        return CreditCard(
            bank=rng.choice(client.accounts).bank,
            holder=client.representative_name,
            brand=brand,
            masked_number=f"{prefix} {rng.randrange(10, 100)}XX XXXX {rng.randrange(10_000):04d}",
        )

    def card_statements(
        self, client: Client, start: date, end: date, mandates: Sequence[Mandate] | None = None
    ) -> Iterator[DocumentRef]:
        """The client's credit-card statements received from `start` to `end`: one a month, a few
        business days after the month ends, while a CODA mandate at the card's bank (of `mandates`,
        the world's own when None) is active. Kept apart from `client_documents`: V2 serves no CARO."""
        card = self.credit_card(client)
        if card is None:
            return
        held = self._mandates(client) if mandates is None else mandates
        windows = [
            window
            for mandate in held
            if mandate.kind == "coda" and mandate.bank_id == card.bank.bic
            if (window := mandate.active_days()) is not None
        ]
        for month in months_between(start - timedelta(days=31), end):
            day = add_business_days(first_of_next_month(month) - timedelta(1), 3, BANKS)
            flowing = any(first <= day and (last is None or day <= last) for first, last in windows)
            if start <= day <= end and flowing:
                yield self._ref("caro", client, day, _local(day, 9), (month,))

    def _ref(
        self, model: str, client: Client, day: date, available: datetime, key: tuple[Any, ...]
    ) -> DocumentRef:
        return DocumentRef(
            id=self.id("document", model, client.id, *key),
            model=model,
            office_id=client.office_id,
            client_id=client.id,
            day=day,
            available_at=available,
            key=key,
        )

    def document(self, ref: DocumentRef):
        """What a feed entry stands for: a Statement, SocialDocument, Invoice, ExpenseNote or
        CardStatement."""
        from sandbox.apis.codabox import caro, invoices, soda

        client = self.client(ref.client_id)
        if client is None:
            return None
        if ref.model == "coda":
            return self._statement(client.id, *ref.key)
        if ref.model == "soda":
            return soda.build(self, client, ref.key[0], ref.day)
        if ref.model == "caro":
            card = self.credit_card(client)
            return caro.build(self, client, card, ref.key[0], ref.day) if card else None
        if ref.model == "expense":
            return invoices.expense_note(self, client, *ref.key)
        return invoices.invoice(self, client, ref.model, *ref.key)

    # -- bank statements -----------------------------------------------------------------------
    def closing_balance(self, account: BankAccount, day: date) -> Decimal:
        """The balance at the end of a business day: drawn for that day alone, so any day is at hand."""
        rng = self.rng("balance", account.iban, day.isoformat())
        # Small accounts now and then go into overdraft, so negative balances appear in the files too.
        low = -1500 if account.typical_balance < 30_000 else -400
        swing = account.typical_balance * Decimal(rng.randrange(low, 400)) / 1000
        return (account.typical_balance + swing).quantize(Decimal("0.01"))

    def statement(self, iban: str, day: date):
        """The CODA statement of an account for a business day its world mandate had CODA, else None."""
        mandate = self.bank_account_mandate(iban)
        window = mandate.active_days() if mandate else None
        if mandate is None or window is None or day < window[0] or (window[1] and day > window[1]):
            return None
        return self._statement(mandate.client_id, iban, day)

    def bank_account(self, client: Client, iban: str) -> BankAccount:
        """The account with this IBAN: the world's, or the client's own for an IBAN that a tenant
        ordered a mandate for and the world does not hold."""
        found = self.account(iban)
        if found is not None:
            return found[1]
        rng = self.rng("ordered-account", iban)
        return BankAccount(
            iban=iban,
            bank=self._bank_by_code[iban[4:7]],
            client_id=client.id,
            typical_balance=Decimal(rng.randrange(20, 250) * 10 ** rng.randint(2, 3)),
            movements_per_day=rng.randint(2, 8),
        )

    def _build_statement(self, client_id: str, iban: str, day: date):
        from sandbox.apis.codabox import statements

        client = self.client(client_id)
        if client is None or not is_business_day(day, BANKS):
            return None
        return statements.build(self, client, self.bank_account(client, iban), day)


def _mailbox(text: str) -> str:
    return "".join(c for c in plain(text).lower().replace(" ", ".") if c.isalnum() or c == ".")
