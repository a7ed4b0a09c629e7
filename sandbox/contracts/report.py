"""Run the checks over a journal, and tell the result to a person (text) and to CI (JSON, JUnit XML)."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sandbox.contracts.exchanges import read_entries
from sandbox.contracts.registry import Check, Config, Context, Finding, select
from sandbox.junit import Case, junit_xml
from sandbox.spec.operations import Operation

SHOWN_FINDINGS = 10  # per check, in the text report
SHOWN_EXCHANGES = 8  # per finding, in the text report
WIDTH = 110  # of the text report's wrapped lines
INDENT = " " * 15


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_EXERCISED = "not exercised"


@dataclass
class Verdict:
    check: Check
    outcome: Outcome
    summary: str  # what was judged, or why nothing was
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "name": self.check.name,
            "group": self.check.group,
            "rule": self.check.rule,
            "source": self.check.source,
            "outcome": str(self.outcome),
            "summary": self.summary,
            "findings": [f.to_json() for f in self.findings],
        }


def judge(check: Check, context: Context) -> Verdict:
    started = time.perf_counter()
    judgement = check(context)
    elapsed = time.perf_counter() - started
    if not judgement.judged:
        return Verdict(check, Outcome.NOT_EXERCISED, judgement.what, seconds=elapsed)
    summary = f"{judgement.what} judged: {judgement.judged}"
    outcome = Outcome.FAILED if judgement.findings else Outcome.PASSED
    return Verdict(check, outcome, summary, judgement.findings, elapsed)


@dataclass
class Report:
    tenant: str
    verdicts: list[Verdict]
    exchanges: int  # journal entries judged
    first_seq: int | None = None
    last_seq: int | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(v.outcome is outcome for v in self.verdicts)

    @property
    def ok(self) -> bool:
        """Nothing failed; a check that was not exercised is no failure."""
        return not self.count(Outcome.FAILED)

    @property
    def failed(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.outcome is Outcome.FAILED]

    def totals(self) -> str:
        return (
            f"{self.count(Outcome.FAILED)} failed, {self.count(Outcome.PASSED)} passed, "
            f"{self.count(Outcome.NOT_EXERCISED)} not exercised"
        )

    def _span(self) -> str:
        if not self.exchanges:
            return "no exchanges in the journal"
        span = f"{self.exchanges} exchanges, #{self.first_seq} to #{self.last_seq}"
        if self.first_seq and self.first_seq > 1:
            span += "; older ones were dropped from the bounded journal (serve with a larger --journal-size)"
        return span

    # -- renderings -----------------------------------------------------------------------------
    def text(self, *, verbose: bool = False) -> str:
        """The report a person reads: broken rules first, each with what broke it and where."""
        lines = [f"Contract checks of tenant {self.tenant} ({self._span()})", ""]
        order = {Outcome.FAILED: 0, Outcome.PASSED: 1, Outcome.NOT_EXERCISED: 2}
        for verdict in sorted(self.verdicts, key=lambda v: order[v.outcome]):
            label = str(verdict.outcome).upper()
            lines.append(f"{label:<14} {verdict.check.name}: {verdict.summary}")
            if verdict.outcome is Outcome.FAILED or verbose:
                lines += _wrapped(f"rule: {verdict.check.rule}", INDENT, INDENT + "      ")
                lines += _wrapped(f"source: {verdict.check.source}", INDENT, INDENT + "        ")
            for finding in verdict.findings[:SHOWN_FINDINGS]:
                lines += _wrapped(finding.message, INDENT + "- ", INDENT + "  ")
                lines.extend(f"{INDENT}    {x}" for x in finding.exchanges[:SHOWN_EXCHANGES])
                if len(finding.exchanges) > SHOWN_EXCHANGES:
                    lines.append(f"{INDENT}    ... and {len(finding.exchanges) - SHOWN_EXCHANGES} more")
            if len(verdict.findings) > SHOWN_FINDINGS:
                lines.append(f"{INDENT}... and {len(verdict.findings) - SHOWN_FINDINGS} more findings")
        lines += ["", self.totals()]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "tenant": self.tenant,
            "ok": self.ok,
            "exchanges": self.exchanges,
            "firstSeq": self.first_seq,
            "lastSeq": self.last_seq,
            "failed": self.count(Outcome.FAILED),
            "passed": self.count(Outcome.PASSED),
            "notExercised": self.count(Outcome.NOT_EXERCISED),
            "checks": [v.to_json() for v in self.verdicts],
        }

    def junit_xml(self) -> bytes:
        """JUnit XML: one test case per check; a broken rule is a failure, a check with nothing
        to judge is skipped."""
        cases = []
        for verdict in self.verdicts:
            check, text = verdict.check, ""
            if verdict.outcome is Outcome.FAILED:
                outcome, message = "failed", verdict.findings[0].message
                details = [f"rule: {check.rule}", f"source: {check.source}"] + [
                    line
                    for finding in verdict.findings
                    for line in (f"- {finding.message}", *(f"    {x}" for x in finding.exchanges))
                ]
                text = "\n".join(details)
            elif verdict.outcome is Outcome.NOT_EXERCISED:
                outcome, message = "skipped", f"not exercised: {verdict.summary}"
            else:
                outcome, message = "passed", verdict.summary
            cases.append(Case(check.function.__module__, check.name, outcome, message, text, verdict.seconds))
        suite = f"sandbox contracts of tenant {self.tenant}"
        return junit_xml("sandbox contracts", suite, cases, "BrokenContract")


def verify(
    entries: Sequence[dict],
    *,
    tenant: str = "",
    checks: Sequence[str] | None = None,
    config: Config | None = None,
    operations: Iterable[Operation] = (),
) -> Report:
    """Judge a tenant's journal entries (as `Journal.read` or `GET /__sandbox/journal` give them)
    with the named checks, or every registered one. `operations` are the compiled operations of
    the APIs (`ApiRuntime.operations`, or `SandboxClient.operations()`): checks read from them what
    an operation serves and its part in an asynchronous job."""
    chosen = select(checks)
    read = read_entries(list(entries))
    context = Context(read, config or Config(), {(op.api, op.operation_id): op for op in operations})
    return Report(
        tenant=tenant,
        verdicts=[judge(check, context) for check in chosen],
        exchanges=len(read),
        first_seq=read[0].seq if read else None,
        last_seq=read[-1].seq if read else None,
    )
