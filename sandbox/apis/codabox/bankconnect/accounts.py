"""The bank's side of CodaBox mandates: the bank accounts whose signed mandate awaits the bank, the
mandate PDF of an account, and the bank's three decisions. A decision names the account by IBAN and
applies to the account's mandate through `mandates`' pure functions (activate, refuse, archive), so
V2 shows it in the mandate's state and `reason_code`, and the documents of `flow` follow it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from stdnum.be import iban as be_iban

from sandbox.apis.codabox import mandates, pdfs
from sandbox.apis.codabox.bankconnect import package
from sandbox.apis.codabox.bankconnect.errors import BANK_ACCOUNT_STATE, UNKNOWN_BANK_ACCOUNT
from sandbox.apis.codabox.flow import change_mandate, overlay_of
from sandbox.apis.codabox.ibanity import (
    VALIDATION_ERROR,
    client_credentials_token,
    cursor_page,
    document,
    idempotent,
    identifier,
    instant,
    paging_links,
    paging_meta,
    refuse,
    resource,
)
from sandbox.apis.codabox.mandates import MandateError
from sandbox.apis.codabox.world import CodaboxWorld, Mandate
from sandbox.runtime.context import Reply, RequestContext

BANK_ACCOUNT = "bankAccount"
STOPPED_BY_THE_BANK = "Stopped by the bank"


@package.handler("getApiRoot")
def api_root(ctx: RequestContext) -> dict:
    base = ctx.base_url
    return {
        "links": {
            "oauth2": {"token": f"{base}/oauth2/token"},
            "bankAccounts": f"{base}/bank-accounts",
            "bankMandates": f"{base}/bank-mandates/{{bankAccountId}}",
            "bankAccountApprovals": f"{base}/bank-account-approvals",
            "bankAccountRejections": f"{base}/bank-account-rejections",
            "bankAccountDeactivations": f"{base}/bank-account-deactivations",
        }
    }


package.handler("requestToken")(client_credentials_token)


def account_id(world: CodaboxWorld, iban: str) -> str:
    """A bank account's id in BankConnect: one per IBAN, whichever mandate holds it."""
    return world.id("bankconnect-account", iban)


def _account_view(ctx: RequestContext, mandate: Mandate, iban: str) -> dict[str, Any]:
    world: CodaboxWorld = ctx.world
    client = world.client(mandate.client_id)
    found = account_id(world, iban)
    attributes: dict[str, Any] = {
        "iban": iban,
        "bic": mandate.bank_id,
        "accountType": "current",
        "status": "pendingBankApproval",
    }
    if client is not None:
        attributes["accountHolderName"] = client.name
        attributes["accountHolderCompanyNumber"] = client.enterprise_number or ""
    signed = mandates.signed_at(mandate)
    if signed is not None:
        attributes["signedAt"] = instant(signed)
    return resource(
        BANK_ACCOUNT, found, attributes, links={"bankMandate": f"{ctx.base_url}/bank-mandates/{found}"}
    )


@package.handler("listBankAccounts")
async def list_bank_accounts(ctx: RequestContext) -> dict:
    world: CodaboxWorld = ctx.world
    waiting = mandates.awaiting_bank(world, await overlay_of(ctx.state), ctx.now())
    page = cursor_page(
        waiting,
        lambda pair: account_id(world, pair[1]),
        int(ctx.params.get("page[limit]", 10)),
        after=ctx.params.get("page[after]"),
        before=ctx.params.get("page[before]"),
    )
    return document(
        [_account_view(ctx, mandate, iban) for mandate, iban in page.items],
        links=paging_links(f"{ctx.base_url}/bank-accounts", page),
        meta=paging_meta(page),
    )


