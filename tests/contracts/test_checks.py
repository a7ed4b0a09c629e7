"""Each contract check against synthetic journals: what passes, what fails and with which words,
and what is not exercised."""

from pathlib import Path

import pytest

from sandbox.apis.nbb_cbso import contracts as nbb
from sandbox.contracts import CHECKS, Config
from sandbox.spec.loader import SpecDocument
from sandbox.spec.operations import compile_operations
from tests.contracts.builder import Journal, messages, outcome

PASSED, FAILED, NOT_EXERCISED = "passed", "failed", "not exercised"


def test_every_check_names_its_rule_and_source():
    assert len(CHECKS) >= 14
    for check in CHECKS.values():
        assert check.rule and check.source, check.name
        assert check.name == check.function.__name__


def test_nothing_to_judge_is_not_exercised_and_not_a_failure():
    report = Journal().verify()
    assert {str(v.outcome) for v in report.verdicts} == {NOT_EXERCISED}
    assert report.ok


def test_nbb_checks_live_in_the_nbb_package_and_read_its_facts():
    assert {name for name, check in CHECKS.items() if check.group == "nbb_cbso"} == {
        "nbb_subscription_key_per_product",
        "nbb_fresh_request_id",
        "nbb_dates_in_range",
        "nbb_accept_names_a_served_format",
    }
    assert sorted(nbb.ARCHIVE_OPERATIONS) == [
        "getAuthenticArchiveAccountingData",
        "getAuthenticArchiveReferences",
        "getImprovedArchiveAccountingData",
        "getImprovedArchiveReferences",
    ]
    assert sorted(nbb.DAILY_OPERATIONS) == [
        "getExtractAccountingData",
        "getExtractReferences",
        "getImprovedBatchAccountingData",
        "getImprovedBatchReferences",
    ]


# -- tokens ---------------------------------------------------------------------------------------
def test_token_reused_until_it_expires_passes():
    j = Journal()
    j.token("tok-1", expires_in=300)
    for _ in range(5):
        j.bearer("tok-1")
        j.move_clock(60)
    j.token("tok-2", expires_in=300)  # 300 s later on the clock: expired
    j.bearer("tok-2")
    report = j.verify("token_reused_until_expiry")
    assert outcome(report, "token_reused_until_expiry") == PASSED
    assert report.verdicts[0].summary == "access tokens fetched judged: 2"


def test_renewing_shortly_before_expiry_is_fine():
    j = Journal()
    j.token("tok-1", expires_in=3600)
    j.move_clock(3600 - 30)
    j.token("tok-2", expires_in=3600)
    assert outcome(j.verify(), "token_reused_until_expiry") == PASSED


def test_a_token_per_request_fails():
    j = Journal()
    for n in range(4):
        j.token(f"tok-{n}")
        j.bearer(f"tok-{n}")
    report = j.verify("token_reused_until_expiry")
    assert outcome(report, "token_reused_until_expiry") == FAILED
    (message,) = messages(report, "token_reused_until_expiry")
    assert message.startswith("3 access token(s) for scope 'api.read' were fetched while the one held")
    assert "(about a token per API call)" in message and "reuse it until it expires" in message
    assert [x.seq for x in report.verdicts[0].findings[0].exchanges] == [3, 5, 7]


def test_tokens_for_different_scopes_are_held_side_by_side():
    j = Journal()
    j.token("tok-a", scope="students")
    j.token("tok-b", scope="bills")
    j.bearer("tok-a")
    j.bearer("tok-b")
    assert outcome(j.verify(), "token_reused_until_expiry") == PASSED


def test_a_new_token_after_a_401_or_a_revocation_is_fine():
    j = Journal()
    j.token("tok-1")
    j.bearer("tok-1", 401)
    j.token("tok-2")
    j.add(
        "identity",
        "revoke",
        "POST",
        "/oauth2/revoke",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=b"token=tok-2&client_id=c1&client_secret=s",
    )
    j.token("tok-3")
    report = j.verify("token_reused_until_expiry", "token_renewed_after_401")
    assert outcome(report, "token_reused_until_expiry") == PASSED
    assert outcome(report, "token_renewed_after_401") == PASSED


