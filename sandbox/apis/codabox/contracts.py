"""Checks of a vendor's CodaBox V2 client, judged from the tenant's journal: it sends the software
key on every call, acknowledges what it downloaded and nothing it did not, polls the feed no
faster than the pod client's `fetch_delay`, and does not fetch the same file again and again."""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise

from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged
from sandbox.spec.router import template_parameters

API = "codabox-v2"
KEY_HEADER = "X-Software-Company"
DEFAULT_FETCH_DELAY = 7200  # seconds; the pod client's answer, when the journal holds one, wins
REDOWNLOAD_REPEATS = 3  # the same file fetched again more often than this is a loop


def _calls(ctx: Context, *operation_ids: str) -> list[Entry]:
    return [
        e
        for e in ctx.of_api(API)
        if e.operation_id and (not operation_ids or e.operation_id in operation_ids)
    ]


def _params(ctx: Context, entry: Entry) -> dict[str, str]:
    """The path parameters, whether or not the client sent the trailing slash."""
    operation = ctx.operation(API, entry.operation_id)
    if operation is None:
        return {}
    return (
        template_parameters(operation.path, entry.path)
        or template_parameters(operation.path, entry.path + "/")
        or {}
    )


def _offset(entry: Entry) -> str | None:
    body = entry.request_body
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    return body.get("feed_offset") if isinstance(body, dict) else None


def _listed(entry: Entry) -> list[str]:
    body = entry.response_json
    entries = body.get("feed_entries") if isinstance(body, dict) else None
    return [e.get("feed_index") for e in entries or [] if isinstance(e, dict)]


@check
def codabox_software_key_on_every_call(ctx: Context) -> Judgement:
    """Every CodaBox call carries the software company's key in X-Software-Company, the data calls
    next to the user's Basic credentials and the token flow alone.

    Source: apis/codabox.md §A (Auth, from public client code).
    """
    calls = _calls(ctx)
    missing = [e for e in calls if not e.header(KEY_HEADER)]
    findings = []
    if missing:
        findings.append(
            Finding(
                f"{len(missing)} call(s) had no {KEY_HEADER} header: send it on every call",
                [e.exchange for e in missing],
            )
        )
    return judged(len(calls), "CodaBox calls", findings)


@check
def codabox_acknowledges_what_it_downloaded(ctx: Context) -> Judgement:
    """A client acknowledges (PUT feed with `feed_offset`) the entries it downloaded, and never an
    entry it did not download: the offset marks every entry up to it as delivered, so an entry
    skipped before the offset is lost to the client's user. Downloads after the last
    acknowledgement count as never acknowledged. The entries an acknowledgement covered are those
    the sandbox noted with it (the journal keeps only the start of a feed's answer); an
    acknowledgement journaled without that note stands for its offset alone.

    Source: apis/codabox.md §A (feed, download, PUT feed_offset; offset semantics inferred).
    """
    calls = _calls(ctx, "getFeed", "downloadDocument", "acknowledgeFeed")
    downloaded: set[str] = set()
    waiting: set[str] = set()  # downloaded, and no acknowledgement since
    skipped: list[tuple[Entry, list[str], int]] = []
    for entry in calls:
        if not 200 <= entry.status < 300 or entry.operation_id == "getFeed":
            continue
        if entry.operation_id == "downloadDocument":
            index = _params(ctx, entry).get("feed_index", "")
            downloaded.add(index)
            waiting.add(index)
            continue
        covered = entry.notes.get("acknowledged", [_offset(entry)])
        beyond = int(entry.notes.get("acknowledged_count", len(covered))) - len(covered)
        never = [index for index in covered if index not in downloaded]
        if never or beyond > 0:
            skipped.append((entry, never, beyond))
        waiting.clear()
    unacknowledged = sorted(waiting)
    findings = [
        Finding(
            f"feed_offset {_offset(entry)} acknowledged {len(never) + beyond} entr(y/ies) never downloaded: "
            f"{listing(never)}{f' and {beyond} beyond one page' if beyond > 0 else ''}; "
            "download an entry before acknowledging it",
            [entry.exchange],
        )
        for entry, never, beyond in skipped
    ]
    if unacknowledged:
        findings.append(
            Finding(
                f"{len(unacknowledged)} downloaded entr(y/ies) were never acknowledged: "
                f"{listing(unacknowledged)}; PUT the feed's feed_offset once they are stored, "
                "or CodaBox keeps offering them",
            )
        )
    return judged(len(calls), "feed reads, downloads and acknowledgements", findings)


@check
def codabox_polls_no_faster_than_fetch_delay(ctx: Context) -> Judgement:
    """A client reads the feed again no sooner than `fetch_delay` seconds (the pod client says it)
    after a read that left nothing waiting; only a full page may be followed at once. The sandbox
    answers early polls all the same, and never drops an unacknowledged entry.

    Source: apis/codabox.md §A (pod-client `fetch_delay`: the minimum poll interval, inferred).
    """
    delay = DEFAULT_FETCH_DELAY
    for entry in _calls(ctx, "getPodClient"):
        body = entry.response_json
        if isinstance(body, dict) and isinstance(body.get("fetch_delay"), int):
            delay = body["fetch_delay"]
    reads = [e for e in _calls(ctx, "getFeed") if 200 <= e.status < 300]
    page = max((len(_listed(e)) for e in reads), default=0)
    early = []
    for before, after in pairwise(reads):
        waited = ((after.clock or after.started) - (before.clock or before.started)).total_seconds()
        if (page == 0 or len(_listed(before)) < page) and waited < delay:
            early.append(after)
    findings = []
    if early:
        findings.append(
            Finding(
                f"{len(early)} feed read(s) came sooner than fetch_delay ({delay} s) after a read that "
                "left nothing waiting: wait fetch_delay between polls",
                [e.exchange for e in early],
            )
        )
    return judged(len(reads), "feed reads", findings)


@check
def codabox_no_redownload_loop(ctx: Context) -> Judgement:
    """A client fetches a delivered file again only when it lost it, not in a loop.

    Source: apis/codabox.md §A (redownload-feed, redownload).
    """
    calls = _calls(ctx, "redownloadDocument")
    counts = Counter((p.get("feed_index"), p.get("format")) for p in (_params(ctx, e) for e in calls))
    looped = [f"{index}/{fmt} ({n}×)" for (index, fmt), n in counts.items() if n > REDOWNLOAD_REPEATS]
    findings = []
    if looped:
        findings.append(
            Finding(
                f"{len(looped)} file(s) were redownloaded more than {REDOWNLOAD_REPEATS} times: "
                f"{listing(looped)}; keep what you fetched instead of fetching it again",
                [e.exchange for e in calls],
            )
        )
    return judged(len(calls), "redownloads", findings)
