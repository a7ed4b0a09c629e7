"""The public PyPI client `otb-cbso-webservice-pyclient`, versions 2.2 and 0.1, run unmodified (only
its host changed) against a sandbox started for the test: every product, every format, the magic
companies, downloads per enterprise and per reference, batch downloads of each product, and its
command line. Every document the sandbox's world holds for what was asked is downloaded, nothing
else is, and the contract report on the tenant has no failure."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from lxml import etree

from sandbox.apis.nbb_cbso.entities import Deposit, Improvement
from sandbox.apis.nbb_cbso.handlers import ARCHIVE_YEARS, AUTHENTIC_ARCHIVE_DELAY
from sandbox.apis.nbb_cbso.world import NbbWorld
from sandbox.runtime.timerules import archive_window
from sandbox.settings import Settings
from sandbox.worlds.calendar import local_day
from tests.nbb import otb

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = yaml.safe_load((ROOT / "fixtures" / "nbb-cbso.yaml").read_text(encoding="utf-8"))
MAGIC = [str(item["enterprise_number"]) for item in FIXTURE["magic_companies"]]
FOLDERS = ("references", "jsons", "xbrls", "pdfs", "improved-references", "improved-jsons")
HAS_FORMAT = {"application/x.jsonxbrl": lambda d: d.has_json, "application/x.xbrl": lambda d: d.has_xbrl}
MAGIC_IMPROVEMENT_DAYS = [date(2023, 5, 10), date(2024, 3, 12), date(2024, 11, 18), date(2025, 2, 17)]


class Expectation:
    """What the world holds for a plan, as the paths the client files documents under."""

    def __init__(self, world: NbbWorld, today: date):
        self.world, self.today = world, today

    def deposit(self, deposit: Deposit) -> set[str]:
        folder, ref = deposit.company.enterprise_number, deposit.reference
        paths = {f"references/{folder}/{ref}.json", f"pdfs/{folder}/{ref}.pdf"}
        if deposit.has_json:
            paths.add(f"jsons/{folder}/{ref}.json")
        if deposit.has_xbrl:
            paths.add(f"xbrls/{folder}/{ref}.xbrl")
        return paths

    def improvement(self, imp: Improvement) -> set[str]:
        stem = f"{imp.deposit.company.enterprise_number}/{imp.deposit.reference}-{imp.zip_suffix}.json"
        return {f"improved-references/{stem}", f"improved-jsons/{stem}"}

    def batch_days(self, days: list[date]) -> set[str]:
        published = [d for day in days if day < self.today for d in self.world.batch(day)]
        return {path for deposit in published for path in self.deposit(deposit)}

    def improved_days(self, days: list[date]) -> set[str]:
        made = [imp for day in days for imp in self.world.improved_batch(day)]
        return {path for imp in made for path in self.improvement(imp)}

    def company(self, number: str) -> set[str]:
        found = {path for d in self.world.deposits(number, self.today) for path in self.deposit(d)}
        improvements = self.world.improvements(number, self.today)
        return found | {path for imp in improvements for path in self.improvement(imp)}

    def exists(self, path: str) -> bool:
        """Whether a path the client filed is a document of the world (under the right company)."""
        folder, company, name = path.split("/")
        stem = name.rsplit(".", 1)[0]
        reference = "-".join(stem.split("-")[:2])
        deposit = self.world.deposit(reference, self.today)
        if deposit is None or deposit.company.enterprise_number != company:
            return False
        if folder.startswith("improved-"):
            improvements = self.world.deposit_improvements(reference, self.today)
            return any(stem == f"{reference}-{imp.zip_suffix}" for imp in improvements)
        return path in self.deposit(deposit)


def filed(directory: Path) -> set[str]:
    return {
        str(path.relative_to(directory))
        for folder in FOLDERS
        if (directory / folder).is_dir()
        for path in (directory / folder).rglob("*")
        if path.is_file()
    }


def assert_documents_are_real(directory: Path, paths: set[str]) -> None:
    for path in paths:
        content = (directory / path).read_bytes()
        if path.endswith(".pdf"):
            assert content.startswith(b"%PDF"), path
        elif path.endswith(".xbrl"):
            etree.fromstring(content)
        else:
            record = json.loads(content)
            assert record.get("ReferenceNumber") or record.get("referenceNumber"), path


@pytest.fixture
def world(sandbox_tenant) -> NbbWorld:
    return NbbWorld(Settings.from_env().seed, sandbox_tenant.id, FIXTURE)


@pytest.fixture
def today() -> date:
    return local_day(datetime.now(UTC))


def summer_day(today: date) -> date:
    """A Wednesday of last summer's busy season: inside the archive window, and long in it."""
    day = date(today.year - 1, 6, 24)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def saturday_after(day: date) -> date:
    """Nothing is published on it: 404, which the clients take as "no batch"."""
    return day + timedelta(days=5 - day.weekday())


def plan_for(world: NbbWorld, today: date) -> dict:
    busy_day = summer_day(today)
    old_day = date(today.year - 4, 11, 8)  # in the extracts, no longer in the archive
    improvement_feed_day = next(
        day
        for day in (date(2025, 6, 2) + timedelta(days=i) for i in range(60))
        if any(imp.deposit.company.enterprise_number not in MAGIC for imp in world.improved_batch(day))
    )
    busy = world.batch(busy_day)
    companies = MAGIC + sorted({d.company.enterprise_number for d in busy})[:2]
    references = [world.deposits(number, today)[-1].reference for number in MAGIC[1:]]
    references.append(world.deposits(MAGIC[3], today)[0].reference)  # 1999: no XBRL, in francs
    references += [imp.deposit.reference for number in MAGIC for imp in world.improvements(number, today)]
    return {
        "days": [day.isoformat() for day in (busy_day, old_day, saturday_after(busy_day))],
        "improved_days": [day.isoformat() for day in [*MAGIC_IMPROVEMENT_DAYS, improvement_feed_day]],
        "companies": companies,
        "references": references,
    }


