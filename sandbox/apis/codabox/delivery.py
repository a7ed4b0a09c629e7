"""Get Documents: the pod client, the feed of an office's documents, acknowledgements and downloads.

An entry's place in the feed is its sort key (when it became available, its model, its index); the
overlay keeps, per office, the key of the last entry acknowledged (`delivered`) and of the last
entry acknowledged on the redownload feed. Everything up to `delivered` has moved to the
redownload feed; nothing is lost by polling, however often.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.apis.codabox import camt, caro, coda, expenses, flow, package, pdfs, soda, ubl
from sandbox.apis.codabox.errors import (
    OFFICE_ONLY,
    OFFSET_NOT_IN_FEED,
    UNKNOWN_FEED,
    UNKNOWN_FEED_INDEX,
    UNKNOWN_FORMAT,
    refuse,
)
from sandbox.apis.codabox.users import current_user
from sandbox.apis.codabox.world import ALLOWED_FORMATS, CodaboxWorld, DocumentRef, Office
from sandbox.runtime.context import Reply, RequestContext
from sandbox.worlds.calendar import local_day

MEDIA_TYPES = {"cod": "application/vnd.coda", "xml": "application/xml", "pdf": "application/pdf"}


@dataclass(frozen=True)
class Entry:
    index: str
    model: str
    client_id: str
    available_at: datetime
    ref: DocumentRef | None = None  # a document of the world
    upload: dict | None = None  # a sales invoice a client uploaded (peppol.py)

    @classmethod
    def of(cls, ref: DocumentRef) -> Entry:
        return cls(ref.id, ref.model, ref.client_id, ref.available_at, ref=ref)

    @property
    def key(self) -> list:
        return [self.available_at.timestamp(), self.model, self.index]


def feed_id(office: Office) -> int:
    return office.index + 1


async def _office(ctx: RequestContext) -> Office:
    user = await current_user(ctx)
    if not user.accountant:
        raise refuse(OFFICE_ONLY, "Documents are delivered to the accounting office's software")
    return user.office


async def _feed_office(ctx: RequestContext) -> Office:
    office = await _office(ctx)
    if ctx.params["feed_id"] != feed_id(office):
        raise refuse(UNKNOWN_FEED, f"No feed {ctx.params['feed_id']}: yours is {feed_id(office)}")
    return office


async def feed_start(ctx: RequestContext) -> date:
    """The first day of the tenant's feed: `feed_days_back` days before the tenant first looked."""
    back = int(ctx.api.fixture.get("feed_days_back", 30))
    await ctx.state.add("feed-start", value=(local_day(ctx.now()) - timedelta(back)).isoformat())
    return date.fromisoformat(await ctx.state.get("feed-start"))


async def entries(ctx: RequestContext, office: Office) -> list[Entry]:
    """Every entry of the office's feed so far, delivered or not, oldest first."""
    world: CodaboxWorld = ctx.world
    now = ctx.now()
    found = [
        Entry.of(ref)
        for ref in flow.office_documents(
            world, await flow.overlay_of(ctx.state), office.id, await feed_start(ctx), local_day(now)
        )
        if ref.available_at <= now
    ]
    found += [e for e in await uploaded(ctx, office) if e.available_at <= now]
    return sorted(found, key=lambda e: e.key)


async def uploaded(ctx: RequestContext, office: Office) -> list[Entry]:
    """The sales invoices the office's clients uploaded through Peppol (peppol.py), as entries."""
    return [
        Entry(
            upload["feed_index"],
            "sales_invoice",
            upload["client_id"],
            datetime.fromisoformat(upload["received"]),
            upload=upload,
        )
        for upload in await ctx.state.list("deliveries", office.id)
    ]


async def _cursor(ctx: RequestContext, name: str, office: Office) -> list | None:
    return await ctx.state.get(name, office.id)


def _after(entry: Entry, cursor: list | None) -> bool:
    return cursor is None or entry.key > cursor


def metadata(world: CodaboxWorld, entry: Entry) -> dict[str, Any]:
    """What a feed entry says about its file. CODA's fields are those clients read; the others are
    the sandbox's (clients ignore keys they do not know)."""
    if entry.upload is not None:
        keep = ("invoice_number", "issue_date", "currency", "total", "seller", "buyer", "document_type")
        return {key: entry.upload[key] for key in keep}
    document = world.document(entry.ref)
    if entry.model == "coda":
        return coda.metadata([document])
    if entry.model == "soda":
        return {
            "period": f"{document.period:%Y-%m}",
            "enterprise_number": document.enterprise_number,
            "social_secretariat": document.source,
        }
    if entry.model == "expense":
        return {"number": document.number, "date": document.day.isoformat(), "amount": str(document.amount)}
    return {
        "invoice_number": document.number,
        "issue_date": document.issue_date.isoformat(),
        "currency": document.currency,
        "total": str(document.total),
        "credit_note": document.credit_note,
    }


def _page_size(ctx: RequestContext) -> int:
    return int(ctx.api.fixture.get("feed_page_size", 100))


def _feed(ctx: RequestContext, office: Office, kind: str, picked: list[Entry]) -> dict:
    size = _page_size(ctx)
    return {
        "id": feed_id(office),
        "type": kind,
        "feed_entries": [
            {
                "feed_index": entry.index,
                "document_model": entry.model,
                "client_id": entry.client_id,
                "metadata": metadata(ctx.world, entry),
            }
            for entry in picked[:size]
        ],
    }


