"""The audit's report, item by item, for a person (text) and for CI (JSON, JUnit XML), in the
manner of `sandbox verify`."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from enum import StrEnum

from lxml import etree

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
        suites = etree.Element("testsuites", name="sandbox audit")
        suite = etree.SubElement(
            suites,
            "testsuite",
            name=f"seed 003 audit of {self.base_url}",
            tests=str(len(self.results)),
            failures=str(self.count(Outcome.FAILED)),
            errors="0",
            skipped=str(self.count(Outcome.MANUAL) + self.count(Outcome.NOT_JUDGED)),
        )
        for key in ("tests", "failures", "errors", "skipped"):
            suites.set(key, suite.get(key))
        for r in self.results:
            case = etree.SubElement(
                suite, "testcase", classname="sandbox.audit", name=f"item {r.item}: {r.title}"
            )
            if r.outcome is Outcome.FAILED:
                failure = etree.SubElement(case, "failure", message=r.summary, type="UnmetRequirement")
                failure.text = "\n".join(f"- {f}" for f in r.findings)
            elif r.outcome is Outcome.PASSED:
                etree.SubElement(case, "system-out").text = r.summary
            else:
                etree.SubElement(case, "skipped", message=f"{r.outcome}: {r.summary}")
        return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True)
