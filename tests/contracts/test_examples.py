"""The example clients against an in-process sandbox (through the pytest plugin's fixtures): the
good one passes every check it exercises, the careless one fails exactly the rules it breaks."""

from datetime import datetime

import pytest

from examples.careless_client import CarelessNbbClient
from examples.good_client import NbbClient, nbb_keys, run_nbb
from sandbox.runtime.clock import parse_instant
from tests.conftest import DEFAULT_NOW


def sandbox_now() -> datetime:
    return parse_instant(DEFAULT_NOW)


@pytest.fixture
def tenant(sandbox_tenant):
    """A tenant at the tests' instant, whose first NBB call is answered 429 (Retry-After: 1)."""
    sandbox_tenant.set_clock(DEFAULT_NOW, frozen=True)
    sandbox_tenant.add_fault("status", status=429, count=1, api="nbb-cbso")
    return sandbox_tenant


def run(client_class, tenant) -> None:
    client = client_class(tenant.api_url("nbb-cbso"), nbb_keys(tenant.credentials), now=sandbox_now)
    try:
        run_nbb(client)
    finally:
        client.close()


def outcomes(report) -> dict[str, str]:
    return {v.check.name: str(v.outcome) for v in report.verdicts}


def test_the_good_client_passes_every_check_it_exercises(tenant):
    run(NbbClient, tenant)
    report = tenant.verify()  # raises with the report if any rule is broken
    exercised = {name for name, outcome in outcomes(report).items() if outcome == "passed"}
    assert exercised >= {
        "nbb_subscription_key_per_product",
        "nbb_fresh_request_id",
        "nbb_dates_in_range",
        "nbb_accept_names_a_served_format",
        "retry_after_honoured_after_429",
        "no_burst",
        "no_credentials_in_url",
    }


def test_the_careless_client_fails_exactly_the_rules_it_breaks(tenant):
    run(CarelessNbbClient, tenant)
    report = tenant.report()
    assert {v.check.name for v in report.failed} == {"nbb_fresh_request_id", "retry_after_honoured_after_429"}
    text = report.text()
    assert "X-Request-Id" in text and "was sent with 5 requests" in text
    assert "generate a new one for every request, retries included" in text
    assert "after a 429 with Retry-After: 1 at #1, the next nbb-cbso request came 0.1" in text
    with pytest.raises(AssertionError, match="the client broke contract rules"):
        tenant.verify()
