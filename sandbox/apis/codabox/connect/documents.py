"""Document searches and downloads: the documents of the V2 world (the same ids, the same bytes as
the V2 feed serves), found by the moment CodaBox received them, and given in the media type
`Accept` names.

An office's documents are readable once it confirmed a consent for the software. A search names
its clients by company number; a number that is not a client of the office finds nothing.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.apis.codabox.connect import package
from sandbox.apis.codabox.connect.consents import confirmed_consent
from sandbox.apis.codabox.connect.errors import CONSENT_NOT_CONFIRMED, UNKNOWN_ACCOUNTING_OFFICE
from sandbox.apis.codabox.delivery import Entry, render, uploaded
from sandbox.apis.codabox.flow import overlay_of
from sandbox.apis.codabox.ibanity import (
    JSON_API,
    NOT_FOUND,
    VALIDATION_ERROR,
    cursor_page,
    document,
    idempotent,
    identifier,
    instant,
    paging_meta,
    refuse,
    resource,
)
from sandbox.apis.codabox.mandates import client_mandates
from sandbox.apis.codabox.world import Client, CodaboxWorld, DocumentRef, Mandate, Office
from sandbox.runtime.context import Reply, RequestContext
from sandbox.worlds.calendar import local_day

DEFAULT_LIMIT = 100
SEARCH = "documentSearch"


@dataclass(frozen=True)
class Kind:
    """A kind of document as Connect names it, the V2 model it is, and its files by media type."""

    type: str
    path: str
    model: str | None  # None: the world holds none of this kind
    files: dict[str, str]  # media type -> the V2 format it downloads as


KINDS = {
    kind.type: kind
    for kind in (
        Kind(
            "bankAccountStatement",
            "bank-account-statements",
            "coda",
            {"application/pdf": "pdf", "application/vnd.coda.v1+cod": "cod"},
        ),
        Kind(
            "creditCardStatement",
            "credit-card-statements",
            "caro",
            {"application/pdf": "pdf", "application/vnd.caro.v1+xml": "xml"},
        ),
        Kind(
            "payrollStatement",
            "payroll-statements",
            "soda",
            {"application/pdf": "pdf", "application/vnd.soda.v1+xml": "xml"},
        ),
        Kind(
            "purchaseInvoice",
            "purchase-invoices",
            "purchase_invoice",
            {"application/pdf": "pdf", "application/xml": "xml"},
        ),
        Kind(
            "salesInvoice",
            "sales-invoices",
            "sales_invoice",
            {"application/pdf": "pdf", "application/xml": "xml"},
        ),
    )
}


def two_years_before(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year - 2)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 2, day=28)


async def readable_office(ctx: RequestContext) -> Office:
    office_id = ctx.params["accountingOfficeId"]
    office = ctx.world.office(office_id)
    if office is None:
        raise refuse(UNKNOWN_ACCOUNTING_OFFICE, f"No accounting office {office_id} in CodaBox")
    if await confirmed_consent(ctx.state, office.id) is None:
        detail = (
            f"{office.name} has not confirmed a consent for this software: its documents are not readable"
        )
        raise refuse(CONSENT_NOT_CONFIRMED, detail)
    return office


def received(
    world: CodaboxWorld,
    overlay: dict[str, Any],
    client: Client,
    model: str | None,
    start: datetime,
    end: datetime,
) -> list[DocumentRef]:
    """The client's documents of a model that CodaBox received from `start` (included) to `end`
    (excluded), oldest first, while its mandates (as the tenant's overlay has them) were active."""
    if model is None:
        return []
    mandates = tuple(client_mandates(world, overlay, client.id))
    # a statement of day D reaches CodaBox the next business morning: look a few days further back
    days = _documents_of_days(
        world, client, mandates, model, local_day(start) - timedelta(days=4), local_day(end)
    )
    return [r for r in days if start <= r.available_at < end]


@functools.lru_cache(maxsize=64)  # a client's two years of statements are some hundred kB
def _documents_of_days(
    world: CodaboxWorld, client: Client, mandates: tuple[Mandate, ...], model: str, first: date, last: date
) -> tuple[DocumentRef, ...]:
    """Kept: a client pages through one window with many searches, each needing the same days."""
    if model == "caro":  # V2 serves no credit-card statements: the world keeps them apart
        found = list(world.card_statements(client, first, last, mandates))
    else:
        found = [r for r in world.client_documents(client, first, last, mandates) if r.model == model]
    return tuple(sorted(found, key=lambda r: (r.available_at, r.id)))


def search_window(attributes: dict[str, Any], now: datetime) -> tuple[datetime, datetime]:
    """The window a search covers: `from` (default and at most two years back) to `to` (default and
    at most now). Both carry an offset: the spec's date-time format asks for one."""
    asked_from = datetime.fromisoformat(attributes["from"]) if "from" in attributes else None
    asked_to = datetime.fromisoformat(attributes["to"]) if "to" in attributes else None
    if asked_from and asked_to and asked_to < asked_from:
        raise refuse(VALIDATION_ERROR, "to must be equal to or later than from", "to")
    earliest = two_years_before(now)
    start = max(asked_from, earliest) if asked_from else earliest
    end = min(asked_to, now) if asked_to else now
    if start > now:
        raise refuse(VALIDATION_ERROR, f"from {attributes['from']} is in the future", "from")
    if end < earliest:
        raise refuse(VALIDATION_ERROR, f"to {attributes['to']} is more than two years ago", "to")
    return start, end


@package.handler("createDocumentSearch")
@idempotent
async def create_search(ctx: RequestContext) -> Reply:
    office = await readable_office(ctx)
    data = ctx.body["data"]
    attributes = data["attributes"]
    kind = KINDS[attributes["documentType"]]
    start, end = search_window(attributes, ctx.now())
    paging = (data.get("meta") or ctx.body.get("meta") or {}).get("paging") or {}
    numbers = list(dict.fromkeys(client["id"] for client in data["relationships"]["clients"]["data"]))
    clients = {c.enterprise_number: c for c in ctx.world.clients(office.id) if c.enterprise_number}
    overlay = await overlay_of(ctx.state)
    found = [
        Entry.of(ref)
        for number in numbers
        if number in clients
        for ref in received(ctx.world, overlay, clients[number], kind.model, start, end)
    ]
    if kind.model == "sales_invoice":
        searched = {clients[number].id for number in numbers if number in clients}
        uploads = await uploaded(ctx, office)
        found += [e for e in uploads if e.client_id in searched and start <= e.available_at < end]
    found.sort(key=lambda e: (e.available_at, e.index))  # the clients' documents, interleaved
    page = cursor_page(found, lambda e: e.index, paging.get("limit", DEFAULT_LIMIT), paging.get("after"))
    search = resource(
        SEARCH,
        str(uuid.uuid4()),
        {"documentType": kind.type, "from": instant(start), "to": instant(end)},
        meta=paging_meta(page),
        relationships={
            "clients": {"data": [identifier("client", number) for number in numbers]},
            "documents": {"data": [identifier(kind.type, e.index) for e in page.items]},
        },
    )
    return Reply(document(search), status=201)


# -- downloads --------------------------------------------------------------------------------------
def _attributes(ctx: RequestContext, kind: Kind, client: Client, entry: Entry) -> dict[str, Any]:
    at = instant(entry.available_at)
    ref = entry.ref
    if kind.model == "coda":
        return {"createdAt": at, "iban": ref.key[0]}
    if kind.model == "soda":
        return {"createdAt": at, "socialOfficeId": ctx.world.document(ref).source}
    if kind.model == "caro":
        statement = ctx.world.document(ref)
        return {
            "bankName": statement.card.bank.name,
            "billingPeriod": statement.billing_period,
            "clientReference": statement.client_code,
            "receivedAt": at,
        }
    if kind.model == "purchase_invoice":
        return {"availableContentTypes": [JSON_API, *kind.files], "receivedAt": at}
    software = ctx.world.rng("invoicing-software", client.id).choice(ctx.api.fixture["invoicing_software"])
    return {"createdAt": at, "invoicingSoftware": software}


async def _found(ctx: RequestContext, office: Office, kind: Kind, client: Client, document_id: str) -> Entry:
    """One document of the client readable now: of the world, or a sales invoice it uploaded."""
    now = ctx.now()
    start = two_years_before(now)
    refs = received(ctx.world, await overlay_of(ctx.state), client, kind.model, start, now)
    entry = next((Entry.of(r) for r in refs if r.id == document_id), None)
    if entry is None and kind.model == "sales_invoice":
        entry = next(
            (
                e
                for e in await uploaded(ctx, office)
                if e.index == document_id and e.client_id == client.id and start <= e.available_at <= now
            ),
            None,
        )
    if entry is None:
        raise refuse(NOT_FOUND, f"Client {client.enterprise_number} has no {kind.type} {document_id}")
    return entry


async def _download(ctx: RequestContext, kind: Kind, id_parameter: str) -> Reply | dict:
    office = await readable_office(ctx)
    number, document_id = ctx.params["clientId"], ctx.params[id_parameter]
    client = next((c for c in ctx.world.clients(office.id) if c.enterprise_number == number), None)
    if client is None:
        raise refuse(NOT_FOUND, f"{office.name} has no client with company number {number}")
    entry = await _found(ctx, office, kind, client, document_id)
    if ctx.media_type == JSON_API:
        url = f"{ctx.base_url}/accounting-offices/{office.id}/clients/{number}/{kind.path}/{entry.index}"
        attributes = _attributes(ctx, kind, client, entry)
        return document(resource(kind.type, entry.index, attributes, links={"self": url}))
    fmt = kind.files[ctx.media_type]
    body = render(ctx.world, entry, fmt)
    disposition = f'attachment; filename="{entry.index}.{fmt}"'
    return Reply(body, media_type=ctx.media_type, headers={"Content-Disposition": disposition})


def _register(operation_id: str, kind: Kind, id_parameter: str) -> None:
    async def download(ctx: RequestContext) -> Reply | dict:
        return await _download(ctx, kind, id_parameter)

    package.handler(operation_id)(download)


_register("getBankAccountStatement", KINDS["bankAccountStatement"], "bankAccountStatementId")
_register("getCreditCardStatement", KINDS["creditCardStatement"], "creditCardStatementId")
_register("getPayrollStatement", KINDS["payrollStatement"], "payrollStatementId")
_register("getPurchaseInvoice", KINDS["purchaseInvoice"], "purchaseInvoiceId")
_register("getSalesInvoice", KINDS["salesInvoice"], "salesInvoiceId")
