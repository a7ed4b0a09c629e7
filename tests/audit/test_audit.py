"""`sandbox audit` passes the reference accounting API on every automatic item, and fails each
variant of it that breaks one requirement on exactly that item."""

import orjson
import pytest
import yaml
from lxml import etree
from starlette.testclient import TestClient

from sandbox.app import build_app
from sandbox.audit import Outcome, Target, audit
from sandbox.audit.target import AuditError
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings
from tests.conftest import DEFAULT_NOW

AUTOMATIC = ["1", "2", "3", "4", "5", "6", "7", "8", "9 (iii)"]
MANUAL = ["9 (i)", "9 (ii)", "9 (iv)"]
SPEC = "/__sandbox/specs/accounting"


def run(app, allow_writes=True):
    http = TestClient(app)
    target = Target(
        SPEC,
        "http://testserver/accounting",
        http,
        "/oauth2/token",
        "demo-client",
        "demo-secret",
        "accounting.contacts accounting.transactions accounting.products accounting.settings",
    )
    return audit(target, allow_writes=allow_writes)


def reference_app():
    return build_app(Settings(strict=True, now=parse_instant(DEFAULT_NOW), frozen=True))


class Variant:
    """The reference API with one requirement broken: its document changed by `document`, its
    answers by `answer`, its requests by `request`."""

    def __init__(self, app, document=None, answer=None, request=None):
        self.app, self.document, self.answer, self.request = app, document, answer, request

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.request:
            scope = self.request(scope)
        is_spec = scope["path"] == SPEC
        started, chunks = {}, []

        async def capture(message):
            if message["type"] == "http.response.start":
                started.update(message)
            else:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    body = b"".join(chunks)
                    status, headers = started["status"], list(started["headers"])
                    if is_spec and self.document:
                        doc = yaml.safe_load(body)
                        self.document(doc)
                        body = orjson.dumps(doc)
                    elif self.answer and scope["path"].startswith("/accounting"):
                        status, headers, body = self.answer(scope, status, headers, body)
                    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                    headers.append((b"content-length", str(len(body)).encode()))
                    await send({"type": "http.response.start", "status": status, "headers": headers})
                    await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def test_the_reference_api_passes_every_automatic_item():
    report = run(reference_app())
    assert {r.item: r.outcome for r in report.results} == {
        **{item: Outcome.PASSED for item in AUTOMATIC},
        **{item: Outcome.MANUAL for item in MANUAL},
    }, report.text()
    assert report.ok


def test_without_writes_creates_are_not_tried_and_bad_requests_not_judged():
    report = run(reference_app(), allow_writes=False)
    outcomes = {r.item: r.outcome for r in report.results}
    assert outcomes["7"] is Outcome.NOT_JUDGED and outcomes["5"] is Outcome.NOT_JUDGED
    assert outcomes["6"] is Outcome.PASSED and "--allow-writes" in report.result("6").summary
    assert outcomes["9 (iii)"] is Outcome.PASSED