def test_resending_a_refused_token_fails():
    j = Journal()
    j.token("tok-1")
    j.bearer("tok-1", 401)
    j.bearer("tok-1", 401)
    j.bearer("tok-1", 401)
    report = j.verify("token_renewed_after_401")
    (message,) = messages(report, "token_renewed_after_401")
    assert message.startswith("the access token refused with 401 at #2 was sent again 2 time(s) (#3, #4)")
    assert "refresh the token or authenticate again" in message


def test_no_401_means_renewal_is_not_exercised():
    j = Journal()
    j.token("tok-1")
    j.bearer("tok-1")
    report = j.verify("token_renewed_after_401")
    assert outcome(report, "token_renewed_after_401") == NOT_EXERCISED
    assert report.verdicts[0].summary == "no bearer calls refused with 401"


@pytest.mark.parametrize(
    "name", ["access_token", "client_secret", "subscription-key", "code_verifier", "apiKey"]
)
def test_a_credential_in_a_url_fails(name):
    j = Journal()
    j.nbb(query={name: "s3cret", "year": "2024"})
    report = j.verify("no_credentials_in_url")
    (message,) = messages(report, "no_credentials_in_url")
    assert message.startswith(f"query parameter '{name}' carries a credential in 1 request(s)")
    assert "s3cret" not in report.text()  # the journal fingerprints it, the report shows no more


def test_ordinary_query_parameters_are_no_credentials():
    j = Journal()
    j.nbb(query={"year": "2024", "pageToken": "abc", "code": "xyz"})
    assert outcome(j.verify(), "no_credentials_in_url") == PASSED


# -- rate limits and bursts --------------------------------------------------------------------------
def test_waiting_out_retry_after_passes_and_hurrying_fails():
    j = Journal()
    j.nbb(status=429, response_headers={"retry-after": "2"})
    j.wait(2.0)
    j.nbb()
    assert outcome(j.verify(), "retry_after_honoured_after_429") == PASSED
    j.nbb(status=429, response_headers={"retry-after": "2"})
    j.wait(0.1)
    j.nbb()
    report = j.verify("retry_after_honoured_after_429")
    (message,) = messages(report, "retry_after_honoured_after_429")
    assert message == (
        "after a 429 with Retry-After: 2 at #3, the next nbb-cbso request came 0.10 s later (#4); "
        "wait at least Retry-After seconds before calling that API again"
    )


def test_a_call_to_another_api_during_the_wait_is_fine():
    j = Journal()
    j.nbb(status=429, response_headers={"retry-after": "1"})
    j.bearer("tok")
    j.wait(1)
    j.nbb()
    assert outcome(j.verify(), "retry_after_honoured_after_429") == PASSED


def test_an_api_that_announces_no_rate_limit_is_not_judged_for_bursts():
    j = Journal()
    for _ in range(150):  # otb 2.2 reaches 144 requests/s; NBB publishes no limit
        j.nbb(duration=0.001)
    assert outcome(j.verify(), "no_burst") == NOT_EXERCISED


def test_bursts_are_judged_by_the_rate_limit_the_api_announces():
    j = Journal()
    policy = {"ratelimit-policy": "3;w=60"}
    j.wait(60 - j.now.timestamp() % 60)  # the start of one of the limiter's windows
    for _ in range(3):
        j.nbb(response_headers=policy)
    j.nbb(status=429, response_headers={**policy, "retry-after": "59"})
    assert outcome(j.verify(), "no_burst") == PASSED  # the request that learnt of the limit is fine
    j.nbb(status=429, response_headers=policy)
    j.nbb(status=429, response_headers=policy)
    (message,) = messages(j.verify("no_burst"), "no_burst")
    assert message == (
        "2 request(s) to nbb-cbso sent after a 429 in the same rate-limit window (#5 to #6); nbb-cbso "
        "allows 3 requests per 60 s: wait out Retry-After once refused"
    )
    j.wait(60)
    j.nbb(response_headers=policy)  # the next window starts afresh
    assert len(messages(j.verify("no_burst"), "no_burst")) == 1


def test_a_pace_of_ones_own_judges_every_api_and_reports_the_worst_window():
    j = Journal()
    for _ in range(25):
        j.nbb(duration=0.01)
    j.wait(2)
    for _ in range(15):
        j.nbb(duration=0.01)
    report = j.verify("no_burst", burst_requests=20)
    (message,) = messages(report, "no_burst")
    assert message.startswith("25 requests to nbb-cbso within 0.24 s (#1 to #25)")
    assert "at most 20 requests per 1 s" in message
    assert outcome(j.verify(burst_requests=30), "no_burst") == PASSED


