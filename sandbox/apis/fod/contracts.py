"""Checks of the FOD family's own rules, judged from a tenant's journal."""

from __future__ import annotations

from itertools import pairwise

from sandbox.contracts.exchanges import Entry, seconds
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged, not_exercised

APIS = ("fod-myminfin", "fod-intervat")
TIGHT_LOOP = 3  # on-hold answers in a row, each sooner than its Retry-After, before it is a loop


@check
def fod_on_hold_is_not_retried_in_a_loop(ctx: Context) -> Judgement:
    """A client that meets the on-hold answer (503 `api_on_hold`, with `Retry-After` of a day)
    backs off: it is the FOD's decision, not a fault that clears in a second. Three or more
    on-hold answers in a row, each retried before its `Retry-After`, are a tight loop.

    Source: apis/fod.md §1 (development on hold, no timeline) and seed 000.
    """
    entries = [e for api in APIS for e in ctx.of_api(api)]
    entries.sort(key=lambda e: e.seq)
    # an injected fault is marked in the journal; the FOD's own 503 is the on-hold answer
    on_hold = [e for e in entries if e.status == 503 and not e.fault and e.retry_after]
    if not on_hold:
        return not_exercised("no FOD request met the on-hold answer")
    findings, run = [], [on_hold[0]]
    for before, after in pairwise(on_hold):
        waited = before.seconds_before(after)
        if waited < (before.retry_after or 0):
            run.append(after)
            continue
        findings += _loop(run)
        run = [after]
    findings += _loop(run)
    return judged(len(on_hold), "on-hold answers", findings)


def _loop(run: list[Entry]) -> list[Finding]:
    if len(run) < TIGHT_LOOP:
        return []
    span = run[0].seconds_before(run[-1])
    return [
        Finding(
            f"{len(run)} requests in {seconds(span)} met the on-hold 503 and retried before its Retry-After: "
            "the API is on hold with no timeline, back off (hours, not seconds)",
            [e.exchange for e in run],
        )
    ]
