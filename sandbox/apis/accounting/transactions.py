"""Financial transactions: sales invoices, credit notes and memorial entries, read by id, number,
date, date range and the integrator's reference, and booked with an answer of 200 that has their id
(seed 003 items 4b, 4f-4h, 6a and 9).

Booking checks every rule before it refuses, so one 400 names every field at fault. The reference
is claimed atomically: the same create sent again gets the first record back (a safe retry), a
different transaction with a used reference gets 400 `duplicate_reference`."""

from __future__ import annotations

import hashlib
from datetime import date

import orjson

from sandbox.apis.accounting import ledger, package
from sandbox.apis.accounting.common import administration, created, next_number
from sandbox.apis.accounting.contacts import all_contacts
from sandbox.apis.accounting.errors import (
    DUPLICATE_REFERENCE,
    FIELD_NOT_ALLOWED,
    FIELD_REQUIRED,
    INVOICE_PROFILE_REQUIRED,
    JOURNAL_REQUIRED,
    PAYMENT_CONDITION_REQUIRED,
    UNBALANCED_ENTRY,
    UNKNOWN_CONTACT,
    UNKNOWN_INVOICE_PROFILE,
    UNKNOWN_JOURNAL,
    UNKNOWN_LEDGER_ACCOUNT,
    UNKNOWN_PAYMENT_CONDITION,
    UNKNOWN_PRODUCT,
    UNKNOWN_VAT_CODE,
    WRONG_JOURNAL_TYPE,
    not_found,
    refuse,
)
from sandbox.apis.accounting.products import all_products
from sandbox.apis.accounting.views import paged
from sandbox.apis.accounting.world import Administration, record_id, transaction_number, transaction_view
from sandbox.errors import Violation
from sandbox.runtime.context import Reply, RequestContext


async def all_transactions(ctx: RequestContext, admin: Administration) -> list[dict]:
    return [*admin.transactions, *await created(ctx, admin, "transactions")]


def _selected(transaction: dict, params: dict) -> bool:
    day = date.fromisoformat(transaction["date"])
    return (
        params.get("number", transaction["number"]) == transaction["number"]
        and params.get("reference", transaction["reference"]) == transaction["reference"]
        and params.get("date", day) == day
        and params.get("date_from", day) <= day <= params.get("date_to", day)
        and params.get("contact_id", transaction["contact_id"]) == transaction["contact_id"]
        and params.get("kind", transaction["kind"]) == transaction["kind"]
    )


@package.handler("listFinancialTransactions")
async def list_transactions(ctx: RequestContext) -> Reply:
    params = {k: date.fromisoformat(v) if k.startswith("date") else v for k, v in ctx.params.items()}
    found = [t for t in await all_transactions(ctx, administration(ctx)) if _selected(t, params)]
    return paged(ctx, sorted(found, key=lambda t: (t["date"], t["id"])))


@package.handler("getFinancialTransaction")
async def get_transaction(ctx: RequestContext) -> dict:
    for transaction in await all_transactions(ctx, administration(ctx)):
        if transaction["id"] == ctx.params["transaction_id"]:
            return transaction
    raise not_found("financial transaction", ctx.params["transaction_id"])


# -- booking ----------------------------------------------------------------------------------------
def _journal(admin: Administration, body: dict, kind: str, violations: list[Violation]) -> dict | None:
    wanted = "memorial" if kind == "memorial" else "sales"
    code = body.get("journal_code")
    if code is None:
        if admin.requires["journal"]:
            violations.append(
                Violation("journal_code", JOURNAL_REQUIRED.code, "this administration requires a journal")
            )
            return None
        return admin.first_journal(wanted)
    journal = admin.journal(code)
    if journal is None:
        known = ", ".join(j["code"] for j in admin.journals)
        violations.append(
            Violation("journal_code", UNKNOWN_JOURNAL.code, f"{code!r} is not a journal here ({known})")
        )
    elif journal["type"] != wanted:
        violations.append(
            Violation(
                "journal_code",
                WRONG_JOURNAL_TYPE.code,
                f"{code!r} is a {journal['type']} journal; a {kind} needs a {wanted} one",
            )
        )
    return journal


def _payment_condition(admin: Administration, body: dict, violations: list[Violation]) -> dict | None:
    code = body.get("payment_condition_code")
    if code is None:
        if admin.requires["payment_condition"]:
            violations.append(
                Violation(
                    "payment_condition_code",
                    PAYMENT_CONDITION_REQUIRED.code,
                    "this administration requires a payment condition",
                )
            )
            return None
        return admin.payment_condition("30")
    condition = admin.payment_condition(code)
    if condition is None:
        known = ", ".join(p["code"] for p in admin.payment_conditions)
        violations.append(
            Violation(
                "payment_condition_code",
                UNKNOWN_PAYMENT_CONDITION.code,
                f"{code!r} is not a payment condition here ({known})",
            )
        )
    return condition


def _invoice_profile(admin: Administration, body: dict, violations: list[Violation]) -> str | None:
    profile_id = body.get("invoice_profile_id")
    if profile_id is None:
        if admin.requires["invoice_profile"]:
            violations.append(
                Violation(
                    "invoice_profile_id",
                    INVOICE_PROFILE_REQUIRED.code,
                    "this administration requires an invoice profile",
                )
            )
        return None
    if admin.invoice_profile(profile_id) is None:
        violations.append(
            Violation(
                "invoice_profile_id",
                UNKNOWN_INVOICE_PROFILE.code,
                f"{profile_id!r} is not an invoice profile here",
            )
        )
    return profile_id


