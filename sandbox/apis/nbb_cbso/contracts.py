"""Checks of the NBB CBSO Webservices' own rules: one key per product, a fresh X-Request-Id,
past days, and a format named in Accept. The facts they judge by (the time zone, which operations
serve a day's batch or an archive, what each serves) are the NBB package's and its spec's own."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from itertools import pairwise

from sandbox.apis.nbb_cbso.handlers import (
    XBRL_XML,
    ZIPS,
    archive_day,
    improved_archive_day,
)
from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged
from sandbox.worlds.calendar import BRUSSELS, local_day

API = "nbb-cbso"
KEY_HEADER = "NBB-CBSO-Subscription-Key"
ARCHIVE_OPERATIONS = frozenset(
    op for op, (day, _) in ZIPS.items() if day in (archive_day, improved_archive_day)
)
DAILY_OPERATIONS = frozenset(ZIPS) - ARCHIVE_OPERATIONS


def product(ctx: Context, entry: Entry) -> str | None:
    """The product a request addresses: the first segment of its operation's path."""
    operation = ctx.operation(API, entry.operation_id)
    return operation.path.split("/")[1] if operation else None


def _operations(ctx: Context) -> list[Entry]:
    """NBB requests that reached an operation (an unknown path is judged elsewhere)."""
    return [e for e in ctx.of_api(API) if e.operation_id]


@check
def nbb_subscription_key_per_product(ctx: Context) -> Judgement:
    """Every NBB request carries the NBB-CBSO-Subscription-Key of the product it addresses: the
    five products are five subscriptions, each with its own key, and a key of one product does
    not open another (401).

    Source: apis/nbb-cbso.md §1 (hosts, products, auth; request headers).
    """
    entries = _operations(ctx)
    missing = [e for e in entries if not e.header(KEY_HEADER)]
    accepted: dict[str, set[str]] = defaultdict(set)  # key fingerprint -> products it opened
    for e in entries:
        if e.header(KEY_HEADER) and e.status not in (0, 401):
            accepted[e.header(KEY_HEADER)].add(product(ctx, e) or "?")
    refused = [e for e in entries if e.header(KEY_HEADER) and e.status == 401 and not e.fault]
    findings = []
    if missing:
        findings.append(
            Finding(
                f"{len(missing)} request(s) had no {KEY_HEADER} header: send the key of the product "
                "addressed on every request",
                [e.exchange for e in missing],
            )
        )
    by_product: dict[str, list[Entry]] = defaultdict(list)
    for e in refused:
        by_product[product(ctx, e) or "?"].append(e)
    for name, wrong in by_product.items():
        owners = sorted({p for e in wrong for p in accepted.get(e.header(KEY_HEADER), ())} - {name})
        why = f"the key of {', '.join(owners)} was sent" if owners else "the key was not valid"
        findings.append(
            Finding(
                f"{len(wrong)} request(s) to the {name} product were refused with 401: {why}; each "
                "product has its own subscription key",
                [e.exchange for e in wrong],
            )
        )
    return judged(len(entries), "NBB requests", findings)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# answers after which a client may resend the identical request (urllib3's default forcelist and
# the statuses public NBB clients retry), 0 being a dropped connection
RETRYABLE = frozenset({0, 408, 425, 429, 500, 502, 503, 504})


def _same_request(first: Entry, second: Entry) -> bool:
    return (first.method, first.target, first.header("accept")) == (
        second.method,
        second.target,
        second.header("accept"),
    )


def _reused(sent: list[Entry]) -> bool:
    """Whether requests sharing one id are more than one request and its retries: a retry resends
    the identical request after an answer worth retrying, and keeps its id (urllib3 does)."""
    return any(
        not _same_request(earlier, later) or earlier.status not in RETRYABLE
        for earlier, later in pairwise(sent)
    )


@check
def nbb_fresh_request_id(ctx: Context) -> Judgement:
    """Every NBB request carries its own X-Request-Id, a UUID: the bank's support traces a request
    by it, so two different requests never share one. A retry of the identical request after an
    answer worth retrying (a dropped connection, 408, 425, 429, 5xx) may keep its id, as urllib3's
    retries do: it is the same request to trace.

    Source: apis/nbb-cbso.md §1 (request headers: a fresh UUID4 per request) and its Update (the
    PyPI client's urllib3 retries resend the same id; its docs call it a tracing id).
    """
    entries = ctx.of_api(API)
    missing = [e for e in entries if not e.header("x-request-id")]
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.header("x-request-id"):
            by_id[e.header("x-request-id")].append(e)
    findings = []
    if missing:
        findings.append(
            Finding(
                f"{len(missing)} request(s) had no X-Request-Id header: send a new UUID with every request",
                [e.exchange for e in missing],
            )
        )
    not_uuids = [e for value, sent in by_id.items() if not _is_uuid(value) for e in sent]
    if not_uuids:
        values = sorted({e.header("x-request-id") for e in not_uuids})
        findings.append(
            Finding(
                f"X-Request-Id {listing([repr(v) for v in values], 3)} is not a UUID: send a new "
                "UUID (e.g. uuid4) with every request",
                [e.exchange for e in not_uuids],
            )
        )
    for value, sent in by_id.items():
        if len(sent) > 1 and _reused(sent):
            findings.append(
                Finding(
                    f"X-Request-Id {value} was sent with {len(sent)} requests "
                    f"({listing([f'#{e.seq}' for e in sent])}) that are not one request and its "
                    "retries: generate a new one for every new request (a retry of the identical "
                    "request after a dropped connection, 408, 425, 429 or 5xx may keep it)",
                    [e.exchange for e in sent],
                )
            )
    return judged(len(entries), "NBB requests", findings)


