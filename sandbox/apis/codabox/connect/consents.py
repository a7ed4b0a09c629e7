"""The API root, the token endpoint, and accounting-office consents: the software asks an office for
its documents, the office's representative confirms or denies at `confirmationUri` (a page of the
sandbox, or the sandbox actions `confirm-consent` and `deny-consent`), and the browser goes back to
the software's `redirectUri`.

A consent lives in the tenant's overlay; the confirmation page is opened without credentials, so
its address names the tenant, and the consent's random id is what makes it the representative's.
"""

from __future__ import annotations

import uuid
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from sandbox.apis.codabox.connect import package
from sandbox.apis.codabox.connect.errors import ALREADY_REGISTERED, CONSENT_DECIDED, UNKNOWN_ACCOUNTING_OFFICE
from sandbox.apis.codabox.ibanity import (
    NOT_FOUND,
    VALIDATION_ERROR,
    client_credentials_token,
    document,
    idempotent,
    instant,
    refuse,
    resource,
)
from sandbox.apis.codabox.world import CodaboxWorld, Office
from sandbox.identity import pages
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.package import ActionCall
from sandbox.runtime.state import TenantState
from sandbox.worlds.identities import is_enterprise_number

CONSENT = "accountingOfficeConsent"
UNCONFIRMED, CONFIRMED, DENIED = "unconfirmed", "confirmed", "denied"
DECISIONS = {"confirm": CONFIRMED, "deny": DENIED}


# -- the API root and the token ---------------------------------------------------------------------
@package.handler("getApiRoot")
def api_root(ctx: RequestContext) -> dict:
    base = ctx.base_url
    office = f"{base}/accounting-offices/{{accountingOfficeId}}"
    client = f"{office}/clients/{{clientId}}"
    return {
        "links": {
            "oauth2": {"token": f"{base}/oauth2/token"},
            "accountingOfficeConsents": f"{base}/accounting-office-consents/{{accountingOfficeConsentId}}",
            "accountingOffices": {
                "documentSearches": f"{office}/document-searches",
                "bankAccountStatements": f"{client}/bank-account-statements/{{bankAccountStatementId}}",
                "creditCardStatements": f"{client}/credit-card-statements/{{creditCardStatementId}}",
                "payrollStatements": f"{client}/payroll-statements/{{payrollStatementId}}",
                "purchaseInvoices": f"{client}/purchase-invoices/{{purchaseInvoiceId}}",
                "salesInvoices": f"{client}/sales-invoices/{{salesInvoiceId}}",
            },
        }
    }


package.handler("requestToken")(client_credentials_token)


# -- consents -----------------------------------------------------------------------------------------
def office_by_number(world: CodaboxWorld, number: str) -> Office | None:
    return next((o for o in world.offices if o.enterprise_number == number), None)


async def consents(state: TenantState) -> list[dict[str, Any]]:
    return await state.list("consents")


async def confirmed_consent(state: TenantState, office_id: str) -> dict[str, Any] | None:
    """The tenant's confirmed consent of the office, if any: what lets it read the office's documents."""
    return next(
        (c for c in await consents(state) if c["officeId"] == office_id and c["status"] == CONFIRMED), None
    )


def _confirmation_uri(base_url: str, consent_id: str, tenant: str) -> str:
    return f"{base_url}/accounting-office-consents/{consent_id}/confirmation?{urlencode({'tenant': tenant})}"


def consent_document(base_url: str, consent: dict[str, Any]) -> dict:
    attributes = {
        "accountingOfficeId": consent["officeId"],
        "accountingOfficeCompanyNumber": consent["companyNumber"],
        "confirmationUri": consent["confirmationUri"],
        "redirectUri": consent["redirectUri"],
        "requestedAt": consent["requestedAt"],
        "status": consent["status"],
    }
    links = {"self": f"{base_url}/accounting-office-consents/{consent['id']}"}
    return document(resource(CONSENT, consent["id"], attributes, links=links))


@package.handler("createAccountingOfficeConsent")
@idempotent
async def create_consent(ctx: RequestContext) -> Reply:
    attributes = ctx.body["data"]["attributes"]
    number, redirect_uri = attributes["accountingOfficeCompanyNumber"], attributes["redirectUri"]
    if not is_enterprise_number(number):
        detail = f"{number!r} is not an enterprise number: 10 digits, the last two a mod-97 check"
        raise refuse(VALIDATION_ERROR, detail, "accountingOfficeCompanyNumber")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        raise refuse(VALIDATION_ERROR, "redirectUri must be an http or https URI", "redirectUri")
    office = office_by_number(ctx.world, number)
    if office is None:
        detail = f"No accounting office with enterprise number {number} in CodaBox"
        raise refuse(UNKNOWN_ACCOUNTING_OFFICE, detail, "accountingOfficeCompanyNumber")
    if await confirmed_consent(ctx.state, office.id):
        detail = f"{office.name} ({number}) confirmed a consent for this software already"
        raise refuse(ALREADY_REGISTERED, detail, "accountingOfficeCompanyNumber")
    consent_id = str(uuid.uuid4())
    consent = {
        "id": consent_id,
        "officeId": office.id,
        "companyNumber": number,
        "redirectUri": redirect_uri,
        "confirmationUri": _confirmation_uri(ctx.base_url, consent_id, ctx.tenant),
        "requestedAt": instant(ctx.now()),
        "status": UNCONFIRMED,
    }
    await ctx.state.put("consents", consent_id, value=consent)
    return Reply(consent_document(ctx.base_url, consent), status=201)


