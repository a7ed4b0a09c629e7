"""The rules of ordering CODA and SODA mandates, and their lifecycle, as pure functions.

Inputs are the world, the tenant's overlay (a plain dict: what clients ordered and what happened
to it since) and the tenant clock's `now`; the answer is a new `Mandate` for the caller to store
(`with_mandate`), or a `MandateError` naming the rule that refused. What happens outside the API
(the client signs, the bank activates or refuses) is written ahead as dated transitions, so the
state that the clock reads moves on by itself: a bank takes days. `now` is timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from sandbox.apis.codabox.world import BANKS, CodaboxWorld, Mandate
from sandbox.worlds.calendar import BRUSSELS, add_business_days, first_of_next_month

PENDING = ("registered", "in_preparation", "awaiting_signature", "signed", "bank_procedure")
SIGNED_OR_LATER = ("signed", "bank_procedure", "active")
AWAITING_BANK = ("signed", "bank_procedure")


@dataclass(frozen=True)
class MandateError:
    code: str
    detail: str


ERRORS = {
    "unknown_client": "no client with this id in your office",
    "natural_person": "no CODA or SODA for a natural person: the client must be a company",
    "unknown_bank": "no bank with this BIC",
    "no_ibans": "a CODA mandate names at least one IBAN",
    "invalid_iban": "not a valid Belgian IBAN",
    "iban_not_at_bank": "the IBAN belongs to another bank than the mandate's",
    "iban_linked_to_your_office": "the IBAN already has a mandate in your office",
    "iban_linked_to_another_office": "the IBAN already has a mandate with another accounting office",
    "iban_under_another_platform": "the IBAN is already linked under another platform of your office",
    "iban_already_requested": "a mandate for the IBAN is already requested and not yet active",
    "social_mandates_not_allowed": "your office does not take SODA mandates",
    "no_soda_without_coda": "a SODA mandate needs a CODA mandate of the same client",
    "soda_already_ordered": "the client already has a SODA mandate",
    "unknown_mandate": "no mandate with this id",
    "client_never_signs": "this client never signs its mandates",
    "coda_not_signed": "the SODA mandate can be signed once a CODA mandate of the client is signed",
    "invalid_transition": "the mandate's state does not allow this",
}


def _error(code: str, detail: str = "") -> MandateError:
    return MandateError(code, f"{ERRORS[code]}{': ' + detail if detail else ''}")


# -- the overlay ------------------------------------------------------------------------------------
def to_dict(mandate: Mandate) -> dict[str, Any]:
    return {
        "id": mandate.id,
        "kind": mandate.kind,
        "client_id": mandate.client_id,
        "office_id": mandate.office_id,
        "bank_id": mandate.bank_id,
        "ibans": list(mandate.ibans),
        "history": [[since.isoformat(), state] for since, state in mandate.history],
        "reason_code": mandate.reason_code,
        "reason": mandate.reason,
        "twikey_url": mandate.twikey_url,
    }


def from_dict(data: dict[str, Any]) -> Mandate:
    return Mandate(
        id=data["id"],
        kind=data["kind"],
        client_id=data["client_id"],
        office_id=data["office_id"],
        bank_id=data["bank_id"],
        ibans=tuple(data["ibans"]),
        history=tuple((datetime.fromisoformat(since), state) for since, state in data["history"]),
        reason_code=data["reason_code"],
        reason=data["reason"],
        twikey_url=data["twikey_url"],
    )


def with_mandate(overlay: dict[str, Any], mandate: Mandate) -> dict[str, Any]:
    """A new overlay holding this mandate (in place of its earlier self)."""
    return {**overlay, "mandates": {**overlay.get("mandates", {}), mandate.id: to_dict(mandate)}}


def client_mandates(world: CodaboxWorld, overlay: dict[str, Any], client_id: str) -> list[Mandate]:
    """The world's mandates of the client as the overlay changed them, then those ordered through the API."""
    ordered = {
        m["id"]: from_dict(m) for m in overlay.get("mandates", {}).values() if m["client_id"] == client_id
    }
    out = [ordered.pop(m.id, m) for m in world.mandates(client_id)]
    return out + sorted(ordered.values(), key=lambda m: m.history[0][0])


