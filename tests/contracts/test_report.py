"""The report as a person reads it (text), and as CI reads it (JSON, JUnit XML)."""

from pathlib import Path

from lxml import etree

from sandbox.contracts import CHECKS
from tests.contracts.builder import Journal

JUNIT_SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("junit.xsd"))))


# What the careless journal below breaks, and the checks it exercises without breaking them; the
# other registered checks have nothing to judge in it, so a new check of that kind changes no count.
FAILED = {"nbb_fresh_request_id", "token_reused_until_expiry"}
PASSED = {
    "nbb_subscription_key_per_product",
    "nbb_accept_names_a_served_format",
    "no_credentials_in_url",
    "no_unknown_query_parameters",
    "no_empty_optional_headers",
    "host_header_valid",
    "single_headers_sent_once",
    "user_agent_accepted",
}
NOT_EXERCISED = len(CHECKS) - len(FAILED) - len(PASSED)


def careless_journal() -> Journal:
    j = Journal()
    for n in range(12):
        j.token(f"tok-{n}")
        j.bearer(f"tok-{n}")
    j.nbb(request_id="6457dc94-0b98-4c1a-b5f8-98d8627b5177")
    j.nbb(request_id="6457dc94-0b98-4c1a-b5f8-98d8627b5177")
    return j


def test_text_lists_broken_rules_first_with_rule_source_and_exchanges():
    text = careless_journal().verify().text()
    lines = text.splitlines()
    assert lines[0] == "Contract checks of tenant t-test (26 exchanges, #1 to #26)"
    assert lines[2].startswith("FAILED         nbb_fresh_request_id: NBB requests judged: 2")
    assert "               rule: Every NBB request carries its own X-Request-Id" in text
    assert "               source: apis/nbb-cbso.md §1" in text
    assert (
        "                   #25 09:00:00.240 GET /nbb/authentic/legalEntity/0403019261/references -> 200"
        in text
    )
    assert "                   ... and 3 more" in text  # 11 early tokens, 8 shown
    assert lines[-1] == f"2 failed, {len(PASSED)} passed, {NOT_EXERCISED} not exercised"
    assert all(len(line) <= 110 for line in lines if "#" not in line)


def test_text_says_when_the_bounded_journal_dropped_exchanges():
    j = careless_journal()
    j.entries = j.entries[5:]
    assert "older ones were dropped from the bounded journal" in j.verify().text()


def test_json_carries_every_check_with_its_findings():
    report = careless_journal().verify().to_json()
    counts = (report["ok"], report["failed"], report["passed"], report["notExercised"])
    assert counts == (False, 2, len(PASSED), NOT_EXERCISED)
    outcomes = {c["name"]: c["outcome"] for c in report["checks"]}
    assert {name for name, outcome in outcomes.items() if outcome == "failed"} == FAILED
    assert {name for name, outcome in outcomes.items() if outcome == "passed"} == PASSED
    assert [c["name"] for c in report["checks"]] == list(CHECKS)
    failed = next(c for c in report["checks"] if c["name"] == "nbb_fresh_request_id")
    assert failed["outcome"] == "failed" and failed["group"] == "nbb_cbso"
    exchange = failed["findings"][0]["exchanges"][0]
    assert exchange == {
        "seq": 25,
        "time": "2026-11-17T09:00:00.240000+00:00",
        "clock": "2026-11-17T09:00:00+00:00",
        "method": "GET",
        "target": "/nbb/authentic/legalEntity/0403019261/references",
        "status": 200,
    }


def test_junit_xml_is_valid_with_a_case_per_check():
    xml = careless_journal().verify().junit_xml()
    document = etree.fromstring(xml)
    JUNIT_SCHEMA.assertValid(document)
    suite = document.find("testsuite")
    counts = (suite.get("tests"), suite.get("failures"), suite.get("skipped"))
    assert counts == (str(len(CHECKS)), "2", str(NOT_EXERCISED))
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == set(CHECKS)
    failure = cases["token_reused_until_expiry"].find("failure")
    assert failure.get("message").startswith("11 access token(s) for scope 'api.read' were fetched")
    assert "#3 09:00:00.020 POST /oauth2/connect/token -> 200" in failure.text
    assert (
        cases["job_polling_backs_off"].find("skipped").get("message") == "not exercised: no async jobs polled"
    )
    assert cases["no_credentials_in_url"].find("system-out").text is not None
    # the journal's answers announce no rate limit, so bursts are not judged
    skipped = cases["no_burst"].find("skipped").get("message")
    assert skipped == "not exercised: no requests to rate-limited APIs"
