"""Checks of how a client paces itself: it waits out a 429 and does not burst."""

from __future__ import annotations

from collections import defaultdict

from sandbox.contracts.exchanges import Entry, seconds
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged


@check
def retry_after_honoured_after_429(ctx: Context) -> Judgement:
    """After a 429 with Retry-After, the client waits at least that long (real time, from the
    end of the answer) before its next request to the same API.

    Source: apis/nbb-cbso.md §5 (429 with Retry-After; clients honour it); design.md, "Rate
    limits" and "The contract-test suite" (honours 429).
    """
    findings = []
    limited = 0
    for index, entry in enumerate(ctx.entries):
        wait = entry.retry_after
        if entry.status != 429 or wait is None:
            continue
        limited += 1
        following = next((e for e in ctx.entries[index + 1 :] if e.api == entry.api), None)
        if following is None:
            continue
        waited = entry.seconds_before(following)
        if waited < wait - ctx.config.timing_tolerance:
            findings.append(
                Finding(
                    f"after a 429 with Retry-After: {wait:g} at #{entry.seq}, the next {entry.api} request "
                    f"came {seconds(waited)} later (#{following.seq}); wait at least Retry-After seconds "
                    "before calling that API again",
                    [entry.exchange, following.exchange],
                )
            )
    return judged(limited, "429 answers with Retry-After", findings)


def _busiest_window(entries: list[Entry], window: float) -> list[Entry]:
    """The most requests that started within `window` seconds of each other."""
    best: list[Entry] = []
    first = 0
    for last, entry in enumerate(entries):
        while (entry.started - entries[first].started).total_seconds() >= window:
            first += 1
        if last + 1 - first > len(best):
            best = entries[first : last + 1]
    return best


@check
def no_burst(ctx: Context) -> Judgement:
    """No burst: at most `burst_requests` requests to one API within any `burst_window` seconds
    (default 20 in 1 s). A production API throttles a client that hammers it, even when this
    sandbox answers fast; the worst window is reported.

    Source: apis/nbb-cbso.md §6 (clients pace 4–8 req/s; silent throttling under load);
    design.md, "The contract-test suite".
    """
    by_api: dict[str, list[Entry]] = defaultdict(list)
    for entry in ctx.entries:
        by_api[entry.api].append(entry)
    findings = []
    limit, window = ctx.config.burst_requests, ctx.config.burst_window
    for api, entries in by_api.items():
        busiest = _busiest_window(sorted(entries, key=lambda e: e.started), window)
        if len(busiest) > limit:
            span = (busiest[-1].started - busiest[0].started).total_seconds()
            findings.append(
                Finding(
                    f"{len(busiest)} requests to {api} within {seconds(span)} (#{busiest[0].seq} to "
                    f"#{busiest[-1].seq}); pace the client to at most {limit} requests per "
                    f"{window:g} s",
                    [e.exchange for e in busiest],
                )
            )
    return judged(len(ctx.entries), "requests", findings)
