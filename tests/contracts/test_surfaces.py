"""The three ways to run the checks: `sandbox verify`, the control plane, and the pytest plugin;
all iterate the same registry."""

import json
import os
import subprocess
import sys
import uuid

import httpx
import pytest
from click.testing import CliRunner
from lxml import etree

from sandbox.cli import main
from sandbox.contracts import CHECKS
from sandbox.spec.xsandbox import JobMark
from tests.conftest import make_client
from tests.contracts.test_report import JUNIT_SCHEMA

REFS = "/nbb/authentic/legalEntity/0403019261/references"


def nbb_calls(tenant, request_ids: list[str]) -> None:
    with httpx.Client(base_url=tenant.api_url("nbb-cbso")) as client:
        for request_id in request_ids:
            headers = {
                "NBB-CBSO-Subscription-Key": tenant.nbb_key("authentic"),
                "X-Request-Id": request_id,
                "Accept": "application/json",
            }
            assert client.get(REFS.removeprefix("/nbb"), headers=headers).status_code == 200


# -- sandbox verify ---------------------------------------------------------------------------------
def verify(*args: str):
    return CliRunner().invoke(main, ["verify", *args])


def test_cli_prints_the_report_exits_1_and_writes_junit_and_json(sandbox_tenant, tmp_path):
    nbb_calls(sandbox_tenant, ["6457dc94-0b98-4c1a-b5f8-98d8627b5177"] * 2)
    junit, report = tmp_path / "contracts.xml", tmp_path / "contracts.json"
    result = verify(
        "--url",
        sandbox_tenant.url,
        "--tenant",
        sandbox_tenant.id,
        "--junit",
        str(junit),
        "--json",
        str(report),
    )
    assert result.exit_code == 1, result.output
    assert f"Contract checks of tenant {sandbox_tenant.id} (2 exchanges, #1 to #2)" in result.output
    assert "FAILED         nbb_fresh_request_id" in result.output
    JUNIT_SCHEMA.assertValid(etree.parse(str(junit)))
    written = json.loads(report.read_text())
    assert (written["tenant"], written["ok"], written["failed"]) == (sandbox_tenant.id, False, 1)


def test_cli_exits_0_when_nothing_failed_and_runs_only_the_checks_named(sandbox_tenant):
    nbb_calls(sandbox_tenant, [str(uuid.uuid4()), str(uuid.uuid4())])
    args = ["--url", sandbox_tenant.url, "--tenant", sandbox_tenant.id]
    result = verify(*args, "--check", "nbb_fresh_request_id", "--check", "no_burst")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "0 failed, 2 passed, 0 not exercised"
    squeezed = verify(*args, "--check", "no_burst", "--set", "burst_requests=1")
    assert squeezed.exit_code == 1 and "2 requests to nbb-cbso within" in squeezed.output


def test_cli_exits_2_when_it_cannot_judge(sandbox_tenant, sandbox):
    args = ["--url", sandbox_tenant.url, "--tenant", sandbox_tenant.id]
    unknown_check = verify(*args, "--check", "nbb_fresh_ids")
    assert unknown_check.exit_code == 2 and "no check named nbb_fresh_ids" in unknown_check.output
    bad_setting = verify(*args, "--set", "burst=3")
    assert bad_setting.exit_code == 2 and "unknown setting(s) burst" in bad_setting.output
    no_tenant = verify("--url", sandbox.url, "--tenant", "t-000000000000")
    assert no_tenant.exit_code == 2 and "answered 404: No tenant 't-000000000000'" in no_tenant.output
    no_sandbox = verify("--url", "http://127.0.0.1:9", "--tenant", "t-1")
    assert no_sandbox.exit_code == 2 and "cannot reach the sandbox at http://127.0.0.1:9" in no_sandbox.output


def test_checks_command_lists_every_rule_and_source():
    result = CliRunner().invoke(main, ["checks"])
    assert result.exit_code == 0
    for name in CHECKS:
        assert f"\n{name}\n" in f"\n{result.output}"
    assert "  source: seed 001 (Rekeningen" in result.output


# -- the control plane ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client():
    """One sandbox in this process (strict: its answers are checked against the control plane's spec)."""
    return make_client()