@package.handler("getPodClient")
async def get_pod_client(ctx: RequestContext) -> dict:
    office = await _office(ctx)
    await feed_start(ctx)
    return {
        "id": feed_id(office),
        "fetch_delay": int(ctx.api.fixture.get("fetch_delay", 7200)),
        "allowed_formats": {model: list(formats) for model, formats in ALLOWED_FORMATS.items()},
        "feed_clients": [
            {
                "id": feed_id(office) * 1000 + client.index,
                "client_id": client.id,
                "client_name": client.name,
                "client_code": client.code,
                "fiduciary_id": office.id,
                "target_root_state": "default",
                "delivery_config": None,
            }
            for client in ctx.world.clients(office.id)
        ],
    }


@package.handler("getFeed")
async def get_feed(ctx: RequestContext) -> dict:
    office = await _feed_office(ctx)
    delivered = await _cursor(ctx, "delivered", office)
    return _feed(ctx, office, "download", [e for e in await entries(ctx, office) if _after(e, delivered)])


@package.handler("getRedownloadFeed")
async def get_redownload_feed(ctx: RequestContext) -> dict:
    office = await _feed_office(ctx)
    delivered = await _cursor(ctx, "delivered", office)
    fetched = await _cursor(ctx, "redownloaded", office)
    picked = [e for e in await entries(ctx, office) if not _after(e, delivered) and _after(e, fetched)]
    return _feed(ctx, office, "redownload", picked)


async def _acknowledge(ctx: RequestContext, name: str, delivered_only: bool) -> dict:
    office = await _feed_office(ctx)
    offset = ctx.body["feed_offset"]
    delivered = await _cursor(ctx, "delivered", office)
    found = await entries(ctx, office)
    entry = next((e for e in found if e.index == offset), None)
    if entry is None or (delivered_only and _after(entry, delivered)):
        where = "redownload feed" if delivered_only else "feed"
        raise refuse(OFFSET_NOT_IN_FEED, f"feed_offset {offset} is not an entry of your {where}")
    cursor = await _cursor(ctx, name, office)
    if _after(entry, cursor):
        await ctx.state.put(name, office.id, value=entry.key)
    # What this offset newly acknowledged, for the contract checks: a client sees at most one page
    # of entries it has not acknowledged, so a page's worth of ids bounds the note.
    covered = [e.index for e in found if _after(e, cursor) and not _after(e, entry.key)]
    ctx.note(acknowledged=covered[: _page_size(ctx)], acknowledged_count=len(covered))
    return {"id": feed_id(office), "feed_offset": offset}


@package.handler("acknowledgeFeed")
async def acknowledge_feed(ctx: RequestContext) -> dict:
    return await _acknowledge(ctx, "delivered", delivered_only=False)


@package.handler("acknowledgeRedownloadFeed")
async def acknowledge_redownload_feed(ctx: RequestContext) -> dict:
    return await _acknowledge(ctx, "redownloaded", delivered_only=True)


def render(world: CodaboxWorld, entry: Entry, fmt: str) -> bytes:
    if entry.upload is not None:
        if fmt == "xml":
            return base64.b64decode(entry.upload["ubl"])
        return pdfs.uploaded_invoice_pdf(entry.upload)
    document = world.document(entry.ref)
    makers = {
        ("coda", "cod"): lambda: coda.render([document]),
        ("coda", "xml"): lambda: camt.render(document),
        ("coda", "pdf"): lambda: pdfs.statement_pdf(document),
        ("soda", "xml"): lambda: soda.render(document),
        ("soda", "pdf"): lambda: pdfs.soda_pdf(document),
        ("expense", "xml"): lambda: expenses.render(document),
        ("expense", "pdf"): lambda: pdfs.expense_pdf(document),
        ("caro", "xml"): lambda: caro.render(document),
        ("caro", "pdf"): lambda: pdfs.caro_pdf(document),
    }
    invoice_makers = {"xml": lambda: ubl.render(document), "pdf": lambda: pdfs.invoice_pdf(document)}
    return (makers.get((entry.model, fmt)) or invoice_makers[fmt])()


async def _download(ctx: RequestContext, delivered_only: bool) -> Reply:
    office = await _office(ctx)
    index, fmt = ctx.params["feed_index"], ctx.params["format"]
    entry = next((e for e in await entries(ctx, office) if e.index == index), None)
    if entry is not None and delivered_only and _after(entry, await _cursor(ctx, "delivered", office)):
        raise refuse(UNKNOWN_FEED_INDEX, f"Document {index} is not delivered yet: download it from the feed")
    if entry is None:
        raise refuse(UNKNOWN_FEED_INDEX, f"No document {index} in your feed")
    if fmt not in ALLOWED_FORMATS[entry.model]:
        formats = ", ".join(ALLOWED_FORMATS[entry.model])
        raise refuse(
            UNKNOWN_FORMAT, f"A {entry.model} document has no format {fmt!r}; its formats: {formats}"
        )
    return Reply(
        render(ctx.world, entry, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{entry.index}.{fmt}"'},
    )


@package.handler("downloadDocument")
async def download_document(ctx: RequestContext) -> Reply:
    return await _download(ctx, delivered_only=False)


@package.handler("redownloadDocument")
async def redownload_document(ctx: RequestContext) -> Reply:
    return await _download(ctx, delivered_only=True)
