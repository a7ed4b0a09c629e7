"""The administration's settings an integrator reads before it books: administrations, VAT rates,
ledger accounts, journals, payment conditions and invoice profiles (seed 003 items 4d-4h, 6d-6f)."""

from __future__ import annotations

from sandbox.apis.accounting import package
from sandbox.apis.accounting.common import administration
from sandbox.apis.accounting.world import AccountingWorld
from sandbox.runtime.context import RequestContext


@package.handler("listAdministrations")
def list_administrations(ctx: RequestContext) -> list[dict]:
    world: AccountingWorld = ctx.world
    return [admin.view() for admin in world.administrations.values()]


@package.handler("listVatRates")
def list_vat_rates(ctx: RequestContext) -> list[dict]:
    return administration(ctx).vat_rates


@package.handler("listLedgerAccounts")
def list_ledger_accounts(ctx: RequestContext) -> list[dict]:
    return administration(ctx).ledger_accounts


@package.handler("listJournals")
def list_journals(ctx: RequestContext) -> list[dict]:
    return administration(ctx).journals


@package.handler("listPaymentConditions")
def list_payment_conditions(ctx: RequestContext) -> list[dict]:
    return administration(ctx).payment_conditions


@package.handler("listInvoiceProfiles")
def list_invoice_profiles(ctx: RequestContext) -> list[dict]:
    return administration(ctx).invoice_profiles