# -- NBB ------------------------------------------------------------------------------------------
def test_nbb_keys_missing_or_of_another_product_fail():
    j = Journal()
    j.nbb_day("2026-11-16")  # extracts key opens extracts
    j.nbb(key="")
    j.nbb(key="key-extracts", status=401)  # the extracts key sent to authentic
    j.nbb(key="not-a-key", status=401, path="/nbb/authentic/deposit/2024-00000001/reference")
    report = j.verify("nbb_subscription_key_per_product")
    assert messages(report, "nbb_subscription_key_per_product") == [
        "1 request(s) had no NBB-CBSO-Subscription-Key header: send the key of the product addressed on "
        "every request",
        "2 request(s) to the authentic product were refused with 401: the key of extracts was sent; each "
        "product has its own subscription key",
    ]


def test_an_injected_401_is_not_blamed_on_the_key():
    j = Journal()
    j.nbb(status=401, fault="status")
    assert outcome(j.verify(), "nbb_subscription_key_per_product") == PASSED


def test_request_ids_missing_reused_or_not_uuids_fail():
    j = Journal()
    j.nbb()
    j.nbb(request_id="")
    j.nbb(request_id="6457dc94-0b98-4c1a-b5f8-98d8627b5177")
    j.nbb(request_id="6457dc94-0b98-4c1a-b5f8-98d8627b5177")
    j.nbb(request_id="abc")
    assert messages(j.verify(), "nbb_fresh_request_id") == [
        "1 request(s) had no X-Request-Id header: send a new UUID with every request",
        "X-Request-Id 'abc' is not a UUID: send a new UUID (e.g. uuid4) with every request",
        "X-Request-Id 6457dc94-0b98-4c1a-b5f8-98d8627b5177 was sent with 2 requests (#3, #4) that are not "
        "one request and its retries: generate a new one for every new request (a retry of the identical "
        "request after a dropped connection, 408, 425, 429 or 5xx may keep it)",
    ]


def test_a_retry_of_the_identical_request_may_keep_its_request_id():
    j = Journal()
    same = "6457dc94-0b98-4c1a-b5f8-98d8627b5177"
    j.nbb(request_id=same, status=503)
    j.nbb(request_id=same, status=429, response_headers={"retry-after": "1"})
    j.wait(1)
    j.nbb(request_id=same)  # urllib3's Retry resends the same headers
    assert outcome(j.verify(), "nbb_fresh_request_id") == PASSED
    j.nbb(request_id=same)  # after a 200 it is a new request, not a retry
    (message,) = messages(j.verify(), "nbb_fresh_request_id")
    assert message.startswith(f"X-Request-Id {same} was sent with 4 requests (#1, #2, #3, #4)")
    other = Journal()
    other.nbb(request_id=same, status=503)
    other.nbb("/nbb/authentic/deposit/2024-00000001/reference", request_id=same)  # another request
    assert outcome(other.verify(), "nbb_fresh_request_id") == FAILED


def test_fresh_request_ids_pass():
    j = Journal()
    for _ in range(3):
        j.nbb()
    assert outcome(j.verify(), "nbb_fresh_request_id") == PASSED


def test_days_today_or_future_fail_by_the_sandbox_clock_and_archive_days_outside_the_window_pass():
    j = Journal()  # sandbox clock: 2026-11-17 10:00 in Brussels
    j.nbb_day("2026-11-16")
    j.nbb_day("2026-11-17")
    j.nbb_day("2026-12-01")
    j.nbb_day("2023-11-17", archive=True)
    j.nbb_day("2023-11-16", archive=True)  # outside the window: the service answers 404, no batch
    j.move_clock(-10 * 3600)  # 2026-11-17 00:00 Brussels is 2026-11-16 23:00 UTC
    j.nbb_day("2026-11-17")
    report = j.verify("nbb_dates_in_range")
    assert messages(report, "nbb_dates_in_range") == [
        "#2 asked for today, 2026-11-17 (Europe/Brussels, sandbox clock): a day's batch appears at 05:00 "
        "the next day; ask for past days only",
        "#3 asked for 2026-12-01, a future day (today is 2026-11-17 in Europe/Brussels, sandbox clock)",
        "#6 asked for today, 2026-11-17 (Europe/Brussels, sandbox clock): a day's batch appears at 05:00 "
        "the next day; ask for past days only",
    ]
    assert report.verdicts[0].summary == "NBB requests for a day judged: 6"


