"""Checks of what a client sends that the real service does not read: it is answered as if
absent, which hides the client's mistake until its results are wrong."""

from __future__ import annotations

from collections import defaultdict

from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged
from sandbox.runtime.exchange import EMPTY_HEADERS


@check
def no_unknown_query_parameters(ctx: Context) -> Judgement:
    """Every query parameter a client sends is one its operation names. The real services ignore
    one they do not know (so does the sandbox, and journals it): a client that filters with it
    (e.g. NBB's `fiscalYear` instead of `year`) silently gets everything unfiltered.

    Source: apis/nbb-cbso.md §2 and Update (`fiscalYear` sent by a client citing the technical
    guide, `year` by others: the real service accepts what it does not use).
    """
    by_name: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    entries = [e for e in ctx.entries if e.operation_id]
    for e in entries:
        for name in e.ignored_query:
            by_name[(e.api, e.operation_id or "", name)].append(e)
    findings = []
    for (api, operation, name), sent in by_name.items():
        op = ctx.operation(api, operation)
        known = sorted(op.query_names) if op else []
        findings.append(
            Finding(
                f"{len(sent)} {operation} request(s) to {api} sent query parameter {name!r}, which it "
                f"does not read and ignores (it reads: {listing(known, 5) if known else 'none'})",
                [e.exchange for e in sent],
            )
        )
    return judged(len(entries), "requests that reached an operation", findings)


@check
def no_empty_optional_headers(ctx: Context) -> Judgement:
    """An optional header a client sends is not empty. The sandbox answers as if it were absent,
    as a lenient service does, but a client that sends `X-Request-Id:` or an empty idempotency key
    meant to send a value: its retries cannot be told apart and its requests not traced.

    Source: the sandbox's rule of accepting and reporting what production would likely accept;
    apis/nbb-cbso.md §headers (`X-Request-Id`: a fresh UUID per request, used by NBB support for
    tracing).
    """
    by_name: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    entries = [e for e in ctx.entries if e.operation_id]
    for e in entries:
        for name in e.notes.get(EMPTY_HEADERS, ()):
            by_name[(e.api, e.operation_id or "", name)].append(e)
    findings = [
        Finding(
            f"{len(sent)} {operation} request(s) to {api} sent header {name!r} empty; it was taken as absent",
            [e.exchange for e in sent],
        )
        for (api, operation, name), sent in by_name.items()
    ]
    return judged(len(entries), "requests that reached an operation", findings)
