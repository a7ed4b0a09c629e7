"""Checks of the asynchronous PDFs of Informat's school bills (Rekeningen): the client polls a
PDF job with a growing interval that honours Retry-After, stops once it is ready, and downloads
the PDF.

A job starts with `POST .../1/bills/{billId}/pdf` (`requestBillPdf`: 202, `jobId`, `Location`,
`Retry-After`), is polled at `GET .../1/pdf-jobs/{jobId}` (`getPdfJob`: 202 while pending, 200
when ready, 410 when gone) and downloaded from `GET .../1/pdf-jobs/{jobId}/pdf`
(`downloadBillPdf`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlsplit

from sandbox.contracts.exchanges import Entry, listing, seconds
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged

API = "informat-bills"
START, POLL, DOWNLOAD = "requestBillPdf", "getPdfJob", "downloadBillPdf"
JOB_PATH = re.compile(r"/pdf-jobs/([^/?#]+)(?:/pdf)?/?$")
FINISHED = (200, 410)  # ready, or gone (kept at most a year)


@dataclass
class Job:
    id: str
    start: Entry  # the 202 that started it
    polls: list[Entry] = field(default_factory=list)
    downloads: list[Entry] = field(default_factory=list)

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


def _started_job_id(entry: Entry) -> str | None:
    body = entry.response_json
    if isinstance(body, dict) and body.get("jobId"):
        return str(body["jobId"])
    match = JOB_PATH.search(urlsplit(entry.response_header("location") or "").path)
    return match[1] if match else None


def _pdf_path(ready: Entry) -> str | None:
    body = ready.response_json
    url = body.get("pdfUrl") if isinstance(body, dict) else None
    return urlsplit(url).path if isinstance(url, str) else None


def jobs(ctx: Context) -> list[Job]:
    """Every PDF job started in the journal, with its polls and download attempts."""
    found: dict[str, Job] = {}
    by_pdf_path: dict[str, Job] = {}
    for entry in ctx.of_api(API):
        if entry.operation_id == START and entry.status == 202:
            if (job_id := _started_job_id(entry)) is not None:
                found[job_id] = Job(job_id, entry)
            continue
        match = JOB_PATH.search(entry.path)
        job = found.get(match[1]) if match else by_pdf_path.get(entry.path)
        if job is None:
            continue
        if entry.operation_id == POLL:
            job.polls.append(entry)
            if entry.status == 200 and (path := _pdf_path(entry)):
                by_pdf_path[path] = job
        elif entry.operation_id == DOWNLOAD:
            job.downloads.append(entry)
    return list(found.values())


@check
def pdf_polling_backs_off(ctx: Context) -> Judgement:
    """A PDF job is polled with a growing interval that honours Retry-After. Per job, a wait is
    the real time from the end of one answer to the start of the next poll, and: (1) each wait
    is at least the Retry-After of the answer before it; (2) no wait is shorter than the one
    before; (3) from the third poll on, a wait is longer than the first one, so a fixed interval
    fails while a capped backoff passes. Waits are compared within `timing_tolerance`.

    Source: seed 001 (Rekeningen: PDFs are made asynchronously; retry with an increasing
    interval); apis/informat.md §6.
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
                    f"PDF job {job.id}: {len(too_soon)} of {len(waits)} polls came sooner than the "
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
                    f"PDF job {job.id}: the wait between polls shrank {len(shrank)} time(s) (e.g. from "
                    f"{seconds(waits[i - 1])} to {seconds(waits[i])} before #{answers[i + 1].seq}); "
                    "never poll faster than before",
                    [answers[i + 1].exchange for i in shrank],
                )
            )
        flat = [i for i in range(2, len(waits)) if waits[i] <= waits[0] + tolerance]
        if flat:
            findings.append(
                Finding(
                    f"PDF job {job.id}: the polling interval did not grow (waits "
                    f"{listing([seconds(w) for w in waits])}); back off, e.g. double the wait after "
                    "each pending answer",
                    [answers[i + 1].exchange for i in flat],
                )
            )
    return judged(len(polled), "PDF jobs polled", findings)


@check
def pdf_polling_stops_when_ready(ctx: Context) -> Judgement:
    """Polling a PDF job stops at its first 200 (ready) or 410 (gone) answer: a finished job is
    not polled again.

    Source: seed 001 (Rekeningen: PDFs are made asynchronously); apis/informat.md §6.
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
                    f"PDF job {job.id} was {state} at #{done.seq}, yet was polled {len(again)} more "
                    f"time(s) ({listing([f'#{p.seq}' for p in again])}); stop polling once a job is "
                    "ready or gone",
                    [done.exchange, *(p.exchange for p in again)],
                )
            )
    return judged(len(finished), "PDF jobs that finished", findings)


@check
def pdf_downloaded_when_ready(ctx: Context) -> Judgement:
    """A PDF is downloaded once its job says ready, and not before: Informat keeps a PDF at most
    a year, so a client fetches it after it is made.

    Source: seed 001 (Rekeningen: PDFs are kept at most one year; download them after
    creation); apis/informat.md §6.
    """
    judged_jobs = [job for job in jobs(ctx) if job.ready is not None or job.downloads]
    findings = []
    for job in judged_jobs:
        ready = job.ready
        early = [d for d in job.downloads if ready is None or d.seq < ready.seq]
        if early:
            findings.append(
                Finding(
                    f"PDF job {job.id}: the PDF was asked for before the job said ready "
                    f"({listing([f'#{d.seq}' for d in early])}); poll the job until it is ready first",
                    [d.exchange for d in early],
                )
            )
        if ready is not None and not any(d.seq > ready.seq and d.status == 200 for d in job.downloads):
            findings.append(
                Finding(
                    f"PDF job {job.id} was ready at #{ready.seq}, but its PDF was never downloaded",
                    [ready.exchange],
                )
            )
    return judged(len(judged_jobs), "PDF jobs ready or downloaded", findings)