async def _consent(state: TenantState, consent_id: str) -> dict[str, Any]:
    consent = await state.get("consents", consent_id)
    if consent is None:
        raise refuse(NOT_FOUND, f"No accounting office consent {consent_id}")
    return consent


@package.handler("getAccountingOfficeConsent")
async def get_consent(ctx: RequestContext) -> dict:
    return consent_document(ctx.base_url, await _consent(ctx.state, ctx.params["accountingOfficeConsentId"]))


async def decide(state: TenantState, consent_id: str, status: str, now) -> dict[str, Any]:
    """The representative's decision on an unconfirmed consent."""
    consent = await _consent(state, consent_id)
    if consent["status"] != UNCONFIRMED:
        raise refuse(CONSENT_DECIDED, f"The consent {consent_id} is {consent['status']} already")
    if status == CONFIRMED and await confirmed_consent(state, consent["officeId"]):
        raise refuse(ALREADY_REGISTERED, "The office confirmed another consent for this software already")
    consent = {**consent, "status": status, "decidedAt": instant(now)}
    await state.put("consents", consent_id, value=consent)
    return consent


# -- the confirmation page: what the office's representative sees --------------------------------------
async def _page_scope(ctx: RequestContext) -> tuple[str, TenantState, dict[str, Any]]:
    """The tenant the page names, its state, and the consent."""
    tenant = ctx.params["tenant"]
    if await ctx.services.tenants.get(tenant) is None:
        raise refuse(NOT_FOUND, f"No tenant {tenant}")
    ctx.attribute(tenant)
    state = TenantState(ctx.store, tenant, ctx.api.family)
    return tenant, state, await _consent(state, ctx.params["accountingOfficeConsentId"])


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(body, status=status, media_type="text/html", headers=headers or {})


@package.handler("showConsentConfirmation")
async def show_confirmation(ctx: RequestContext) -> Reply:
    tenant, _, consent = await _page_scope(ctx)
    office = ctx.services.worlds.get(ctx.api, tenant).office(consent["officeId"])
    name = office.name if office else consent["companyNumber"]
    heading = f"<h1>CodaBox: access to the documents of {escape(name)}</h1>\n"
    if consent["status"] != UNCONFIRMED:
        return _html(
            pages.page("Consent", heading + f'<p id="status">This consent is {consent["status"]}.</p>')
        )
    action = escape(_confirmation_uri(ctx.base_url, consent["id"], tenant))
    body = (
        heading + f"<p>An accounting software asks to read the CODA, SODA and invoices of the office "
        f"<code>{escape(consent['companyNumber'])}</code>'s clients.</p>\n"
        f'<p id="status">Status: {consent["status"]}</p>\n'
        f'<form method="post" action="{action}">\n'
        '<button type="submit" name="decision" value="confirm">Confirm</button>\n'
        '<button type="submit" name="decision" value="deny">Deny</button>\n'
        "</form>\n"
        f'<p class="note">Sandbox page: nobody logs in. Either answer sends you back to '
        f"<code>{escape(consent['redirectUri'])}</code>.</p>"
    )
    return _html(pages.page("Confirm the consent", body))


@package.handler("decideConsentConfirmation")
async def decide_confirmation(ctx: RequestContext) -> Reply:
    tenant, state, consent = await _page_scope(ctx)
    clock = await ctx.services.clocks.get(tenant)
    decided = await decide(state, consent["id"], DECISIONS[ctx.body["decision"]], clock.now())
    location = decided["redirectUri"]
    return _html(pages.redirecting(location), 302, {"Location": location, "Cache-Control": "no-store"})


# -- sandbox actions: the representative decides without a browser -----------------------------------
CONSENT_ID = {
    "type": "object",
    "additionalProperties": False,
    "required": ["consentId"],
    "properties": {"consentId": {"type": "string", "minLength": 1, "maxLength": 64}},
}


async def _decide_action(call: ActionCall, status: str) -> dict:
    consent = await decide(call.state, call.body["consentId"], status, call.clock.now())
    return {"id": consent["id"], "status": consent["status"], "accountingOfficeId": consent["officeId"]}


@package.action("confirm-consent", CONSENT_ID)
async def confirm_consent(call: ActionCall) -> dict:
    """The office's representative confirms a consent: the software may read the office's documents."""
    return await _decide_action(call, CONFIRMED)


@package.action("deny-consent", CONSENT_ID)
async def deny_consent(call: ActionCall) -> dict:
    """The office's representative denies a consent."""
    return await _decide_action(call, DENIED)