def test_control_plane_reports_a_tenants_contracts(client):
    tenant = client.post("/__sandbox/tenants", json={}).json()
    key = tenant["credentials"]["nbb-cbso"]["authenticKey"]["secret"]
    for _ in range(2):
        client.get(REFS, headers={"NBB-CBSO-Subscription-Key": key, "Accept": "application/json"})
    url = f"/__sandbox/tenants/{tenant['id']}/contracts"
    report = client.get(url).json()
    assert (report["tenant"], report["exchanges"], report["ok"]) == (tenant["id"], 2, False)
    assert [c["name"] for c in report["checks"]] == list(CHECKS)
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert [c["name"] for c in failed] == ["nbb_fresh_request_id"]
    assert failed[0]["findings"][0]["message"].startswith("2 request(s) had no X-Request-Id header")
    chosen = client.get(url, params={"check": ["no_burst", "nbb_dates_in_range"]}).json()["checks"]
    assert [(c["name"], c["outcome"]) for c in chosen] == [
        ("nbb_dates_in_range", "not exercised"),
        ("no_burst", "passed"),
    ]


def test_control_plane_refuses_unknown_checks_and_tenants(client):
    tenant = client.post("/__sandbox/tenants", json={}).json()
    unknown = client.get(f"/__sandbox/tenants/{tenant['id']}/contracts", params={"check": "fastest"})
    assert unknown.status_code == 400
    assert unknown.json()["violations"][0]["message"].startswith("no check named fastest; the checks are:")
    missing = client.get("/__sandbox/tenants/t-000000000000/contracts")
    assert (missing.status_code, missing.json()["detail"]) == (404, "No tenant 't-000000000000'")


def test_the_client_compiles_the_operations_from_the_specs_the_sandbox_serves(client, sandbox):
    served = {(op.api, op.operation_id): op for op in sandbox.operations()}
    compiled = {
        (op.api, op.operation_id): op for api in client.app.state.services.apis for op in api.operations
    }
    assert {key: (op.produces, op.job) for key, op in served.items()} == {
        key: (op.produces, op.job) for key, op in compiled.items()
    }
    assert served[("nbb-cbso", "getAccountingData")].produces == [
        "application/x.jsonxbrl",
        "application/x.xbrl",
        "application/pdf",
        "application/xbrl+xml",
    ]
    assert served[("informat-bills", "getPdfJob")].job == JobMark("poll", id="jobId", result="pdfUrl")


# -- the pytest plugin --------------------------------------------------------------------------------
VENDOR_TESTS = """
import uuid

import httpx
import pytest


def call_nbb(tenant, request_id):
    headers = {
        "NBB-CBSO-Subscription-Key": tenant.nbb_key("authentic"),
        "X-Request-Id": request_id,
        "Accept": "application/json",
    }
    url = tenant.api_url("nbb-cbso") + "/authentic/legalEntity/0403019261/references"
    return httpx.get(url, headers=headers)


def test_careful(sandbox_tenant):
    print("tenant of the sandbox at", sandbox_tenant.url)
    for _ in range(2):
        assert call_nbb(sandbox_tenant, str(uuid.uuid4())).status_code == 200
    sandbox_tenant.verify()


def test_careless(sandbox_tenant):
    for _ in range(2):
        call_nbb(sandbox_tenant, "6457dc94-0b98-4c1a-b5f8-98d8627b5177")
    sandbox_tenant.verify()


@pytest.mark.sandbox_tenant(tokenLifetime=60)
def test_marker_shapes_the_tenant(sandbox_tenant, sandbox):
    assert sandbox.call("GET", f"/tenants/{sandbox_tenant.id}")["tokenLifetime"] == 60
    sandbox_tenant.set_clock("2026-11-17T09:00:00Z", frozen=True)
    sandbox_tenant.add_fault("status", status=503, count=1, api="nbb-cbso")
    assert call_nbb(sandbox_tenant, str(uuid.uuid4())).status_code == 503
    assert [e["fault"] for e in sandbox_tenant.journal()] == ["status"]
"""


def run_vendor_tests(folder, *args: str) -> subprocess.CompletedProcess:
    """A vendor's test run, in its own folder and process, with the plugin the package installs."""
    (folder / "test_vendor.py").write_text(VENDOR_TESTS)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, timeout=120)


def test_plugin_runs_a_vendor_suite_and_fails_a_test_with_the_readable_report(tmp_path, sandbox):
    """In a process of its own, against this session's sandbox (given by URL); the in-process
    sandbox the plugin starts otherwise is the one this very suite runs against."""
    tenants = len(sandbox.call("GET", "/tenants"))
    result = run_vendor_tests(tmp_path, "-s", "--sandbox-url", sandbox.url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 2 passed" in result.stdout
    assert f"tenant of the sandbox at {sandbox.url}" in result.stdout
    assert "AssertionError: the client broke contract rules:" in result.stdout
    assert "FAILED         nbb_fresh_request_id: NBB requests judged: 2" in result.stdout
    assert (
        "X-Request-Id 6457dc94-0b98-4c1a-b5f8-98d8627b5177 was sent with 2 requests (#1, #2)" in result.stdout
    )
    assert len(sandbox.call("GET", "/tenants")) == tenants  # every test's tenant is gone
