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


def _announced_policy(entries: list[Entry]) -> tuple[int, int] | None:
    """The rate limit an API announced to the tenant (requests, window seconds), from the
    `RateLimit-Policy` header of its latest answer that had one."""
    for entry in reversed(entries):
        requests, _, window = (entry.response_headers.get("ratelimit-policy") or "").partition(";w=")
        if requests.isdigit() and window.isdigit() and int(window) > 0:
            return int(requests), int(window)
    return None


def _pressed_on(entries: list[Entry], window: int) -> list[Entry]:
    """Requests sent in a rate-limit window after a 429 of that window had been answered: those
    already in flight when the first 429 came are not the client's fault. Windows are aligned as
    the sandbox's limiter aligns them (fixed, from the epoch)."""
    by_window: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_window[int(entry.started.timestamp() // window)].append(entry)
    found = []
    for in_window in by_window.values():
        refused = [e.ended for e in in_window if e.status == 429 and not e.fault]
        if refused:
            found += [e for e in in_window if e.started >= min(refused)]
    return found


@check
def no_burst(ctx: Context) -> Judgement:
    """No burst beyond the API's rate limit: once an API answered 429 within one of its rate-limit
    windows (announced in `RateLimit-Policy`), the client sends it nothing more in that window.
    An API that announces no limit is not judged: its real service publishes none (NBB), so any
    pace it accepts is the client's to choose. With the `burst_requests` setting, every API is
    judged by that pace instead (at most that many requests in any `burst_window` seconds).

    Source: design.md, "Rate limits" (429 + Retry-After, headers to compute the remaining room)
    and "The contract-test suite" (honours 429); apis/nbb-cbso.md §6 (no published rate limit).
    """
    by_api: dict[str, list[Entry]] = defaultdict(list)
    for entry in ctx.entries:
        by_api[entry.api].append(entry)
    findings = []
    judged_count = 0
    own_pace, own_window = ctx.config.burst_requests, ctx.config.burst_window
    for api, entries in by_api.items():
        entries = sorted(entries, key=lambda e: e.started)
        if own_pace > 0:
            judged_count += len(entries)
            busiest = _busiest_window(entries, own_window)
            if len(busiest) > own_pace:
                span = (busiest[-1].started - busiest[0].started).total_seconds()
                findings.append(
                    Finding(
                        f"{len(busiest)} requests to {api} within {seconds(span)} (#{busiest[0].seq} to "
                        f"#{busiest[-1].seq}); pace the client to at most {own_pace} requests per "
                        f"{own_window:g} s",
                        [e.exchange for e in busiest],
                    )
                )
            continue
        policy = _announced_policy(entries)
        if policy is None:
            continue
        judged_count += len(entries)
        limit, window = policy
        pressed = _pressed_on(entries, window)
        if pressed:
            findings.append(
                Finding(
                    f"{len(pressed)} request(s) to {api} sent after a 429 in the same rate-limit window "
                    f"(#{pressed[0].seq} to #{pressed[-1].seq}); {api} allows {limit} requests per "
                    f"{window} s: wait out Retry-After once refused",
                    [e.exchange for e in pressed],
                )
            )
    return judged(judged_count, "requests to rate-limited APIs", findings)
