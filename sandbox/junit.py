"""JUnit XML, the report format CI systems read: one suite of cases, each passed (its summary as
output), failed (a message and a text) or skipped. The contract and audit reports both write it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree


@dataclass(frozen=True)
class Case:
    classname: str
    name: str
    outcome: str  # "passed", "failed" or "skipped"
    message: str  # the failure's message, the reason for skipping, or a passed case's output
    text: str = ""  # a failure's details
    seconds: float | None = None  # written only when known


def _time(seconds: float) -> str:
    return f"{seconds:.6f}"


def junit_xml(report: str, suite_name: str, cases: Sequence[Case], failure_type: str) -> bytes:
    timed = all(case.seconds is not None for case in cases)
    totals = {
        "tests": str(len(cases)),
        "failures": str(sum(case.outcome == "failed" for case in cases)),
        "errors": "0",
        "skipped": str(sum(case.outcome == "skipped" for case in cases)),
    }
    if timed:
        totals["time"] = _time(sum(case.seconds or 0.0 for case in cases))
    suites = etree.Element("testsuites", name=report)
    suite = etree.SubElement(suites, "testsuite", name=suite_name, **totals)
    for key, value in totals.items():
        suites.set(key, value)
    for case in cases:
        attributes = {"classname": case.classname, "name": case.name}
        if timed:
            attributes["time"] = _time(case.seconds or 0.0)
        element = etree.SubElement(suite, "testcase", **attributes)
        if case.outcome == "failed":
            etree.SubElement(element, "failure", message=case.message, type=failure_type).text = case.text
        elif case.outcome == "skipped":
            etree.SubElement(element, "skipped", message=case.message)
        else:
            etree.SubElement(element, "system-out").text = case.message
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True)