def assert_no_contract_failure(tenant) -> None:
    report = tenant.report()
    assert [v.check.name for v in report.failed] == [], report.text()


def test_otb_2_2_downloads_every_document_that_exists(sandbox_tenant, world, today, tmp_path):
    plan = plan_for(world, today)
    outcome = otb.run("2.2", sandbox_tenant, plan, tmp_path)
    expect = Expectation(world, today)
    days = [date.fromisoformat(day) for day in plan["days"]]
    expected = expect.batch_days(days) | expect.improved_days(
        [date.fromisoformat(day) for day in plan["improved_days"]]
    )
    for number in plan["companies"]:
        expected |= expect.company(number)
    for reference in plan["references"]:
        expected |= expect.deposit(world.deposit(reference, today))

    api = filed(tmp_path / "api")
    assert sorted(expected - api) == [] and sorted(api - expected) == []
    assert_documents_are_real(tmp_path / "api", api)
    for name, report in outcome["reports"].items():
        assert report["unresolved"] == [] and report["missing_keys"] == [], (name, report)
        assert report["missing_batches"] == [], (name, report)
        assert not set(report["unavailable"]) & expected, (name, report)  # a 404 only for what does not exist
    assert not (tmp_path / "api" / "pending").exists()

    # the command line does the same, and files the consolidated accounts apart
    assert set(outcome["exits"].values()) <= {0, 1}, outcome["exits"]  # 1: PDF-only or pre-2022 filings
    assert outcome["exits"]["download " + plan["days"][0]] == 0
    # every consolidated filing downloaded, not only the magic group's: the tenant's world may hold others
    consolidated = {path for path in api if path.startswith("pdfs/") and _consolidated(world, path, today)}
    group = {
        f"pdfs/{d.company.enterprise_number}/{d.reference}.pdf"
        for d in world.deposits(MAGIC[2], today)
        if d.consolidated
    }
    assert group and group <= consolidated
    cli = tmp_path / "cli"
    assert filed(cli) == api - consolidated
    for path in consolidated:
        _, company, name = path.split("/")
        stem = f"BE{company}_{name.removesuffix('.pdf')}"
        assert (cli / "consolidated_accounts" / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
        assert (cli / "consolidated_accounts" / f"{stem}-reference.json").is_file()

    assert_no_contract_failure(sandbox_tenant)


def _consolidated(world, path: str, today: date) -> bool:
    """Whether the PDF at `pdfs/<company>/<reference>.pdf` is a consolidated filing."""
    deposit = world.deposit(path.split("/")[2].removesuffix(".pdf"), today)
    return deposit is not None and deposit.consolidated


def test_otb_0_1_downloads_every_document_that_exists(sandbox_tenant, world, today, tmp_path):
    plan = plan_for(world, today)
    documents, improvements = {}, {}
    for reference in plan["references"]:
        deposit = world.deposit(reference, today)
        documents[reference] = [
            form
            for form, present in (("json", deposit.has_json), ("xbrl", deposit.has_xbrl), ("pdf", True))
            if present
        ]
        kinds = [imp.kind for imp in world.deposit_improvements(reference, today)]
        if kinds:
            improvements[reference] = kinds
    assert improvements, "the plan names improved deposits"
    saturday = saturday_after(summer_day(today))
    backfill = (saturday, saturday + timedelta(days=2))
    plan |= {"documents": documents, "improvements": improvements}
    plan["backfill"] = [day.isoformat() for day in backfill]
    outcome = otb.run("0.1", sandbox_tenant, plan, tmp_path)
    expect = Expectation(world, today)

    days = sorted({date.fromisoformat(day) for day in plan["days"] + plan["improved_days"]})
    first, last = archive_window(today, ARCHIVE_YEARS)
    archived = [day for day in days if first <= day <= last and day + AUTHENTIC_ARCHIVE_DELAY <= today]
    expected = expect.batch_days(days) | expect.batch_days(archived) | expect.improved_days(days)
    api = filed(tmp_path / "api")
    assert sorted(expected - api) == []
    assert sorted(path for path in api if not expect.exists(path)) == []
    assert_documents_are_real(tmp_path / "api", api)
    for name, report in outcome["reports"].items():
        assert report["unresolved"] == [], (name, report)
        for missing in report["missing"]:  # what gap filling asked for and did not get must not exist
            reference, media_type = missing.split()
            has = HAS_FORMAT.get(media_type)
            assert has is not None and not has(world.deposit(reference, today)), missing
    for reference, formats in documents.items():
        for form in formats:
            assert (tmp_path / "api" / "documents" / f"{reference}.{form}").stat().st_size > 0
    for reference, kinds in improvements.items():
        for kind in kinds:
            assert json.loads((tmp_path / "api" / "improvements" / f"{reference}-{kind}.json").read_bytes())
        assert set(outcome["listed"][reference]) == {reference}
    for number in plan["companies"]:
        assert outcome["listed"][number]["authentic"] == [d.reference for d in world.deposits(number, today)]
        assert outcome["listed"][number]["improved"] == [
            i.deposit.reference for i in world.improvements(number, today)
        ]

    assert [command for command, code in outcome["exits"] if code != 0] == []
    cli = tmp_path / "cli"
    assert sorted(path for path in filed(cli) if not expect.exists(path)) == []
    assert expect.batch_days([backfill[1]]) <= filed(cli)

    assert_no_contract_failure(sandbox_tenant)
