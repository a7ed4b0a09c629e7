"""Checks of a vendor's Ibanity client, for every Ibanity product (an exchange is Ibanity's when
its answer carries `ibanity-request-id`): idempotency keys on POSTs, the same key on a retry, and
retries only after failures that a retry can mend."""

from __future__ import annotations

from collections import defaultdict

from sandbox.apis.codabox.ibanity.idempotency import HEADER
from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged

REQUEST_ID = "ibanity-request-id"
# 4xx answers a client may retry: an expired token (after renewing it), a timeout, a rate limit
RETRYABLE_4XX = frozenset({401, 408, 429})


def ibanity_entries(ctx: Context) -> list[Entry]:
    return [e for e in ctx.entries if e.response_header(REQUEST_ID) is not None]


def _is_json(entry: Entry) -> bool:
    kind = (entry.header("content-type") or "").split(";", 1)[0].strip().lower()
    return kind.endswith("json")


def _resource_posts(ctx: Context) -> list[Entry]:
    """POSTs that create a resource (a JSON:API body); a token request or a form is none."""
    return [e for e in ibanity_entries(ctx) if e.method == "POST" and _is_json(e)]


def _failed(entry: Entry) -> bool:
    return entry.status == 0 or entry.status >= 500


def _same_request(a: Entry, b: Entry) -> bool:
    return (a.method, a.target, a.request_body) == (b.method, b.target, b.request_body)


@check
def ibanity_idempotency_keys(ctx: Context) -> Judgement:
    """Every POST that creates an Ibanity resource carries `Ibanity-Idempotency-Key`, and a POST
    sent again after a failure (5xx, or the connection dropped) carries the key of the failed one,
    so that Ibanity does the request once however often it arrives.

    Source: apis/codabox.md §B (optional `Ibanity-Idempotency-Key`; the SDKs send a fresh GUID per
    request and keep it across retries).
    """
    posts = _resource_posts(ctx)
    keyless = [e for e in posts if not e.header(HEADER)]
    new_key: list[tuple[Entry, Entry]] = []
    for index, entry in enumerate(posts):
        if not _failed(entry):
            continue
        retry = next((later for later in posts[index + 1 :] if _same_request(entry, later)), None)
        if retry is not None and entry.header(HEADER) and retry.header(HEADER) != entry.header(HEADER):
            new_key.append((entry, retry))
    findings = []
    if keyless:
        findings.append(
            Finding(
                f"{len(keyless)} POST(s) without {HEADER} ({listing([f'#{e.seq}' for e in keyless])}): "
                "send a fresh UUID with every POST, so a retry cannot do the request twice",
                [e.exchange for e in keyless],
            )
        )
    for failed, retry in new_key:
        findings.append(
            Finding(
                f"#{retry.seq} retried the POST that failed at #{failed.seq} with another {HEADER}: "
                "reuse the key of the failed attempt, else Ibanity may do the request twice",
                [failed.exchange, retry.exchange],
            )
        )
    return judged(len(posts), "Ibanity POSTs", findings)


@check
def ibanity_only_server_failures_retried(ctx: Context) -> Judgement:
    """A request refused with a 4xx is not sent again unchanged: only failures a retry can mend are
    retried (5xx, a dropped connection, 408, 429 after `Retry-After`, 401 with a new token).

    Source: apis/codabox.md §B (the SDK retries only non-4xx failures, with backoff).
    """
    entries = ibanity_entries(ctx)
    resent: dict[int, list[Entry]] = defaultdict(list)
    refused = {e.seq: e for e in entries if 400 <= e.status < 500 and e.status not in RETRYABLE_4XX}
    for index, entry in enumerate(entries):
        if entry.seq not in refused:
            continue
        for later in entries[index + 1 :]:
            if not _same_request(entry, later):
                break
            resent[entry.seq].append(later)
    findings = [
        Finding(
            f"the request refused with {refused[seq].status} at #{seq} was sent again unchanged "
            f"{len(again)} time(s) ({listing([f'#{e.seq}' for e in again])}): a 4xx will not change on a "
            "retry; fix the request instead",
            [refused[seq].exchange, *(e.exchange for e in again)],
        )
        for seq, again in resent.items()
    ]
    return judged(len(entries), "Ibanity requests", findings)