def _account(admin: Administration, field: str, code: str, violations: list[Violation]) -> None:
    if admin.ledger_account(code) is None:
        violations.append(
            Violation(field, UNKNOWN_LEDGER_ACCOUNT.code, f"{code!r} is not a ledger account here")
        )


async def _check_invoice(
    ctx: RequestContext, admin: Administration, body: dict, violations: list[Violation]
) -> None:
    if "entries" in body:
        violations.append(
            Violation(
                "entries", FIELD_NOT_ALLOWED.code, "only memorial entries have entries; invoices have lines"
            )
        )
    if "contact_id" not in body:
        violations.append(
            Violation("contact_id", FIELD_REQUIRED.code, "an invoice or credit note needs a debtor")
        )
    elif all(c["id"] != body["contact_id"] for c in await all_contacts(ctx, admin)):
        violations.append(
            Violation("contact_id", UNKNOWN_CONTACT.code, f"{body['contact_id']!r} is not a debtor here")
        )
    if not body.get("lines"):
        violations.append(
            Violation("lines", FIELD_REQUIRED.code, "an invoice or credit note needs at least one line")
        )
    products = (
        {p["id"] for p in await all_products(ctx, admin)}
        if any("product_id" in x for x in body.get("lines", []))
        else set()
    )
    for i, line in enumerate(body.get("lines", [])):
        if admin.vat_rate(line["vat_code"]) is None:
            known = ", ".join(r["code"] for r in admin.vat_rates)
            violations.append(
                Violation(
                    f"lines[{i}].vat_code",
                    UNKNOWN_VAT_CODE.code,
                    f"{line['vat_code']!r} is not a VAT code here ({known})",
                )
            )
        _account(admin, f"lines[{i}].ledger_account_code", line["ledger_account_code"], violations)
        if "product_id" in line and line["product_id"] not in products:
            violations.append(
                Violation(
                    f"lines[{i}].product_id",
                    UNKNOWN_PRODUCT.code,
                    f"{line['product_id']!r} is not a product here",
                )
            )


def _check_memorial(admin: Administration, body: dict, violations: list[Violation]) -> None:
    for name in ("lines", "contact_id", "payment_condition_code", "invoice_profile_id"):
        if name in body:
            violations.append(Violation(name, FIELD_NOT_ALLOWED.code, "a memorial entry does not take it"))
    entries = body.get("entries") or []
    if len(entries) < 2:
        violations.append(
            Violation("entries", FIELD_REQUIRED.code, "a memorial entry needs at least two bookings")
        )
    for i, entry in enumerate(entries):
        _account(admin, f"entries[{i}].ledger_account_code", entry["ledger_account_code"], violations)
    debit, credit = ledger.entry_totals(entries)
    if debit != credit:
        violations.append(
            Violation(
                "entries",
                UNBALANCED_ENTRY.code,
                f"debits ({ledger.money(debit)}) and credits ({ledger.money(credit)}) "
                f"differ by {ledger.money(abs(debit - credit))}",
            )
        )


def _fingerprint(body: dict) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


@package.handler("createFinancialTransaction")
async def create_transaction(ctx: RequestContext) -> dict:
    admin, body = administration(ctx), ctx.body
    kind, reference = body["kind"], body["reference"]
    claimed = await ctx.state.get(admin.id, "references", reference)
    if claimed is not None and claimed["fingerprint"] == _fingerprint(body):
        return await ctx.state.get(admin.id, "transactions", claimed["id"])
    violations: list[Violation] = []
    journal = _journal(admin, body, kind, violations)
    if kind == "memorial":
        condition, profile_id = None, None
        _check_memorial(admin, body, violations)
    else:
        condition = _payment_condition(admin, body, violations)
        profile_id = _invoice_profile(admin, body, violations)
        await _check_invoice(ctx, admin, body, violations)
    if claimed is not None or any(t["reference"] == reference for t in admin.transactions):
        violations.append(
            Violation(
                "reference",
                DUPLICATE_REFERENCE.code,
                f"{reference!r} is the reference of another transaction",
            )
        )
    if violations:
        raise refuse(violations)
    n = await next_number(ctx, admin.id, "sequence", "transactions", after=len(admin.transactions))
    transaction_id = record_id("transaction", n)
    if not await ctx.state.add(
        admin.id, "references", reference, value={"id": transaction_id, "fingerprint": _fingerprint(body)}
    ):
        return await create_transaction(ctx)  # a concurrent create claimed the reference first
    day = date.fromisoformat(body["date"])
    year_count = sum(
        1
        for t in admin.transactions
        if t["journal_code"] == journal["code"] and t["date"][:4] == str(day.year)
    )
    number = transaction_number(
        journal["code"],
        day.year,
        await next_number(ctx, admin.id, "sequence", journal["code"], str(day.year), after=year_count),
    )
    if kind == "memorial":
        booked = ledger.book_entries(body["entries"])
    else:
        rates = {r["code"]: r for r in admin.vat_rates}
        booked = ledger.book_lines(body["lines"], rates, admin.receivable, kind == "credit_note")
    transaction = transaction_view(
        transaction_id,
        number,
        kind,
        day,
        reference,
        body.get("description"),
        body.get("contact_id"),
        journal["code"],
        condition,
        profile_id,
        admin.currency,
        booked,
        ctx.now(),
    )
    await ctx.state.put(admin.id, "transactions", transaction_id, value=transaction)
    return transaction
