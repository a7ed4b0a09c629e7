"""Booking rules: invoice lines totalled per VAT rate, and what a transaction posts to the ledger.

Amounts are `Decimal`s rounded half up to cents; VAT is computed once per rate over the sum of its
lines (as Dutch and Belgian invoices show it), so the VAT total is the sum of the per-rate VAT."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def posting(account: str, amount: Decimal, description: str) -> dict:
    """A debit for a positive amount, a credit for a negative one."""
    debit, credit = (amount, Decimal(0)) if amount >= 0 else (Decimal(0), -amount)
    return {
        "ledger_account_code": account,
        "debit": money(debit),
        "credit": money(credit),
        "description": description,
    }


def book_lines(lines: list[dict], vat_rates: dict[str, dict], receivable: str, credit_note: bool) -> dict:
    """Lines, VAT per rate, totals and postings of an invoice (or, negated, a credit note). Each
    line names a known `vat_code` and gives `quantity` and `unit_price` as decimal strings."""
    sign = Decimal(-1) if credit_note else Decimal(1)
    booked, bases, revenue = [], {}, {}
    for line in lines:
        rate = vat_rates[line["vat_code"]]
        amount = cents(Decimal(line["quantity"]) * Decimal(line["unit_price"])) * sign
        booked.append(
            {
                "description": line["description"],
                "quantity": line["quantity"],
                "unit_price": money(Decimal(line["unit_price"])),
                "vat_code": rate["code"],
                "vat_percentage": rate["percentage"],
                "ledger_account_code": line["ledger_account_code"],
                "product_id": line.get("product_id"),
                "amount": money(amount),
            }
        )
        bases[rate["code"]] = bases.get(rate["code"], Decimal(0)) + amount
        revenue[line["ledger_account_code"]] = revenue.get(line["ledger_account_code"], Decimal(0)) + amount
    vat_totals, vat_by_account = [], {}
    for code, base in bases.items():
        rate = vat_rates[code]
        vat = cents(base * Decimal(rate["percentage"]) / 100)
        vat_totals.append(
            {"vat_code": code, "percentage": rate["percentage"], "base": money(base), "vat": money(vat)}
        )
        if rate["ledger_account_code"] and vat:
            account = rate["ledger_account_code"]
            vat_by_account[account] = vat_by_account.get(account, Decimal(0)) + vat
    excl = sum(bases.values(), Decimal(0))
    vat_total = sum((Decimal(v["vat"]) for v in vat_totals), Decimal(0))
    postings = [posting(receivable, excl + vat_total, "Debiteuren")]
    postings += [posting(account, -amount, "Omzet") for account, amount in revenue.items()]
    postings += [posting(account, -amount, "Btw") for account, amount in vat_by_account.items()]
    return {
        "lines": booked,
        "vat_totals": vat_totals,
        "total_excl_vat": money(excl),
        "total_vat": money(vat_total),
        "total_incl_vat": money(excl + vat_total),
        "postings": postings,
    }


def entry_totals(entries: list[dict]) -> tuple[Decimal, Decimal]:
    """The debits and the credits of a memorial entry."""
    debit = sum((Decimal(e["debit"]) for e in entries), Decimal(0))
    credit = sum((Decimal(e["credit"]) for e in entries), Decimal(0))
    return debit, credit


def book_entries(entries: list[dict]) -> dict:
    """A balanced memorial entry: its bookings as postings, no lines and no VAT."""
    debit, _ = entry_totals(entries)
    return {
        "lines": [],
        "vat_totals": [],
        "total_excl_vat": money(debit),
        "total_vat": money(Decimal(0)),
        "total_incl_vat": money(debit),
        "postings": [
            {
                "ledger_account_code": e["ledger_account_code"],
                "debit": money(Decimal(e["debit"])),
                "credit": money(Decimal(e["credit"])),
                "description": e.get("description", ""),
            }
            for e in entries
        ],
    }
