"""Checks of the header section a client sends: what production would refuse, or take otherwise
than the client means, while the sandbox answers it (a Host broken as RFC 9112 forbids is the one
the sandbox refuses too, as every HTTP/1.1 server must)."""

from __future__ import annotations

from collections import defaultdict

from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged
from sandbox.runtime.exchange import EMPTY_HEADERS, HOST

# Fields RFC 9110 defines with one value, whatever the API: a second field line of one of them
# is no list (RFC 9110 §5.3). Host has a check of its own.
_SINGLE_FIELDS = ("authorization", "content-type", "content-length", "user-agent")


@check
def no_empty_optional_headers(ctx: Context) -> Judgement:
    """An optional header a client sends is not empty. Where the spec marks a header
    `x-sandbox: {empty: absent}` (NBB's X-Request-Id, Informat's Timestamp), the sandbox answers as
    if it were absent, as the real service likely does, but a client that sends `X-Request-Id:`
    meant to send a value: its requests cannot be traced nor its retries told apart.

    Source: the sandbox's rule of answering what production would likely accept and reporting it;
    the spec's label on each marked header (apis/nbb-cbso.md §1: a fresh UUID per request, for tracing;
    apis/informat.md §3: `Timestamp`, sent by some clients).
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


@check
def host_header_valid(ctx: Context) -> Judgement:
    """Every request carries one Host header with a valid value (a host name or address and an
    optional port), and every HTTP/1.1 request has one. A server must answer 400 otherwise, and
    the sandbox does; a client library never breaks this by itself, so a hand-built request or a
    proxy in between does.

    Source: RFC 9112 §3.2 (Host is required in HTTP/1.1; more than one Host field line, or an
    invalid value, MUST be answered 400) and RFC 9110 §7.2 (its grammar).
    """
    by_way: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in ctx.entries:
        if HOST in e.notes:
            by_way[(e.api, e.notes[HOST])].append(e)
    findings = [
        Finding(
            f"{len(sent)} request(s) to {api} had a Host header that was {broken}; production answers "
            "400, as the sandbox did",
            [e.exchange for e in sent],
        )
        for (api, broken), sent in by_way.items()
    ]
    return judged(len(ctx.entries), "requests", findings)


@check
def single_headers_sent_once(ctx: Context) -> Judgement:
    """A header that takes one value (Authorization, Content-Type, Content-Length, User-Agent, the
    API key header of the scheme, each header parameter of the operation that is not a list, such
    as X-Request-Id or an idempotency key) is sent in one field line. The sandbox reads the first
    line; what production does with two is unknown: it may read the other one, join them with a
    comma, or refuse the request.

    Source: RFC 9110 §5.3 (a sender MUST NOT send more than one field line of a name unless the
    field is a comma-separated list); the operation's parameters and security schemes in its spec.
    """
    by_name: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in ctx.entries:
        repeated = e.repeated_request_headers
        if not repeated:
            continue
        for name in sorted(repeated & _single_headers(ctx, e)):
            by_name[(e.api, name)].append(e)
    findings = [
        Finding(
            f"{len(sent)} request(s) to {api} sent {name} in more than one field line; the sandbox read the "
            "first, production may read another or refuse the request",
            [e.exchange for e in sent],
        )
        for (api, name), sent in by_name.items()
    ]
    return judged(len(ctx.entries), "requests", findings)


def _single_headers(ctx: Context, entry: Entry) -> frozenset[str]:
    """The names (lower case) of the headers that take one value in this entry's operation."""
    operation = ctx.operation(entry.api, entry.operation_id)
    if operation is None:
        return frozenset(_SINGLE_FIELDS)
    declared = (
        p.name.lower() for p in operation.parameters if p.location == "header" and not _is_list(p.schema)
    )
    return frozenset((*_SINGLE_FIELDS, *declared, *operation.credential_headers))


def _is_list(schema: dict) -> bool:
    types = schema.get("type")
    return "array" in (types if isinstance(types, list) else [types])


@check
def user_agent_accepted(ctx: Context) -> Judgement:
    """No request to an API carries a User-Agent its real gateway is reported to refuse (the spec
    lists them in `x-sandbox.refused-user-agents`, e.g. NBB's gateway and a default
    `Python-urllib/3.x`). The sandbox answers such a request; production may answer 403. Set a
    User-Agent that names your product.

    Source: the label of each API's `refused-user-agents` in its spec (NBB: apis/nbb-cbso.md §1,
    a default Python-urllib User-Agent was reported to get 403, inferred).
    """
    by_pattern: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    judged_entries = 0
    labels: dict[tuple[str, str], str] = {}
    for e in ctx.entries:
        operation = ctx.operation(e.api, e.operation_id)
        rule = operation.refused_user_agents if operation else None
        if rule is None:
            continue
        judged_entries += 1
        pattern = rule.matching(e.header("user-agent") or "")
        if pattern is not None:
            by_pattern[(e.api, pattern)].append(e)
            label = rule.fidelity
            labels[(e.api, pattern)] = f"{label.level}: {label.source}" if label else "unlabelled"
    findings = []
    for (api, pattern), sent in by_pattern.items():
        agents = sorted({e.header("user-agent") or "" for e in sent})
        findings.append(
            Finding(
                f"{len(sent)} request(s) to {api} sent User-Agent {listing([repr(a) for a in agents], 3)}, "
                f"which matches {pattern!r}: its gateway is reported to refuse it ({labels[(api, pattern)]})",
                [e.exchange for e in sent],
            )
        )
    return judged(judged_entries, "requests to an API whose spec lists refused User-Agents", findings)
