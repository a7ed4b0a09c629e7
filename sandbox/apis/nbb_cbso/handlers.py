"""Handlers of the five NBB CBSO products, bound by operationId."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import orjson

from sandbox.apis.nbb_cbso import documents, package
from sandbox.apis.nbb_cbso.entities import JSON_FROM, XBRL_FROM, Deposit, Improvement
from sandbox.apis.nbb_cbso.errors import (
    DATE_NOT_IN_PAST,
    DATE_OUTSIDE_ARCHIVE,
    NO_IMPROVEMENT,
    NO_JSON,
    NO_XBRL,
    REFERENCE_NOT_FOUND,
)
from sandbox.apis.nbb_cbso.views import camel_case, improved_reference_record, reference_record
from sandbox.documents.zips import zip_bytes
from sandbox.errors import ApiError, ErrorCode, Violation
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.timerules import archive_window, published_at
from sandbox.worlds.calendar import BRUSSELS, local_day

BATCH_HOUR = 5  # a day's batches appear at 05:00 Brussels time on the next day
ARCHIVE_YEARS = 3
AUTHENTIC_ARCHIVE_DELAY = timedelta(days=30)

JSONXBRL = "application/x.jsonxbrl"
XBRL = "application/x.xbrl"
PDF = "application/pdf"
# Not an XBRL type to the real service: it answers the PDF (reported by the contract checks).
XBRL_XML = "application/xbrl+xml"
ZIP_FORMATS = {
    "application/x.zip+jsonxbrl": JSONXBRL,
    "application/x.zip+xbrl": XBRL,
    "application/x.zip+pdf": PDF,
}


# -- rules ----------------------------------------------------------------------------------
def today(ctx: RequestContext) -> date:
    return local_day(ctx.now())


def not_found(detail: str, code: ErrorCode | None = None, field: str = "referenceNumber") -> ApiError:
    found = [Violation(field, code.code, detail)] if code else []
    return ApiError(404, detail=detail, violations=found)


def bad_date(detail: str, code: ErrorCode) -> ApiError:
    return ApiError(400, detail=detail, violations=[Violation("date", code.code, detail)])


def known_deposit(ctx: RequestContext) -> Deposit:
    reference = ctx.params["referenceNumber"]
    deposit = ctx.world.deposit(reference, today(ctx))
    if deposit is None:
        raise not_found(f"reference number {reference} not found", REFERENCE_NOT_FOUND)
    return deposit


def past_day(ctx: RequestContext) -> date:
    """Batch and archive days are publication days in Brussels, and must lie in the past."""
    day = date.fromisoformat(ctx.params["date"])
    current = today(ctx)
    if day >= current:
        raise bad_date(
            f"date {day} must be in the past: today is {current} in Europe/Brussels", DATE_NOT_IN_PAST
        )
    return day


def in_archive_window(ctx: RequestContext, day: date) -> None:
    """A day the archive no longer keeps has no batch: 404, which public clients skip as "no
    batch" (a 400 would abort their multi-day downloads)."""
    first, last = archive_window(today(ctx), ARCHIVE_YEARS)
    if not first <= day <= last:
        raise not_found(
            f"date must be between {first} and {last}: the archive covers the last {ARCHIVE_YEARS} years",
            DATE_OUTSIDE_ARCHIVE,
            field="date",
        )


def batch_published(ctx: RequestContext, day: date) -> None:
    available = published_at(day, BRUSSELS, days_after=1, hour=BATCH_HOUR)
    if ctx.now() < available:
        raise not_found(f"the batch of {day} is available from {available.isoformat()}")


def in_authentic_archive(ctx: RequestContext, day: date) -> None:
    enters = day + AUTHENTIC_ARCHIVE_DELAY
    if today(ctx) < enters:
        raise not_found(f"the filings of {day} enter the authentic archive on {enters}")


def published(items: list, day: date) -> list:
    if not items:
        raise not_found(f"nothing was published on {day}")
    return items


def document(deposit: Deposit, media_type: str) -> bytes | dict:
    """One deposit's accounting data in one format, or the 404 the service gives for it."""
    ref = deposit.reference
    # A consolidated filing without AccountingDataURL is still a PDF filing: public clients
    # download its PDF from the usual path.
    if media_type == PDF:
        return documents.pdf_document(deposit)
    if deposit.pdf_only:
        kind, code = ("json xbrl", NO_JSON) if media_type == JSONXBRL else ("xbrl", NO_XBRL)
        raise not_found(f"pdf model has no published {kind}", code)
    if media_type == XBRL:
        if not deposit.has_xbrl:
            raise not_found(
                f"xbrl is published only for deposits filed from {XBRL_FROM}; {ref} was filed on "
                f"{deposit.deposit_date}",
                NO_XBRL,
            )
        return documents.xbrl_document(deposit)
    if not deposit.has_json:
        raise not_found(
            f"json xbrl is published only for deposits filed from {JSON_FROM}; {ref} was filed on "
            f"{deposit.deposit_date}",
            NO_JSON,
        )
    return documents.jsonxbrl_document(deposit)


def in_fiscal_year(ctx: RequestContext, items: Iterable, exercise_end) -> list:
    year = ctx.params.get("year")
    return [item for item in items if year is None or exercise_end(item).year == year]


def zipped(ctx: RequestContext, day: date, entries: Iterable[tuple[str, bytes]]) -> Reply:
    return Reply(zip_bytes(entries, day), media_type=ctx.media_type)


def json_entry(value: dict) -> bytes:
    return orjson.dumps(camel_case(value))