@package.handler("getBankMandate")
async def get_bank_mandate(ctx: RequestContext) -> Reply:
    world: CodaboxWorld = ctx.world
    wanted = ctx.params["bankAccountId"]
    held = [
        m
        for m, iban in mandates.coda_accounts(world, await overlay_of(ctx.state))
        if account_id(world, iban) == wanted
    ]
    if not held:
        raise refuse(UNKNOWN_BANK_ACCOUNT, f"No bank account {wanted}")
    latest = max(held, key=lambda m: m.history[0][0])
    return Reply(pdfs.mandate_pdf(world, latest), media_type="application/pdf")


# -- the bank's decisions -------------------------------------------------------------------------------
Decide = Callable[[CodaboxWorld, dict[str, Any], Mandate, datetime], Mandate | MandateError]


async def _decide(ctx: RequestContext, kind: str, decide: Decide, **echoed: Any) -> Reply:
    """Apply the bank's decision on the account named by `iban` to its mandate; 201 with the decision."""
    world: CodaboxWorld = ctx.world
    iban = str(ctx.body["data"]["attributes"]["iban"]).replace(" ", "").upper()
    if not be_iban.is_valid(iban):
        raise refuse(VALIDATION_ERROR, f"{iban!r} is not a valid Belgian IBAN", "iban")
    now = ctx.now()

    def decided_on(overlay: dict[str, Any]) -> Mandate:
        mandate = mandates.iban_mandate(world, overlay, iban, now)
        if mandate is None:
            raise refuse(UNKNOWN_BANK_ACCOUNT, f"No CodaBox mandate holds {iban} now", "iban")
        decided = decide(world, overlay, mandate, now)
        if isinstance(decided, MandateError):
            raise refuse(BANK_ACCOUNT_STATE, f"{iban}: {decided.detail}", "iban")
        return decided

    decided = await change_mandate(ctx.state, decided_on)
    attributes = {"iban": iban, "createdAt": instant(now), **echoed}
    found = account_id(world, iban)
    decision = resource(
        kind,
        world.id("bankconnect", kind, decided.id, iban, now.isoformat()),
        attributes,
        relationships={BANK_ACCOUNT: {"data": identifier(BANK_ACCOUNT, found)}},
    )
    return Reply(document(decision), status=201)


@package.handler("createBankAccountApproval")
@idempotent
async def approve(ctx: RequestContext) -> Reply:
    """The bank approves: the mandate is active now (`mandates.activate`)."""
    account_type = ctx.body["data"]["attributes"].get("accountType", "current")
    return await _decide(
        ctx,
        "bankAccountApproval",
        lambda w, o, m, now: mandates.activate(w, o, m.id, now),
        accountType=account_type,
    )


@package.handler("createBankAccountRejection")
@idempotent
async def reject(ctx: RequestContext) -> Reply:
    """The bank rejects: the mandate goes to `problem` with the V2 reason of the `reasonCode`."""
    code = ctx.body["data"]["attributes"]["reasonCode"]
    reasons = ctx.api.fixture["bank_rejection_reasons"]
    if code not in reasons:
        known = ", ".join(reasons)
        raise refuse(VALIDATION_ERROR, f"reasonCode {code!r} is not one of: {known}", "reasonCode")
    reason = reasons[code]
    return await _decide(
        ctx,
        "bankAccountRejection",
        lambda w, o, m, now: mandates.refuse(w, o, m.id, reason["reason_code"], reason["reason"], now),
        reasonCode=code,
    )


@package.handler("createBankAccountDeactivation")
@idempotent
async def deactivate(ctx: RequestContext) -> Reply:
    """The bank stops CODA for the account: the mandate is archived now, stopped by the bank."""
    attributes = ctx.body["data"]["attributes"]
    closed = bool(attributes.get("isAccountClosed", False))
    reason = f"{STOPPED_BY_THE_BANK}: the account is closed" if closed else STOPPED_BY_THE_BANK
    echoed: dict[str, Any] = {"isAccountClosed": closed}
    if "timestamp" in attributes:
        echoed["timestamp"] = attributes["timestamp"]
    return await _decide(
        ctx,
        "bankAccountDeactivation",
        lambda w, o, m, now: mandates.archive(w, o, m.id, reason, now),
        **echoed,
    )