def find(world: CodaboxWorld, overlay: dict[str, Any], mandate_id: str) -> Mandate | None:
    stored = overlay.get("mandates", {}).get(mandate_id)
    return from_dict(stored) if stored else world.mandate(mandate_id)


def _iban_mandates(world: CodaboxWorld, overlay: dict[str, Any], iban: str) -> list[Mandate]:
    found = world.account(iban)
    mandates = client_mandates(world, overlay, found[0].id) if found else []
    mandates += [from_dict(m) for m in overlay.get("mandates", {}).values() if iban in m["ibans"]]
    return list({m.id: m for m in mandates if iban in m.ibans}.values())


def iban_mandate(world: CodaboxWorld, overlay: dict[str, Any], iban: str, now: datetime) -> Mandate | None:
    """The CODA mandate that holds the IBAN now (ordered and not archived), the latest ordered first."""
    live = [m for m in _iban_mandates(world, overlay, iban) if m.state_at(now) not in (None, "archived")]
    return max(live, key=lambda m: m.history[0][0], default=None)


def coda_accounts(world: CodaboxWorld, overlay: dict[str, Any]) -> list[tuple[Mandate, str]]:
    """Every (CODA mandate, IBAN) of every client, world's and ordered, as the overlay has them."""
    return [
        (mandate, iban)
        for office in world.offices
        for client in world.clients(office.id)
        for mandate in client_mandates(world, overlay, client.id)
        if mandate.kind == "coda"
        for iban in mandate.ibans
    ]


def awaiting_bank(world: CodaboxWorld, overlay: dict[str, Any], now: datetime) -> list[tuple[Mandate, str]]:
    """Every (mandate, IBAN) whose signed CODA mandate awaits its bank's decision now, the oldest
    signature first: what a bank sees in BankConnect."""
    found = [(m, iban) for m, iban in coda_accounts(world, overlay) if m.state_at(now) in AWAITING_BANK]
    return sorted(found, key=lambda pair: (signed_at(pair[0]) or pair[0].history[0][0], pair[1]))


def signed_at(mandate: Mandate) -> datetime | None:
    return next((since for since, state in mandate.history if state == "signed"), None)


# -- ordering ---------------------------------------------------------------------------------------
def _company(world: CodaboxWorld, office_id: str, client_id: str):
    client = world.client(client_id)
    if client is None or client.office_id != office_id:
        return _error("unknown_client", client_id)
    if client.natural_person:
        return _error("natural_person", client.name)
    return client


def order_coda(
    world: CodaboxWorld,
    overlay: dict[str, Any],
    office_id: str,
    client_id: str,
    bank_id: str,
    ibans: list[str],
    now: datetime,
) -> Mandate | MandateError:
    from stdnum.be import iban as be_iban

    client = _company(world, office_id, client_id)
    if isinstance(client, MandateError):
        return client
    bank = world.banks.get(bank_id)
    if bank is None:
        return _error("unknown_bank", bank_id)
    if not ibans:
        return _error("no_ibans")
    for iban in ibans:
        if not be_iban.is_valid(iban):
            return _error("invalid_iban", iban)
        if iban[4:7] not in bank.codes:
            return _error("iban_not_at_bank", f"{iban} is not an account of {bank.name}")
        refused = _iban_refusal(world, overlay, office_id, iban, now)
        if refused:
            return refused
    mandate_id = world.id("ordered-coda-mandate", client.id, bank.bic, *sorted(ibans), now.isoformat())
    return Mandate(
        id=mandate_id,
        kind="coda",
        client_id=client.id,
        office_id=office_id,
        bank_id=bank.bic,
        ibans=tuple(ibans),
        history=(
            (now, "registered"),
            (now + timedelta(minutes=5), "in_preparation"),
            (now + timedelta(minutes=10), "awaiting_signature"),
        ),
        twikey_url=world.signing_url(mandate_id) if bank.online_signing else None,
    )


