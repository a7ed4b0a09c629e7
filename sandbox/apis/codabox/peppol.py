"""Send invoices: Peppol licences of an invoicing software's user (a client), the upload of a sales
invoice that CodaBox delivers to the client's accountant, and the look-up of a Peppol participant.

An uploaded invoice is checked like the generated ones (`ubl.validate_invoice`: the UBL 2.1 XSD, the
EN 16931 rules and the Belgian identifiers); a valid one enters the office's feed at once as a
`sales_invoice` entry, its XML as sent and a PDF of what it says.
"""

from __future__ import annotations

import base64
from typing import Any

from lxml import etree
from stdnum.be import vat

from sandbox.apis.codabox import package, ubl
from sandbox.apis.codabox.errors import (
    CLIENT_ONLY,
    INVALID_INVOICE,
    INVALID_PARTICIPANT,
    LICENCE_INACTIVE,
    NO_FILE,
    UNKNOWN_LICENCE,
    WRONG_SELLER,
    refuse,
)
from sandbox.apis.codabox.users import User, current_user
from sandbox.errors import Violation
from sandbox.runtime.context import Reply, RequestContext, Upload

NS = {"cbc": ubl.CBC, "cac": ubl.CAC}


def _state_date(ctx: RequestContext) -> str:
    """`YYYY-MM-DDTHH:MM:SS`: the form public clients parse (no fraction, no zone)."""
    return ctx.now().replace(tzinfo=None, microsecond=0).isoformat()


async def _client_user(ctx: RequestContext) -> User:
    user = await current_user(ctx)
    if user.client is None:
        raise refuse(
            CLIENT_ONLY, "Peppol licences belong to an invoicing software's user: use the token flow"
        )
    return user


async def _licence(ctx: RequestContext, user: User) -> dict[str, Any]:
    licence = await ctx.state.get("licences", str(ctx.params["licence_id"]))
    if licence is None or licence["client_id"] != user.client.id:
        raise refuse(UNKNOWN_LICENCE, f"No licence {ctx.params['licence_id']} of yours")
    return licence


def _view(licence: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in licence.items() if key != "client_id"}


@package.handler("listLicences")
async def list_licences(ctx: RequestContext) -> list[dict]:
    user = await _client_user(ctx)
    found = [lic for lic in await ctx.state.list("licences") if lic["client_id"] == user.client.id]
    return [_view(lic) for lic in sorted(found, key=lambda lic: lic["id"])]


@package.handler("createLicence")
async def create_licence(ctx: RequestContext) -> Reply:
    user = await _client_user(ctx)
    number = await ctx.store.incr(ctx.state.key("licence-seq"))
    licence = {
        "id": number,
        "client_id": user.client.id,
        "email": ctx.body["email"],
        "state": "active",
        "state_date": _state_date(ctx),
        "invoice_quantity": ctx.body["invoice_quantity"],
    }
    await ctx.state.put("licences", str(number), value=licence)
    return Reply(_view(licence), status=201)


@package.handler("updateLicence")
async def update_licence(ctx: RequestContext) -> dict:
    licence = await _licence(ctx, await _client_user(ctx))
    if "invoice_quantity" in ctx.body:
        licence["invoice_quantity"] = ctx.body["invoice_quantity"]
    if ctx.body.get("state") in ("active", "inactive") and ctx.body["state"] != licence["state"]:
        licence.update(state=ctx.body["state"], state_date=_state_date(ctx))
    await ctx.state.put("licences", str(licence["id"]), value=licence)
    return _view(licence)


@package.handler("requestLicenceToken")
async def request_licence_token(ctx: RequestContext) -> Reply:
    licence = await _licence(ctx, await _client_user(ctx))
    token = ctx.world.id("peppol-token", licence["id"], ctx.now().isoformat())
    return Reply({"token": token}, status=201)


def _text(root: etree._Element, path: str) -> str:
    return (root.findtext(path, namespaces=NS) or "").strip()


def _summary(root: etree._Element) -> dict[str, str]:
    party = "cac:{}/cac:Party/cac:PartyLegalEntity/cac:RegistrationName"
    total = "cac:LegalMonetaryTotal/cbc:PayableAmount"
    return {
        "document_type": "credit_note" if etree.QName(root).localname == "CreditNote" else "invoice",
        "invoice_number": _text(root, "cbc:ID"),
        "issue_date": _text(root, "cbc:IssueDate"),
        "currency": _text(root, "cbc:DocumentCurrencyCode"),
        "total": _text(root, total),
        "seller": _text(root, party.format("AccountingSupplierParty")),
        "buyer": _text(root, party.format("AccountingCustomerParty")),
        "seller_ids": " ".join(
            (e.text or "").strip()
            for e in root.iterfind("cac:AccountingSupplierParty/cac:Party//cbc:CompanyID", namespaces=NS)
        ),
    }


@package.handler("uploadInvoice")
async def upload_invoice(ctx: RequestContext) -> dict:
    user = await _client_user(ctx)
    licence = await _licence(ctx, user)
    if licence["state"] != "active":
        raise refuse(LICENCE_INACTIVE, f"Licence {licence['id']} is inactive: activate it to upload")
    part = ctx.body.get("file")
    if not isinstance(part, Upload):
        raise refuse(NO_FILE, "Send the invoice as the multipart part `file`")
    try:
        root = etree.fromstring(part.data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise refuse(
            INVALID_INVOICE,
            "The file is not XML",
            violations=[Violation(f"line {exc.lineno}", "XML", str(exc.msg))],
        ) from exc
    findings = ubl.validate_invoice(part.data)
    if findings:
        raise refuse(
            INVALID_INVOICE,
            f"The invoice breaks {len(findings)} rule(s)",
            violations=[Violation(f.location, f.rule_id, f.message) for f in findings],
        )
    summary = _summary(root)
    number = user.client.enterprise_number or ""
    if not number or number not in summary.pop("seller_ids").replace("BE", "").replace(".", ""):
        raise refuse(
            WRONG_SELLER, f"The seller must be {user.client.name} (BE{number}), the licence's holder"
        )
    feed_index = ctx.world.id("upload", user.client.id, summary["invoice_number"], ctx.now().isoformat())
    delivery = {
        **summary,
        "feed_index": feed_index,
        "client_id": user.client.id,
        "received": ctx.now().isoformat(),
        "ubl": base64.b64encode(part.data).decode(),
    }
    await ctx.state.put("deliveries", user.office.id, feed_index, value=delivery)
    return {
        "id": feed_index,
        "state": "delivered",
        "document_type": summary["document_type"],
        "invoice_number": summary["invoice_number"],
        "fiduciary_id": user.office.id,
        "feed_index": feed_index,
    }


@package.handler("checkPresence")
async def check_presence(ctx: RequestContext) -> dict:
    scheme, value = ctx.body["scheme_id"], str(ctx.body["value"])
    digits = vat.compact(value).removeprefix("BE") if value else ""
    if not vat.is_valid(digits):
        raise refuse(INVALID_PARTICIPANT, f"{value!r} is not a valid Belgian {scheme.split(':')[1]} number")
    participant = f"9925:be{digits}" if scheme == "BE:VAT" else f"0208:{digits}"
    present = ctx.world.client_by_enterprise_number(digits) is not None
    return {"scheme_id": scheme, "value": value, "participant_id": participant, "present": present}
