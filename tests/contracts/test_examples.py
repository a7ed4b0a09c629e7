"""The example clients against an in-process sandbox (through the pytest plugin's fixtures): the
good one passes every check it exercises, the careless one fails exactly the rules it breaks."""

import re
from datetime import datetime

import pytest

from examples.careless_client import CarelessInformatBillsClient, CarelessNbbClient
from examples.good_client import InformatBillsClient, NbbClient, clients, run_informat, run_nbb
from sandbox.runtime.clock import parse_instant
from tests.conftest import DEFAULT_NOW

PDF_SECONDS = 2  # from a bill's PDF request until the PDF is ready


def sandbox_now() -> datetime:
    return parse_instant(DEFAULT_NOW)


@pytest.fixture
def tenant(sandbox_tenant):
    """A tenant whose clock runs from the tests' instant; its first NBB call is answered 429
    (Retry-After: 1) and its first list of school bills 401, as if the token had been revoked."""
    sandbox_tenant.set_clock(DEFAULT_NOW, frozen=False)
    sandbox_tenant.add_fault("status", status=429, count=1, api="nbb-cbso")
    sandbox_tenant.add_fault("status", status=401, count=1, api="informat-bills", operationId="listBills")
    sandbox_tenant.action("informat-bills", "set-pdf-delay", seconds=PDF_SECONDS)
    return sandbox_tenant


def run(tenant, nbb_client, bills_client) -> None:
    nbb, bills = clients(tenant.url, tenant.credentials, nbb_client, bills_client, now=sandbox_now)
    try:
        run_nbb(nbb)
        run_informat(bills)
    finally:
        nbb.close()
        bills.close()


def test_the_good_client_passes_every_check_it_exercises(tenant):
    run(tenant, NbbClient, InformatBillsClient)
    report = tenant.verify()  # raises with the report if any rule is broken
    passed = {v.check.name for v in report.verdicts if str(v.outcome) == "passed"}
    assert passed == {
        "nbb_subscription_key_per_product",
        "nbb_fresh_request_id",
        "nbb_dates_in_range",
        "nbb_accept_names_a_served_format",
        "retry_after_honoured_after_429",
        "token_reused_until_expiry",
        "token_renewed_after_401",
        "job_polling_backs_off",
        "job_polling_stops_when_ready",
        "job_result_downloaded_when_ready",
        "no_burst",
        "no_credentials_in_url",
        "no_unknown_query_parameters",
        "no_empty_optional_headers",
        "host_header_valid",
        "single_headers_sent_once",
        "user_agent_accepted",
    }


def test_the_careless_client_fails_exactly_the_rules_it_breaks(tenant):
    run(tenant, CarelessNbbClient, CarelessInformatBillsClient)
    report = tenant.report()
    assert {v.check.name for v in report.failed} == {
        "nbb_fresh_request_id",
        "retry_after_honoured_after_429",
        "token_reused_until_expiry",
        "job_polling_backs_off",
    }
    said = " ".join(f.message for v in report.failed for f in v.findings)
    assert "was sent with 5 requests" in said and "generate a new one for every new request" in said
    assert re.search(
        r"after a 429 with Retry-After: 1 at #1, the next nbb-cbso request came 0\.\d\d s later", said
    )
    assert "were fetched while the one held was still valid (about a token per API call)" in said
    assert "polls came sooner than the Retry-After of the answer before" in said
    assert re.search(r"the polling interval did not grow \(waits 0\.\d\d s, 0\.\d\d s", said)
    with pytest.raises(AssertionError, match="the client broke contract rules"):
        tenant.verify()
