"""The audit's report, item by item, for a person (text) and for CI (JSON, JUnit XML), in the
manner of `sandbox verify`."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from enum import StrEnum

from sandbox.junit import Case, junit_xml

WIDTH = 110


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MANUAL = "manual check"
    NOT_JUDGED = "not judged"


@dataclass
class ItemResult:
    item: str  # the seed item, e.g. "4" or "9 (iii)"
    title: str
    outcome: Outcome
    summary: str
    findings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "item": self.item,
            "title": self.title,
            "outcome": str(self.outcome),
            "summary": self.summary,
            "findings": self.findings,
        }


@dataclass
class AuditReport:
    base_url: str
    results: list[ItemResult]

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome is outcome for r in self.results)

    def result(self, item: str) -> ItemResult:
        return next(r for r in self.results if r.item == item)

    @property
    def ok(self) -> bool:
        """No automatic item failed; manual checks and items not judged are no failure."""
        return not self.count(Outcome.FAILED)

    def totals(self) -> str:
        return ", ".join(f"{self.count(o)} {o}" for o in Outcome)

    def text(self) -> str:
        lines = [f"Seed 003 audit of {self.base_url}", ""]
        for r in self.results:
            lines.append(f"{str(r.outcome).upper():<13} item {r.item}: {r.title}")
            lines += textwrap.wrap(r.summary, WIDTH, initial_indent=" " * 14, subsequent_indent=" " * 14)
            for finding in r.findings:
                lines += textwrap.wrap(
                    finding, WIDTH, initial_indent=" " * 14 + "- ", subsequent_indent=" " * 16
                )
        lines += ["", self.totals()]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "baseUrl": self.base_url,
            "ok": self.ok,
            **{str(o).replace(" ", "_"): self.count(o) for o in Outcome},
            "items": [r.to_json() for r in self.results],
        }

    def junit_xml(self) -> bytes:
        """One test case per item: a failed item is a failure, a manual or unjudged one is skipped."""
        cases = []
        for r in self.results:
            name = f"item {r.item}: {r.title}"
            if r.outcome is Outcome.FAILED:
                text = "\n".join(f"- {f}" for f in r.findings)
                cases.append(Case("sandbox.audit", name, "failed", r.summary, text))
            elif r.outcome is Outcome.PASSED:
                cases.append(Case("sandbox.audit", name, "passed", r.summary))
            else:
                cases.append(Case("sandbox.audit", name, "skipped", f"{r.outcome}: {r.summary}"))
        return junit_xml("sandbox audit", f"seed 003 audit of {self.base_url}", cases, "UnmetRequirement")