def _iban_refusal(
    world: CodaboxWorld, overlay: dict[str, Any], office_id: str, iban: str, now: datetime
) -> MandateError | None:
    """Why an IBAN cannot get a new mandate (it is unique in the whole system), or None."""
    office = world.office(office_id)
    if iban == world.iban_under_another_platform and office is not None and office.index == 0:
        return _error("iban_under_another_platform", iban)
    for mandate in _iban_mandates(world, overlay, iban):
        state = mandate.state_at(now)
        if state in (None, "archived"):
            continue  # an archived account can be ordered again
        if mandate.office_id != office_id:
            return _error("iban_linked_to_another_office", iban)
        if state in PENDING:
            return _error("iban_already_requested", iban)
        return _error("iban_linked_to_your_office", iban)
    return None


def order_soda(
    world: CodaboxWorld, overlay: dict[str, Any], office_id: str, client_id: str, now: datetime
) -> Mandate | MandateError:
    client = _company(world, office_id, client_id)
    if isinstance(client, MandateError):
        return client
    office = world.office(office_id)
    if office is None or not office.allows_social_mandates:
        return _error("social_mandates_not_allowed")
    mandates = client_mandates(world, overlay, client.id)
    live = [m for m in mandates if m.state_at(now) not in (None, "archived")]
    if any(m.kind == "soda" for m in live):
        return _error("soda_already_ordered", client.name)
    codas = [m for m in live if m.kind == "coda"]
    if not codas:
        return _error("no_soda_without_coda", client.name)
    mandate = Mandate(
        id=world.id("ordered-soda-mandate", client.id, now.isoformat()),
        kind="soda",
        client_id=client.id,
        office_id=office_id,
        bank_id=None,
        ibans=(),
        history=((now, "not_signed"),),
    )
    if any(m.state_at(now) in SIGNED_OR_LATER for m in codas):
        return _soda_path(mandate, now)
    return mandate


# -- the lifecycle ----------------------------------------------------------------------------------
def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS)


def _then(mandate: Mandate, now: datetime, steps: list[tuple[datetime, str]], **changes: Any) -> Mandate:
    """The mandate with what was planned after `now` replaced by `steps`."""
    kept = tuple((since, state) for since, state in mandate.history if since <= now)
    return replace(mandate, history=(*kept, *steps), **changes)


def _soda_path(mandate: Mandate, now: datetime) -> Mandate:
    """Signed now; the social secretariat has it the next business day and confirms within a week;
    files flow from the first of the next month."""
    requested = _at(add_business_days(now.astimezone(BRUSSELS).date(), 1, BANKS), 9)
    confirmed = _at(add_business_days(requested.date(), 5, BANKS), 9)
    active = _at(first_of_next_month(confirmed.date()), 8)
    steps = [(now, "signed"), (requested, "requested"), (confirmed, "confirmed"), (active, "active")]
    return _then(mandate, now, steps)