def test_accept_must_name_a_served_format():
    j = Journal()
    doc = "/nbb/authentic/deposit/2024-00000001/accountingData"
    j.nbb(doc, "getAccountingData", accept="application/pdf")
    j.nbb(doc, "getAccountingData", accept="application/json", status=415)
    j.nbb(doc, "getAccountingData", accept="*/*")
    j.nbb(doc, "getAccountingData", accept=None)
    j.nbb(accept=None)  # references serve one format: no choice to leave to the server
    j.nbb(accept="application/json;q=0, text/plain")
    j.nbb(
        doc,
        "getAccountingData",
        accept="application/xbrl+xml",
        response_headers={"content-type": "application/pdf"},
    )
    report = j.verify("nbb_accept_names_a_served_format")
    assert messages(report, "nbb_accept_names_a_served_format") == [
        "1 getAccountingData request(s) asked for a format it does not serve (Accept: application/json); "
        "it serves: application/x.jsonxbrl, application/x.xbrl, application/pdf, application/xbrl+xml",
        "2 getAccountingData request(s) named no format (Accept: (none), */*), so the server chose one; "
        "name the format wanted, one of: application/x.jsonxbrl, application/x.xbrl, application/pdf, "
        "application/xbrl+xml",
        "1 getReferencesByLegalEntity request(s) asked for a format it does not serve (Accept: "
        "application/json;q=0, text/plain); it serves: application/json",
        "1 getAccountingData request(s) sent Accept: application/xbrl+xml, which the real service answers "
        "with the PDF (so does the sandbox); ask XBRL as application/x.xbrl",
    ]


def test_unknown_query_parameters_are_reported_with_what_the_operation_reads():
    j = Journal()
    j.nbb(query={"year": "2024"})
    assert outcome(j.verify(), "no_unknown_query_parameters") == PASSED
    j.nbb(query={"fiscalYear": "2024"}, ignored_query=["fiscalYear"])
    j.nbb(query={"fiscalYear": "2023"}, ignored_query=["fiscalYear"])
    assert messages(j.verify(), "no_unknown_query_parameters") == [
        "2 getReferencesByLegalEntity request(s) to nbb-cbso sent query parameter 'fiscalYear', which it "
        "does not read and ignores (it reads: year)"
    ]


# -- headers --------------------------------------------------------------------------------------
NBB_REFERENCES = "/nbb/authentic/legalEntity/0403019261/references"