def _drop_required(doc):
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("required"), list):
                del node["required"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _created_201(scope, status, headers, body):
    return (201 if scope["method"] == "POST" and status == 200 else status), headers, body


def _bare_400(scope, status, headers, body):
    return status, headers, (b"{}" if status == 400 else body)


def _no_limit_headers(scope, status, headers, body):
    if scope["path"].endswith("/rate_limit"):
        return 404, headers, b'{"error": {"code": "not_found"}}'
    return status, [(k, v) for k, v in headers if b"ratelimit" not in k.lower()], body


def _no_limit_endpoint(doc):
    del doc["paths"]["/api/v1/rate_limit"]


def _no_email_parameter(doc):
    get = doc["paths"]["/api/v1/{administration_id}/contacts"]["get"]
    get["parameters"] = [p for p in get["parameters"] if p.get("name") != "email"]


def _ignore_email(scope):
    query = b"&".join(q for q in scope["query_string"].split(b"&") if not q.lower().startswith(b"email="))
    return {**scope, "query_string": query}


@pytest.mark.parametrize(
    ("variant", "broken"),
    [
        (dict(document=_drop_required), "2"),
        (dict(answer=_created_201), "6"),
        (dict(answer=_bare_400), "7"),
        (dict(document=_no_limit_endpoint, answer=_no_limit_headers), "8"),
        (dict(document=_no_email_parameter, request=_ignore_email), "4"),
    ],
    ids=[
        "no-required-lists",
        "201-on-create",
        "400-without-description",
        "no-limit-headers",
        "no-email-search",
    ],
)
def test_a_variant_fails_on_exactly_the_item_it_breaks(variant, broken):
    report = run(Variant(reference_app(), **variant))
    failed = [r.item for r in report.results if r.outcome is Outcome.FAILED]
    assert failed == [broken], report.text()
    assert not report.ok


def test_the_report_renders_as_text_json_and_junit():
    report = run(reference_app())
    assert "PASSED        item 4:" in report.text() and "MANUAL CHECK  item 9 (ii)" in report.text()
    as_json = report.to_json()
    assert as_json["ok"] is True and as_json["passed"] == 9 and as_json["manual_check"] == 3
    suite = etree.fromstring(report.junit_xml()).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("12", "0", "3")


def test_test_records_are_marked():
    app = reference_app()
    run(app)
    http = TestClient(app)
    form = {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"}
    headers = {"Authorization": "Bearer " + http.post("/oauth2/token", data=form).json()["access_token"]}
    found = http.get(
        "/accounting/api/v1/100001/contacts", params={"query": "SANDBOX AUDIT"}, headers=headers
    ).json()
    assert len(found) == 1 and found[0]["name"] == "SANDBOX AUDIT TEST (delete me)"
    assert found[0]["email"].endswith("@example.com")
    booked = http.get(
        "/accounting/api/v1/100001/financial_transactions",
        params={"date_from": "2026-01-01"},
        headers=headers,
    ).json()
    assert [t["reference"][:14] for t in booked] == ["SANDBOX-AUDIT-"]


def test_without_a_token_only_the_document_is_judged():
    http = TestClient(reference_app())
    target = Target(
        SPEC, "http://testserver/accounting", http, "/oauth2/token", "demo-client", "wrong-secret"
    )
    report = audit(target, allow_writes=True)
    outcomes = {r.item: r.outcome for r in report.results}
    assert outcomes["2"] is Outcome.PASSED and outcomes["3"] is Outcome.FAILED
    assert "401" in report.result("3").summary
    assert {outcomes[item] for item in ["1", "4", "5", "6", "7", "8", "9 (iii)"]} == {Outcome.NOT_JUDGED}
    assert not report.ok


def test_an_unreadable_document_stops_the_audit():
    http = TestClient(reference_app())
    target = Target("/__sandbox/specs/nothing", "http://testserver/accounting", http, token="x")
    with pytest.raises(AuditError, match="answered 404"):
        audit(target)


def test_the_command_line_reports_every_item_and_writes_json_and_junit(tmp_path):
    from click.testing import CliRunner

    from sandbox.cli import main
    from sandbox.testing import running_sandbox

    with running_sandbox(Settings(now=parse_instant(DEFAULT_NOW), frozen=True)) as url:
        options = [
            "--openapi",
            f"{url}/__sandbox/specs/accounting",
            "--base-url",
            f"{url}/accounting",
            "--token-url",
            f"{url}/oauth2/token",
            "--client-id",
            "demo-client",
            "--client-secret",
            "demo-secret",
            "--allow-writes",
            "--json",
            str(tmp_path / "audit.json"),
            "--junit",
            str(tmp_path / "audit.xml"),
        ]
        result = CliRunner().invoke(main, ["audit", *options])
    assert result.exit_code == 0, result.output
    assert "9 passed, 0 failed, 3 manual check, 0 not judged" in result.output
    assert orjson.loads((tmp_path / "audit.json").read_bytes())["ok"] is True
    assert etree.parse(str(tmp_path / "audit.xml")).getroot().get("failures") == "0"
