"""Checks of what a client sends that the real service does not read: it is answered as if
absent, which hides the client's mistake until its results are wrong."""

from __future__ import annotations

from collections import defaultdict

from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged


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
