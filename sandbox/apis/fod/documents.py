"""MyMinfin documents (invented, modelled on e-Box Enterprise REST 2.1): the dossiers an end user
sees, their documents with e-Box's filters and paging, each document's metadata and content.

A dossier's documents arrive every few days from the fixture's first day on, so moving the tenant
clock makes new ones arrive; each is a pure function of (world, owner, index)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sandbox.apis.fod import package
from sandbox.apis.fod.errors import NOT_FOUND
from sandbox.apis.fod.onboarding import (
    DOCUMENTS,
    EndUser,
    end_user,
    mandates_of,
    may_act_for,
    missing_mandate,
)
from sandbox.apis.fod.world import FodWorld, Party
from sandbox.documents import pdf
from sandbox.errors import ApiError
from sandbox.runtime.context import Reply, RequestContext
from sandbox.worlds.calendar import BRUSSELS
from sandbox.worlds.rng import rng_for

# (type id, media type, title per language): what lands in an accountant's MyMinfin dossiers
TYPES = (
    (
        "vat-current-account",
        "application/pdf",
        {
            "nl": "Rekeninguittreksel btw-rekening-courant",
            "fr": "Extrait du compte courant TVA",
            "de": "Auszug MwSt.-Kontokorrent",
            "en": "VAT current-account statement",
        },
    ),
    (
        "tax-assessment",
        "application/pdf",
        {
            "nl": "Aanslagbiljet vennootschapsbelasting",
            "fr": "Avertissement-extrait de rôle ISoc",
            "de": "Steuerbescheid Gesellschaftssteuer",
            "en": "Corporate tax assessment",
        },
    ),
    (
        "reminder",
        "application/pdf",
        {
            "nl": "Herinnering btw-aangifte",
            "fr": "Rappel déclaration TVA",
            "de": "Erinnerung MwSt.-Erklärung",
            "en": "VAT return reminder",
        },
    ),
    (
        "payment-notice",
        "application/pdf",
        {
            "nl": "Betalingsbericht",
            "fr": "Avis de paiement",
            "de": "Zahlungsaufforderung",
            "en": "Payment notice",
        },
    ),
    (
        "vat-acknowledgement",
        "text/xml",
        {
            "nl": "Ontvangstbewijs btw-aangifte",
            "fr": "Accusé de réception déclaration TVA",
            "de": "Empfangsbestätigung MwSt.-Erklärung",
            "en": "VAT return receipt",
        },
    ),
)
TYPE_IDS = tuple(t[0] for t in TYPES)
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Document:
    id: str
    owner: Party
    index: int
    type_id: str
    media_type: str
    title: str
    received: datetime
    amount: str

    @property
    def file_name(self) -> str:
        return f"{self.type_id}-{self.index:05d}.{'pdf' if self.media_type == 'application/pdf' else 'xml'}"


def _document(world: FodWorld, owner: Party, index: int) -> Document:
    rng = rng_for(world.seed, world.tenant, "fod-document", owner.number, index)
    type_id, media_type, titles = TYPES[rng.randrange(len(TYPES))]
    day = world.first_document + timedelta(days=index * world.every_days)
    received = datetime.combine(day, time(6 + rng.randrange(12), rng.randrange(60)), BRUSSELS)
    amount = f"{rng.randrange(5_000, 2_500_000) / 100:.2f}"
    return Document(
        f"{owner.number}-{index:05d}",
        owner,
        index,
        type_id,
        media_type,
        titles[owner.language],
        received,
        amount,
    )


def arrived(world: FodWorld, owner: Party, now: datetime) -> list[Document]:
    """The owner's documents received by `now`, newest first."""
    days = (now.astimezone(BRUSSELS).date() - world.first_document).days
    count = max(0, days // world.every_days + 1)
    found = [_document(world, owner, i) for i in range(count)]
    return [d for d in reversed(found) if d.received <= now]


def content(world: FodWorld, doc: Document) -> bytes:
    return _content(world.seed, world.tenant, doc)


@lru_cache(maxsize=256)
def _content(seed: str, tenant: str, doc: Document) -> bytes:
    received = doc.received.date().isoformat()
    if doc.media_type == "text/xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Receipt documentId="{doc.id}"><VATNumber>{doc.owner.number}</VATNumber>'
            f"<ReceivedOn>{received}</ReceivedOn><Title>{doc.title}</Title></Receipt>\n"
        ).encode()
    return pdf.render(
        pdf.Document(
            title=doc.title,
            subtitle=doc.owner.name,
            created=doc.received,
            author="FOD Financiën (sandbox)",
            fields=[
                ("Ondernemingsnummer / BCE", doc.owner.number),
                ("Datum / Date", received),
                ("Document", doc.id),
                ("Bedrag / Montant (EUR)", doc.amount),
            ],
            footnote="Sandbox document: invented data, not issued by the FOD.",
        )
    )