def nbb_lines(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    """The header lines of a careful NBB request, and more."""
    return [
        ("host", "ws.cbso.nbb.be"),
        ("nbb-cbso-subscription-key", "key-authentic"),
        ("x-request-id", "6457dc94-0b98-4c1a-b5f8-98d8627b5177"),
        ("user-agent", "acme-books/4.2"),
        *extra,
    ]


def test_optional_headers_sent_empty_are_reported_by_name():
    j = Journal()
    j.nbb()
    assert outcome(j.verify(), "no_empty_optional_headers") == PASSED
    j.nbb(notes={"emptyHeaders": ["X-Request-Id"]})
    j.nbb(notes={"emptyHeaders": ["X-Request-Id"]})
    assert messages(j.verify(), "no_empty_optional_headers") == [
        "2 getReferencesByLegalEntity request(s) to nbb-cbso sent header 'X-Request-Id' empty; it was "
        "taken as absent"
    ]


def test_a_host_refused_by_rfc_9112_is_reported_by_how_it_broke():
    j = Journal()
    j.nbb()
    assert outcome(j.verify(), "host_header_valid") == PASSED
    j.nbb(status=400, notes={"host": "repeated"})
    j.nbb(status=400, notes={"host": "invalid"})
    j.nbb(status=400, notes={"host": "repeated"})
    assert messages(j.verify(), "host_header_valid") == [
        "2 request(s) to nbb-cbso had a Host header that was repeated; production answers 400, as the "
        "sandbox did",
        "1 request(s) to nbb-cbso had a Host header that was invalid; production answers 400, as the "
        "sandbox did",
    ]


def test_a_single_valued_header_sent_twice_is_reported_and_a_list_header_is_not():
    j = Journal()
    # Accept is a list: two lines of it are one comma-separated value
    j.add(
        "nbb-cbso",
        "getReferencesByLegalEntity",
        "GET",
        NBB_REFERENCES,
        headers=nbb_lines(("accept", "application/json"), ("accept", "*/*")),
    )
    assert outcome(j.verify(), "single_headers_sent_once") == PASSED
    twice = ("x-request-id", "0a4f3b1e-7d0e-4a55-9a4f-2f0f2b1c3d4e")
    key = ("nbb-cbso-subscription-key", "key-extracts")
    j.add("nbb-cbso", "getReferencesByLegalEntity", "GET", NBB_REFERENCES, headers=nbb_lines(twice, key))
    j.add(
        "nbb-cbso",
        None,
        "GET",
        "/nbb/nothing",
        404,
        headers=[("content-type", "a/b"), ("content-type", "c/d")],
    )
    assert messages(j.verify(), "single_headers_sent_once") == [
        "1 request(s) to nbb-cbso sent nbb-cbso-subscription-key in more than one field line; the sandbox "
        "read the first, production may read another or refuse the request",
        "1 request(s) to nbb-cbso sent x-request-id in more than one field line; the sandbox read the first, "
        "production may read another or refuse the request",
        "1 request(s) to nbb-cbso sent content-type in more than one field line; the sandbox read the first, "
        "production may read another or refuse the request",
    ]


def test_a_user_agent_the_gateway_is_reported_to_refuse_is_reported_with_its_label():
    j = Journal()
    j.bearer("tok-1")  # Informat's spec lists no User-Agent: nothing to judge
    assert outcome(j.verify(), "user_agent_accepted") == NOT_EXERCISED
    j.add("nbb-cbso", "getReferencesByLegalEntity", "GET", NBB_REFERENCES, headers=nbb_lines())
    assert outcome(j.verify(), "user_agent_accepted") == PASSED
    urllib = [line for line in nbb_lines() if line[0] != "user-agent"] + [
        ("user-agent", "Python-urllib/3.11")
    ]
    j.add("nbb-cbso", "getReferencesByLegalEntity", "GET", NBB_REFERENCES, headers=urllib)
    (message,) = messages(j.verify(), "user_agent_accepted")
    assert message.startswith(
        "1 request(s) to nbb-cbso sent User-Agent 'Python-urllib/3.11', which matches '^Python-urllib/': its "
        "gateway is reported to refuse it (inferred: apis/nbb-cbso.md §1"
    )


# -- refusals ------------------------------------------------------------------------------------
def test_resending_a_400_in_a_loop_fails_and_fixing_it_passes():
    j = Journal()
    refusal = {"title": "Bad Request", "violations": [{"field": "year", "message": "must be an integer"}]}
    for _ in range(3):
        j.nbb(query={"year": "abc"}, status=400, response_body=refusal)
    report = j.verify("no_resend_after_400")
    (message,) = messages(report, "no_resend_after_400")
    assert message == (
        "the same request was refused with 400 3 times: GET "
        "/nbb/authentic/legalEntity/0403019261/references?year=abc (Bad Request; year: must be an integer); "
        "fix the request instead of sending it again"
    )
    assert outcome(j.verify(bad_request_resends=2), "no_resend_after_400") == PASSED
    fixed = Journal()
    fixed.nbb(query={"year": "abc"}, status=400)
    fixed.nbb(query={"year": "2024"})
    assert outcome(fixed.verify(), "no_resend_after_400") == PASSED


def test_asking_an_unknown_path_again_and_again_fails():
    j = Journal()
    for _ in range(3):
        j.nbb("/nbb/authentic/companies/0403019261", None, status=404)
    j.nbb("/nbb/authentic/other", None, status=404)
    report = j.verify("no_repeated_unknown_path")
    assert messages(report, "no_repeated_unknown_path") == [
        "GET /nbb/authentic/companies/0403019261 is not an operation of nbb-cbso (404), yet was asked 3 "
        "times; check the path against the spec"
    ]
    assert report.verdicts[0].summary == "unknown paths asked judged: 2"


# -- async jobs: Informat school-bill PDFs, marked as a job in their spec -------------------------
BILLS = "/informat/rekeningen/1"


def start_job(j: Journal, job="job-1", retry_after="1") -> None:
    location = f"https://rekeningenapi.informatsoftware.be/1/pdf-jobs/{job}"
    j.add(
        "informat-bills",
        "requestBillPdf",
        "POST",
        f"{BILLS}/bills/b-1/pdf",
        202,
        response_headers={"location": location, "retry-after": retry_after},
        response_body={"jobId": job, "status": "pending", "billId": "b-1"},
    )


def poll(j: Journal, job="job-1", status=202, retry_after="1") -> None:
    body = {"jobId": job, "status": "pending"}
    if status == 200:
        body = {"jobId": job, "status": "ready", "billId": "b-1", "pdfUrl": f"https://x/1/pdf-jobs/{job}/pdf"}
    headers = {"retry-after": retry_after} if status == 202 else {}
    j.add(
        "informat-bills",
        "getPdfJob",
        "GET",
        f"{BILLS}/pdf-jobs/{job}",
        status,
        response_headers=headers,
        response_body=body,
    )


def download(j: Journal, job="job-1", status=200) -> None:
    j.add(
        "informat-bills",
        "downloadBillPdf",
        "GET",
        f"{BILLS}/pdf-jobs/{job}/pdf",
        status,
        response_body=b"%PDF",
    )


def test_polling_with_backoff_then_downloading_passes():
    j = Journal()
    start_job(j)
    for wait in (1.0, 2.0, 4.0, 8.0, 8.0):
        j.wait(wait)
        poll(j)
    j.wait(8.0)
    poll(j, status=200)
    download(j)
    report = j.verify(
        "job_polling_backs_off", "job_polling_stops_when_ready", "job_result_downloaded_when_ready"
    )
    assert [str(v.outcome) for v in report.verdicts] == [PASSED, PASSED, PASSED]


def test_fixed_fast_polling_fails_every_polling_rule():
    j = Journal()
    start_job(j, retry_after="2")
    for _ in range(5):
        j.wait(0.1)
        poll(j, retry_after="2")
    j.wait(0.1)
    poll(j, status=200)
    j.wait(0.1)
    poll(j, status=200)
    report = j.verify(
        "job_polling_backs_off", "job_polling_stops_when_ready", "job_result_downloaded_when_ready"
    )
    backoff = messages(report, "job_polling_backs_off")
    assert backoff[0].startswith(
        "PDF job job-1: 6 of 6 polls came sooner than the Retry-After of the answer before"
    )
    assert "Retry-After: 2" in backoff[0]
    assert backoff[1].startswith("PDF job job-1: the polling interval did not grow (waits 0.10 s, 0.10 s")
    assert messages(report, "job_polling_stops_when_ready") == [
        "PDF job job-1 was ready at #7, yet was polled 1 more time(s) (#8); stop polling once a job is "
        "ready or gone"
    ]
    assert messages(report, "job_result_downloaded_when_ready") == [
        "PDF job job-1 was ready at #7, but its PDF was never downloaded"
    ]


def test_a_shrinking_wait_fails():
    j = Journal()
    start_job(j)
    for wait in (1.0, 3.0, 2.0):
        j.wait(wait)
        poll(j)
    (message,) = messages(j.verify(), "job_polling_backs_off")
    assert message.startswith(
        "PDF job job-1: the wait between polls shrank 1 time(s) (e.g. from 3.00 s to 2.00 s before #4)"
    )


def test_downloading_before_ready_fails():
    j = Journal()
    start_job(j)
    j.wait(1)
    download(j, status=404)
    assert messages(j.verify(), "job_result_downloaded_when_ready") == [
        "PDF job job-1: the PDF was asked for before the job said ready (#2); poll the job until it is "
        "ready first"
    ]


def test_no_job_means_the_job_checks_are_not_exercised():
    j = Journal()
    j.nbb()
    report = j.verify(
        "job_polling_backs_off", "job_polling_stops_when_ready", "job_result_downloaded_when_ready"
    )
    assert [str(v.outcome) for v in report.verdicts] == [NOT_EXERCISED] * 3


EXPORTS_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Exports", "version": "1"},
    "x-sandbox": {"api": "exports", "handlers": "tests.contracts.builder"},
    "paths": {
        "/exports": {
            "post": {
                "operationId": "orderExport",
                "x-sandbox": {"job": {"role": "start", "name": "CODA export"}},
                "responses": {"202": {"description": "ordered"}},
            }
        },
        "/exports/{exportId}/status": {
            "get": {
                "operationId": "exportStatus",
                "x-sandbox": {"job": {"role": "poll", "id": "exportId", "result": "href"}},
                "parameters": [{"name": "exportId", "in": "path", "required": True}],
                "responses": {"200": {"description": "ready"}, "202": {"description": "pending"}},
            }
        },
        "/files/{fileId}": {
            "get": {
                "operationId": "getFile",
                "x-sandbox": {"job": {"role": "download"}},
                "parameters": [{"name": "fileId", "in": "path", "required": True}],
                "responses": {"200": {"description": "the file"}},
            }
        },
    },
}