# -- authentic ------------------------------------------------------------------------------
@package.handler("getReferencesByLegalEntity", kept_by=today)
def references_by_legal_entity(ctx: RequestContext) -> list[dict]:
    deposits = ctx.world.deposits(ctx.params["enterpriseNumber"], today(ctx))
    chosen = in_fiscal_year(ctx, deposits, lambda d: d.exercise_end)
    return [reference_record(d, ctx.base_url) for d in chosen]


@package.handler("getReferenceByDeposit", kept_by=today)
def reference_by_deposit(ctx: RequestContext) -> dict:
    return reference_record(known_deposit(ctx), ctx.base_url)


@package.handler("getAccountingData")
def accounting_data(ctx: RequestContext) -> Reply:
    if ctx.media_type == XBRL_XML:
        return Reply(document(known_deposit(ctx), PDF), media_type=PDF)
    return Reply(document(known_deposit(ctx), ctx.media_type))


# -- daily extracts and the authentic archive --------------------------------------------------
def reference_entries(ctx: RequestContext, deposits: list[Deposit]) -> Iterable[tuple[str, bytes]]:
    for deposit in deposits:
        yield f"{deposit.reference}.json", json_entry(reference_record(deposit, ctx.base_url))


def document_entries(ctx: RequestContext, deposits: list[Deposit]) -> Iterable[tuple[str, bytes]]:
    media_type = ZIP_FORMATS[ctx.media_type]
    extension = {JSONXBRL: "json", XBRL: "xbrl", PDF: "pdf"}[media_type]
    for deposit in deposits:
        try:
            content = document(deposit, media_type)
        except ApiError:
            continue  # a deposit without this format is left out of the day's zip
        # Only the references zips are camelCase: JSON-XBRL documents keep the query API's casing.
        yield (
            f"{deposit.reference}.{extension}",
            orjson.dumps(content) if isinstance(content, dict) else content,
        )


def extract_day(ctx: RequestContext) -> tuple[date, list[Deposit]]:
    day = past_day(ctx)
    batch_published(ctx, day)
    return day, published(ctx.world.batch(day), day)


def archive_day(ctx: RequestContext) -> tuple[date, list[Deposit]]:
    day = past_day(ctx)
    in_archive_window(ctx, day)
    in_authentic_archive(ctx, day)
    return day, published(ctx.world.batch(day), day)


# -- improved data and its archive ------------------------------------------------------------
@package.handler("getImprovedReferencesByLegalEntity", kept_by=today)
def improved_references_by_legal_entity(ctx: RequestContext) -> list[dict]:
    improvements = ctx.world.improvements(ctx.params["enterpriseNumber"], today(ctx))
    chosen = in_fiscal_year(ctx, improvements, lambda i: i.deposit.exercise_end)
    return [improved_reference_record(i, ctx.base_url) for i in chosen]


@package.handler("getImprovedReferencesByDeposit", kept_by=today)
def improved_references_by_deposit(ctx: RequestContext) -> list[dict]:
    deposit = known_deposit(ctx)
    improvements = ctx.world.deposit_improvements(deposit.reference, today(ctx))
    if not improvements:
        raise not_found(f"deposit {deposit.reference} has no improvement", NO_IMPROVEMENT)
    return [improved_reference_record(i, ctx.base_url) for i in improvements]


@package.handler("getImprovedAccountingData")
def improved_accounting_data(ctx: RequestContext) -> dict:
    deposit = known_deposit(ctx)
    kind = ctx.params["improvementType"]
    for improvement in ctx.world.deposit_improvements(deposit.reference, today(ctx)):
        if improvement.kind == kind:
            return documents.improved_jsonxbrl_document(improvement)
    raise not_found(f"deposit {deposit.reference} has no {kind} improvement", NO_IMPROVEMENT)


def improved_reference_entries(ctx: RequestContext, items: list[Improvement]):
    for imp in items:
        yield (
            f"{imp.deposit.reference}-{imp.zip_suffix}.json",
            json_entry(improved_reference_record(imp, ctx.base_url)),
        )


def improved_document_entries(ctx: RequestContext, items: list[Improvement]):
    for imp in items:
        yield (
            f"{imp.deposit.reference}-{imp.zip_suffix}.json",
            orjson.dumps(documents.improved_jsonxbrl_document(imp)),
        )


def improved_day(ctx: RequestContext) -> tuple[date, list[Improvement]]:
    day = past_day(ctx)
    batch_published(ctx, day)
    return day, published(ctx.world.improved_batch(day), day)


def improved_archive_day(ctx: RequestContext) -> tuple[date, list[Improvement]]:
    day = past_day(ctx)
    in_archive_window(ctx, day)
    batch_published(ctx, day)
    return day, published(ctx.world.improved_batch(day), day)


# -- the daily zips: which day's items, and which entries --------------------------------------
ZIPS = {
    "getExtractReferences": (extract_day, reference_entries),
    "getExtractAccountingData": (extract_day, document_entries),
    "getAuthenticArchiveReferences": (archive_day, reference_entries),
    "getAuthenticArchiveAccountingData": (archive_day, document_entries),
    "getImprovedBatchReferences": (improved_day, improved_reference_entries),
    "getImprovedBatchAccountingData": (improved_day, improved_document_entries),
    "getImprovedArchiveReferences": (improved_archive_day, improved_reference_entries),
    "getImprovedArchiveAccountingData": (improved_archive_day, improved_document_entries),
}


def zip_handler(choose_day, entries):
    def handle(ctx: RequestContext) -> Reply:
        day, items = choose_day(ctx)
        return zipped(ctx, day, entries(ctx, items))

    return handle


for _operation_id, (_choose_day, _entries) in ZIPS.items():
    package.handler(_operation_id)(zip_handler(_choose_day, _entries))