def digest(data: bytes) -> dict:
    value = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return {"digestMethod": "sha_256", "digestValue": value}


async def _read_ids(ctx: RequestContext, owner: str) -> set[str]:
    return set(await ctx.state.get("read", owner, default=[]))


def _view(ctx: RequestContext, doc: Document, read: bool) -> dict:
    data = content(ctx.world, doc)
    href = f"{ctx.base_url}/dossiers/{doc.owner.number}/documents/{doc.id}/content"
    return {
        "documentId": doc.id,
        "dossierId": doc.owner.number,
        "documentTypeId": doc.type_id,
        "title": doc.title,
        "language": doc.owner.language,
        "receiptDate": doc.received.isoformat(),
        "readStatus": "read" if read else "unread",
        "fileName": doc.file_name,
        "mediaType": doc.media_type,
        "size": len(data),
        "digest": digest(data),
        "contentHref": href,
    }


async def _dossier(ctx: RequestContext) -> tuple[EndUser, Party]:
    user = await end_user(ctx)
    world: FodWorld = ctx.world
    owner = world.parties.get(ctx.params["dossierId"])
    if owner is None:
        raise ApiError(404, NOT_FOUND.code, f"No dossier {ctx.params['dossierId']}")
    if not await may_act_for(ctx, user, owner.number, DOCUMENTS):
        raise missing_mandate(user, owner.number, DOCUMENTS)
    return user, owner


async def _visible_document(ctx: RequestContext) -> tuple[Party, Document]:
    """A document of a dossier the user may see; anything else is a 404 that confirms nothing."""
    user = await end_user(ctx)
    world: FodWorld = ctx.world
    unknown = ApiError(404, NOT_FOUND.code, f"No document {ctx.params['documentId']} in your dossiers")
    owner = world.parties.get(ctx.params["dossierId"])
    if owner is None or not await may_act_for(ctx, user, owner.number, DOCUMENTS):
        raise unknown
    for doc in arrived(world, owner, ctx.now()):
        if doc.id == ctx.params["documentId"]:
            return owner, doc
    raise unknown


@package.handler("listDossiers")
async def list_dossiers(ctx: RequestContext) -> dict:
    user = await end_user(ctx)
    world: FodWorld = ctx.world
    items = [
        {
            "dossierId": user.number,
            "name": world.parties[user.number].name,
            "role": "owner",
            "language": world.parties[user.number].language,
        }
    ]
    for owner in await mandates_of(ctx, user.number, DOCUMENTS, user.day):
        party = world.parties[owner]
        items.append(
            {"dossierId": owner, "name": party.name, "role": "mandatary", "language": party.language}
        )
    return {"items": items, "totalItems": len(items)}


def _day_start(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(), BRUSSELS)


@package.handler("listDocuments")
async def list_documents(ctx: RequestContext) -> dict:
    _, owner = await _dossier(ctx)
    p = ctx.params
    docs = arrived(ctx.world, owner, ctx.now())
    read = await _read_ids(ctx, owner.number)
    if p.get("receivedAfter"):
        docs = [d for d in docs if d.received >= _day_start(p["receivedAfter"])]
    if p.get("receivedBefore"):
        docs = [d for d in docs if d.received < _day_start(p["receivedBefore"])]
    if p.get("documentTypeId"):
        docs = [d for d in docs if d.type_id == p["documentTypeId"]]
    if p.get("readStatus"):
        docs = [d for d in docs if (d.id in read) == (p["readStatus"] == "read")]
    if p.get("q"):
        words = p["q"].lower().split()
        docs = [d for d in docs if all(w in f"{d.title} {d.id} {d.type_id}".lower() for w in words)]
    page, size = p.get("page", 1), p.get("pageSize", 25)
    chosen = docs[(page - 1) * size : page * size]
    return {
        "items": [_view(ctx, d, d.id in read) for d in chosen],
        "page": page,
        "pageSize": size,
        "totalItems": len(docs),
    }


@package.handler("getDocument")
async def get_document(ctx: RequestContext) -> dict:
    owner, doc = await _visible_document(ctx)
    return _view(ctx, doc, doc.id in await _read_ids(ctx, owner.number))


@package.handler("getDocumentContent")
async def get_document_content(ctx: RequestContext) -> Reply:
    """The bytes; fetching them marks the document read, as opening it in MyMinfin does."""
    owner, doc = await _visible_document(ctx)
    if doc.id not in await _read_ids(ctx, owner.number):  # one atomic step: no concurrent mark lost
        await ctx.state.update("read", owner.number, change=lambda read: sorted({*(read or []), doc.id}))
    data = content(ctx.world, doc)
    headers = {
        "Content-Disposition": f'attachment; filename="{doc.file_name}"',
        "Digest": f"sha-256={_b64(data)}",
    }
    return Reply(data, media_type=doc.media_type, headers=headers)


def _b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()