def test_a_job_of_any_api_is_judged_from_the_marks_in_its_spec():
    """No check names an operation: a job named only by its Location, polled at another path and
    downloaded from the link its ready answer gives, is judged by the same checks."""
    operations = compile_operations(SpecDocument.from_raw(EXPORTS_SPEC, Path("exports.yaml")), "exports")
    j = Journal()
    location = {"location": "https://exports.test/api/exports/e-7/status", "retry-after": "1"}
    j.add("exports", "orderExport", "POST", "/api/exports", 202, response_headers=location)
    for wait in (1.0, 1.0, 1.0):
        j.wait(wait)
        j.add("exports", "exportStatus", "GET", "/api/exports/e-7/status", 202, response_headers=location)
    j.wait(1.0)
    ready = {"href": "https://exports.test/api/files/f-1"}
    j.add("exports", "exportStatus", "GET", "/api/exports/e-7/status", 200, response_body=ready)
    j.add("exports", "getFile", "GET", "/api/files/f-1", 200, response_body=b"0000")
    j.add("exports", "getFile", "GET", "/api/files/f-2", 200, response_body=b"0000")  # no job's
    report = j.verify(
        "job_polling_backs_off",
        "job_polling_stops_when_ready",
        "job_result_downloaded_when_ready",
        operations=operations,
    )
    assert [str(v.outcome) for v in report.verdicts] == [FAILED, PASSED, PASSED]
    assert messages(report, "job_polling_backs_off") == [
        "CODA export job e-7: the polling interval did not grow (waits 1.00 s, 1.00 s, 1.00 s, 1.00 s); "
        "back off, e.g. double the wait after each pending answer"
    ]
    assert report.verdicts[2].summary == "async jobs ready or downloaded judged: 1"
    unmarked = j.verify("job_polling_backs_off", operations=[])
    assert str(unmarked.verdicts[0].outcome) == NOT_EXERCISED