def _requested_day(entry: Entry) -> date | None:
    for segment in entry.path.split("/"):
        try:
            return date.fromisoformat(segment)
        except ValueError:
            continue
    return None


def _day_problem(entry: Entry, day: date) -> str | None:
    today = local_day(entry.clock, BRUSSELS)
    if day == today:
        return (
            f"asked for today, {day} (Europe/Brussels, sandbox clock): a day's batch appears at "
            "05:00 the next day; ask for past days only"
        )
    if day > today:
        return f"asked for {day}, a future day (today is {today} in Europe/Brussels, sandbox clock)"
    return None


@check
def nbb_dates_in_range(ctx: Context) -> Judgement:
    """NBB is never asked for a batch or archive day that is today or later (Europe/Brussels, on
    the sandbox clock): the service states such a date is invalid. An archive day outside the last
    3 years is not judged: the service answers it 404, "no batch", as for a day with nothing
    published, and public clients walk date ranges relying on that.

    Source: apis/nbb-cbso.md §2 ({date} must be in the past; today or future is invalid), §6
    (archives keep the last 3 years) and its Update (a date outside the archive window: public
    clients treat the answer as "no batch" and skip it).
    """
    dated = [
        (e, day)
        for e in ctx.of_api(API)
        if e.operation_id in DAILY_OPERATIONS | ARCHIVE_OPERATIONS
        and e.clock is not None
        and (day := _requested_day(e)) is not None
    ]
    findings = [
        Finding(f"#{e.seq} {problem}", [e.exchange])
        for e, day in dated
        if (problem := _day_problem(e, day)) is not None
    ]
    return judged(len(dated), "NBB requests for a day", findings)


def _named_types(accept: str | None) -> list[str]:
    """The concrete media types an Accept header asks for (wildcards and q=0 left out)."""
    named = []
    for part in (accept or "").split(","):
        media, *params = [p.strip().lower() for p in part.split(";")]
        quality = next((value for key, _, value in (p.partition("=") for p in params) if key == "q"), "1")
        try:
            refused = float(quality) <= 0
        except ValueError:
            refused = False
        if media and "*" not in media and not refused:
            named.append(media)
    return named


@check
def nbb_accept_names_a_served_format(ctx: Context) -> Judgement:
    """Every NBB request names in Accept a format its operation serves. Accept is the only
    format selector (the path is the same for every format): where an operation serves several
    formats, a missing or wildcard Accept leaves the choice to the server; a type the operation
    does not serve (application/json on accountingData) is refused with 415, and
    application/xbrl+xml is answered with the PDF, not XBRL.

    Source: apis/nbb-cbso.md §1 (Accept is the only format selector), §2 (the Accept of each
    operation; application/xbrl+xml returns a PDF, reported by two codebases) and §5 (415).
    """
    by_problem: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    entries = _operations(ctx)
    for e in entries:
        served = [m.lower() for m in ctx.served(API, e.operation_id)]
        named = _named_types(e.header("accept"))
        refused = e.status == 415 and not e.fault
        if XBRL_XML in named:
            by_problem[(e.operation_id, "pdf")].append(e)
        elif refused or (served and named and not set(named) & set(served)):
            by_problem[(e.operation_id, "refused")].append(e)
        elif len(served) > 1 and not named:
            by_problem[(e.operation_id, "unnamed")].append(e)
    findings = []
    for (operation, problem), wrong in by_problem.items():
        served = ", ".join(ctx.served(API, operation)) or "see the spec"
        accepts = sorted({e.header("accept") or "(none)" for e in wrong})
        if problem == "pdf":
            message = (
                f"{len(wrong)} {operation} request(s) sent Accept: {XBRL_XML}, which the real "
                "service answers with the PDF (so does the sandbox); ask XBRL as application/x.xbrl"
            )
        elif problem == "refused":
            message = (
                f"{len(wrong)} {operation} request(s) asked for a format it does not serve "
                f"(Accept: {listing(accepts, 3)}); it serves: {served}"
            )
        else:
            message = (
                f"{len(wrong)} {operation} request(s) named no format (Accept: {listing(accepts, 3)}), "
                f"so the server chose one; name the format wanted, one of: {served}"
            )
        findings.append(Finding(message, [e.exchange for e in wrong]))
    return judged(len(entries), "NBB requests", findings)
