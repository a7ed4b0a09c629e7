"""Checks of asynchronous jobs, of any API: the client polls a job with a growing interval that
honours Retry-After, stops once it is finished, and downloads its result when it is ready.

Which operations take part is read from the specs, never named here: an operation marked
`x-sandbox: {job: {role: start, name: PDF, id: jobId}}` starts a job with a 202 (the job is named
by the body's `id` field, or by its `Location`); `{role: poll, id: jobId, result: pdfUrl}` is
polled (202 while pending, 200 when ready, 410 when gone) at a path whose `id` parameter names the
job, and its ready answer may link the result in the `result` field; `{role: download, id: jobId}`
fetches the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlsplit

from sandbox.contracts.exchanges import Entry, listing, seconds
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged
from sandbox.spec.operations import Operation
from sandbox.spec.router import template_parameters

FINISHED = (200, 410)  # ready, or gone (a result is not kept for ever)


@dataclass
class Job:
    api: str
    id: str
    name: str  # what it makes, as messages say it: "PDF"
    start: Entry  # the 202 that started it
    polls: list[Entry] = field(default_factory=list)
    downloads: list[Entry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} job {self.id}"

    @property
    def finished(self) -> Entry | None:
        return next((p for p in self.polls if p.status in FINISHED), None)

    @property
    def ready(self) -> Entry | None:
        finished = self.finished
        return finished if finished is not None and finished.status == 200 else None

    def polls_until_finished(self) -> list[Entry]:
        finished = self.finished
        return self.polls if finished is None else self.polls[: self.polls.index(finished) + 1]


def _path_id(operation: Operation, path: str) -> str | None:
    parameters = template_parameters(operation.path, path) if operation.job.id else None
    return parameters.get(operation.job.id) if parameters else None


def _started_id(ctx: Context, start: Operation, entry: Entry) -> str | None:
    body = entry.response_json
    if start.job.id and isinstance(body, dict) and body.get(start.job.id):
        return str(body[start.job.id])
    location = urlsplit(entry.response_header("location") or "").path
    polls = [op for op in ctx.operations.values() if op.api == entry.api and op.job and op.job.role == "poll"]
    return next((found for op in polls if (found := _path_id(op, location))), None)


def _result_path(poll: Operation, ready: Entry) -> str | None:
    body = ready.response_json
    url = body.get(poll.job.result) if poll.job.result and isinstance(body, dict) else None
    return urlsplit(url).path if isinstance(url, str) else None


def _linked(by_result: dict[tuple[str, str], Job], entry: Entry) -> Job | None:
    """The job whose ready answer linked this path (the journal's path may carry the API's prefix)."""
    return next(
        (job for (api, path), job in by_result.items() if api == entry.api and entry.path.endswith(path)),
        None,
    )


def jobs(ctx: Context) -> list[Job]:
    """Every job started in the journal, with its polls and download attempts."""
    found: dict[tuple[str, str], Job] = {}
    by_result: dict[tuple[str, str], Job] = {}  # (api, path of a ready job's result link)
    for entry in ctx.entries:
        operation = ctx.operation(entry.api, entry.operation_id)
        if operation is None or operation.job is None:
            continue
        if operation.job.role == "start":
            job_id = _started_id(ctx, operation, entry) if entry.status == 202 else None
            if job_id is not None:
                found[(entry.api, job_id)] = Job(entry.api, job_id, operation.job.name or "", entry)
            continue
        job_id = _path_id(operation, entry.path)
        job = found.get((entry.api, job_id)) if job_id else None
        if operation.job.role == "poll" and job is not None:
            job.polls.append(entry)
            if entry.status == 200 and (path := _result_path(operation, entry)):
                by_result[(entry.api, path)] = job
        elif operation.job.role == "download":
            job = job or _linked(by_result, entry)
            if job is not None:
                job.downloads.append(entry)
    return list(found.values())


@check
def job_polling_backs_off(ctx: Context) -> Judgement:
    """An asynchronous job (a PDF of an Informat bill, ...) is polled with a growing interval that
    honours Retry-After. Per job, a wait is the real time from the end of one answer to the start
    of the next poll, and: (1) each wait is at least the Retry-After of the answer before it; (2)
    no wait is shorter than the one before; (3) from the third poll on, a wait is longer than the
    first one, so a fixed interval fails while a capped backoff passes. Waits are compared within
    `timing_tolerance`.

    Source: seed 001 (Rekeningen: PDFs are made asynchronously; retry with an increasing
    interval); apis/informat.md §6; design.md, "Async jobs" (202 + Location + Retry-After, then
    200 when ready).
    """
    tolerance = ctx.config.timing_tolerance
    polled = [job for job in jobs(ctx) if job.polls]
    findings = []
    for job in polled:
        answers = [job.start, *job.polls_until_finished()]
        waits = [before.seconds_before(after) for before, after in pairwise(answers)]
        too_soon = [
            (after, wait, before.retry_after)
            for (before, after), wait in zip(pairwise(answers), waits, strict=True)
            if before.retry_after is not None and wait < before.retry_after - tolerance
        ]
        if too_soon:
            after, wait, asked = too_soon[0]
            findings.append(
                Finding(
                    f"{job.label}: {len(too_soon)} of {len(waits)} polls came sooner than the "
                    f"Retry-After of the answer before (e.g. #{after.seq} {seconds(wait)} after "
                    f"Retry-After: {asked:g}); wait at least Retry-After seconds",
                    [p.exchange for p, _, _ in too_soon],
                )
            )
        shrank = [i for i in range(1, len(waits)) if waits[i] < waits[i - 1] - tolerance]
        if shrank:
            i = shrank[0]
            findings.append(
                Finding(
                    f"{job.label}: the wait between polls shrank {len(shrank)} time(s) (e.g. from "
                    f"{seconds(waits[i - 1])} to {seconds(waits[i])} before #{answers[i + 1].seq}); "
                    "never poll faster than before",
                    [answers[i + 1].exchange for i in shrank],
                )
            )
        flat = [i for i in range(2, len(waits)) if waits[i] <= waits[0] + tolerance]
        if flat:
            findings.append(
                Finding(
                    f"{job.label}: the polling interval did not grow (waits "
                    f"{listing([seconds(w) for w in waits])}); back off, e.g. double the wait after "
                    "each pending answer",
                    [answers[i + 1].exchange for i in flat],
                )
            )
    return judged(len(polled), "async jobs polled", findings)


@check
def job_polling_stops_when_ready(ctx: Context) -> Judgement:
    """Polling an asynchronous job stops at its first 200 (ready) or 410 (gone) answer: a
    finished job is not polled again.

    Source: seed 001 (Rekeningen: PDFs are made asynchronously); apis/informat.md §6;
    design.md, "Async jobs".
    """
    finished = [job for job in jobs(ctx) if job.finished is not None]
    findings = []
    for job in finished:
        done = job.finished
        again = job.polls[job.polls.index(done) + 1 :]
        if again:
            state = "ready" if done.status == 200 else "gone (410)"
            findings.append(
                Finding(
                    f"{job.label} was {state} at #{done.seq}, yet was polled {len(again)} more "
                    f"time(s) ({listing([f'#{p.seq}' for p in again])}); stop polling once a job is "
                    "ready or gone",
                    [done.exchange, *(p.exchange for p in again)],
                )
            )
    return judged(len(finished), "async jobs that finished", findings)


@check
def job_result_downloaded_when_ready(ctx: Context) -> Judgement:
    """A job's result is downloaded once the job says ready, and not before: results are kept for
    a while only (Informat keeps a PDF at most a year), so a client fetches one after it is made.

    Source: seed 001 (Rekeningen: PDFs are kept at most one year; download them after
    creation); apis/informat.md §6; design.md, "Async jobs".
    """
    judged_jobs = [job for job in jobs(ctx) if job.ready is not None or job.downloads]
    findings = []
    for job in judged_jobs:
        ready = job.ready
        early = [d for d in job.downloads if ready is None or d.seq < ready.seq]
        if early:
            findings.append(
                Finding(
                    f"{job.label}: the {job.name} was asked for before the job said ready "
                    f"({listing([f'#{d.seq}' for d in early])}); poll the job until it is ready first",
                    [d.exchange for d in early],
                )
            )
        if ready is not None and not any(d.seq > ready.seq and d.status == 200 for d in job.downloads):
            findings.append(
                Finding(
                    f"{job.label} was ready at #{ready.seq}, but its {job.name} was never downloaded",
                    [ready.exchange],
                )
            )
    return judged(len(judged_jobs), "async jobs ready or downloaded", findings)