# -- settings -----------------------------------------------------------------------------------------
def test_settings_are_checked_by_name_and_type():
    assert Config().with_values({"burst_requests": "30"}).burst_requests == 30
    with pytest.raises(ValueError, match="unknown setting"):
        Config().with_values({"burst": 3})
    with pytest.raises(ValueError, match="wrong type"):
        Config().with_values({"burst_window": "fast"})


def test_a_gone_job_is_not_polled_again_and_needs_no_download():
    j = Journal()
    start_job(j)
    j.wait(1)
    poll(j, status=410)
    report = j.verify("job_polling_stops_when_ready", "job_result_downloaded_when_ready")
    assert [str(v.outcome) for v in report.verdicts] == [PASSED, NOT_EXERCISED]
    j.wait(1)
    poll(j, status=410)
    assert messages(j.verify(), "job_polling_stops_when_ready") == [
        "PDF job job-1 was gone (410) at #2, yet was polled 1 more time(s) (#3); stop polling once a job "
        "is ready or gone"
    ]


def test_retry_after_may_be_an_http_date():
    j = Journal()
    j.nbb(status=429, response_headers={"retry-after": "Tue, 17 Nov 2026 09:00:03 GMT"})
    j.wait(1)
    j.nbb()
    (message,) = messages(j.verify(), "retry_after_honoured_after_429")
    assert message.startswith(
        "after a 429 with Retry-After: 2.99 at #1, the next nbb-cbso request came 1.00 s"
    )


def test_a_refreshed_token_counts_as_a_new_one():
    j = Journal()
    j.token("tok-1")
    j.bearer("tok-1", api="informat-staff", path="/informat/personeel/employees")
    j.token("tok-2", grant="refresh_token")
    (message,) = messages(j.verify(), "token_reused_until_expiry")
    assert message.startswith(
        "1 access token(s) for scope 'api.read' were fetched while the one held was still"
    )