def sign(
    world: CodaboxWorld, overlay: dict[str, Any], mandate_id: str, now: datetime
) -> Mandate | MandateError:
    """The client signs (a sandbox action): the bank then activates the mandate, or refuses it, days later."""
    mandate = find(world, overlay, mandate_id)
    if mandate is None:
        return _error("unknown_mandate", mandate_id)
    client = world.client(mandate.client_id)
    if client is not None and client.never_signs:
        return _error("client_never_signs", client.name)
    state = mandate.state_at(now)
    if mandate.kind == "soda":
        if state != "not_signed":
            return _error("invalid_transition", f"a SODA mandate in state {state} cannot be signed")
        codas = [m for m in client_mandates(world, overlay, mandate.client_id) if m.kind == "coda"]
        if not any(m.state_at(now) in SIGNED_OR_LATER for m in codas):
            return _error("coda_not_signed")
        return _soda_path(mandate, now)
    if state not in ("registered", "in_preparation", "awaiting_signature"):
        return _error("invalid_transition", f"a CODA mandate in state {state} cannot be signed")
    bank = world.banks[mandate.bank_id or ""]
    decided = add_business_days(now.astimezone(BRUSSELS).date(), bank.activation_days, BANKS)
    steps = [(now, "signed"), (now + timedelta(hours=1), "bank_procedure")]
    if bank.refusal:
        reason_code, reason = bank.refusal
        return _then(
            mandate, now, [*steps, (_at(decided, 9), "problem")], reason_code=reason_code, reason=reason
        )
    return _then(mandate, now, [*steps, (_at(decided, 7), "active")])


def _decidable(
    world: CodaboxWorld,
    overlay: dict[str, Any],
    mandate_id: str,
    now: datetime,
    kind: str,
    states: tuple[str, ...],
    decision: str,
) -> Mandate | MandateError:
    """The mandate, if it is of `kind` and in one of `states`, where a bank or a social secretariat
    can take `decision` on it now."""
    mandate = find(world, overlay, mandate_id)
    if mandate is None:
        return _error("unknown_mandate", mandate_id)
    if mandate.kind != kind or mandate.state_at(now) not in states:
        which = "signed CODA" if kind == "coda" else "requested SODA"
        return _error(
            "invalid_transition", f"only a {which} mandate can be {decision}, not {mandate.state_at(now)}"
        )
    return mandate


def activate(
    world: CodaboxWorld, overlay: dict[str, Any], mandate_id: str, now: datetime
) -> Mandate | MandateError:
    """The bank approves the account now (BankConnect's bank-account approval)."""
    mandate = _decidable(world, overlay, mandate_id, now, "coda", AWAITING_BANK, "activated")
    if isinstance(mandate, MandateError):
        return mandate
    return _then(mandate, now, [(now, "active")], reason_code="R-0", reason=None)


def refuse(
    world: CodaboxWorld,
    overlay: dict[str, Any],
    mandate_id: str,
    reason_code: str,
    reason: str,
    now: datetime,
) -> Mandate | MandateError:
    """The bank refuses the account (BankConnect's bank-account rejection): `problem`, with its reason."""
    mandate = _decidable(world, overlay, mandate_id, now, "coda", AWAITING_BANK, "refused")
    if isinstance(mandate, MandateError):
        return mandate
    if reason_code == "R-0":
        return _error("invalid_transition", "a refusal has a reason code other than R-0")
    return _then(mandate, now, [(now, "problem")], reason_code=reason_code, reason=reason)


def archive(
    world: CodaboxWorld, overlay: dict[str, Any], mandate_id: str, reason: str, now: datetime
) -> Mandate | MandateError:
    """The mandate stops (by the client, the bank or the office): `archived`, with its reason."""
    mandate = find(world, overlay, mandate_id)
    if mandate is None:
        return _error("unknown_mandate", mandate_id)
    if mandate.state_at(now) in (None, "archived"):
        return _error("invalid_transition", f"a mandate in state {mandate.state_at(now)} cannot be archived")
    return _then(mandate, now, [(now, "archived")], reason=reason)


def confirm_social(
    world: CodaboxWorld, overlay: dict[str, Any], mandate_id: str, now: datetime
) -> Mandate | MandateError:
    """The social secretariat confirms a requested SODA mandate now: files flow from the next month."""
    mandate = _decidable(world, overlay, mandate_id, now, "soda", ("requested", "delayed"), "confirmed")
    if isinstance(mandate, MandateError):
        return mandate
    active = _at(first_of_next_month(now.astimezone(BRUSSELS).date()), 8)
    return _then(mandate, now, [(now, "confirmed"), (active, "active")])
