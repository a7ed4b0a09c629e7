"""What the client sent against the operation: parameters coerced and checked, the body against
its schema (multipart parts included), and `Accept`; every broken rule named."""

import uuid

from tests.pipeline.conftest import KEY

ACCOUNT = {
    "number": 1,
    "name": "Bank",
    "iban": "BE71096123456769",
    "enterprise": "0403019261",
    "opened": "2020-02-28",
    "lines": [{"amount": 1}],
}


def test_parameters_are_coerced_and_every_violation_named(ledger):
    r = ledger.get("/ledger/accounts?limit=0&kind=equity&active=maybe&tags=abcdefgh", headers=KEY)
    assert r.status_code == 400
    assert r.json()["violations"] == [
        {"field": "active", "rule": "type", "message": "must be a boolean"},
        {"field": "kind", "rule": "enum", "message": "must be one of: asset, liability"},
        {"field": "limit", "rule": "minimum", "message": "must be at least 1"},
        {"field": "tags[0]", "rule": "maxLength", "message": "must be at most 5 characters long"},
    ]


def test_unknown_query_parameters_are_named_but_a_query_key_is_not_one(ledger):
    r = ledger.get("/ledger/accounts?colour=red", headers=KEY)
    assert r.json()["violations"] == [
        {
            "field": "colour",
            "rule": "unknown",
            "message": "is not a query parameter of this operation (known: active, kind, limit, tags)",
        }
    ]
    assert ledger.get("/ledger/combined?key=ledger-demo-query-key").status_code == 200


def test_unknown_query_parameters_are_answered_as_absent_and_journaled_by_default(ledger):
    r = ledger.get("/ledger-archive/statements?colour=red&colour=blue&size=1")
    assert r.status_code == 200
    assert r.json() == ledger.get("/ledger-archive/statements").json()
    entries = ledger.get("/__sandbox/journal", params={"tenant": "unattributed"}).json()["entries"]
    assert [e["ignoredQuery"] for e in entries if e["api"] == "ledger-archive"] == [["colour", "size"], []]


def test_path_and_required_header_are_validated(ledger):
    r = ledger.get("/ledger/accounts/abc", headers={**KEY, "X-Trace": "not-a-uuid"})
    assert r.status_code == 400
    fields = {(v["field"], v["rule"]) for v in r.json()["violations"]}
    assert fields == {("number", "type"), ("X-Trace", "format")}
    missing = ledger.get("/ledger/accounts/1", headers=KEY)
    assert missing.json()["violations"] == [
        {"field": "X-Trace", "rule": "required", "message": "is required"}
    ]


def test_parameters_are_judged_before_the_body(ledger):
    r = ledger.post(
        "/ledger/accounts/0/statements", headers={**KEY, "Content-Type": "application/xml"}, content=b"<"
    )
    assert r.json()["violations"] == [{"field": "number", "rule": "minimum", "message": "must be at least 1"}]


def test_body_is_validated_field_by_field(ledger):
    body = {**ACCOUNT, "iban": "BE00123", "enterprise": "0403019262", "opened": "2020-02-30"}
    body.update(lines=[{"memo": 3}], colour="red")
    r = ledger.post("/ledger/accounts", json=body, headers=KEY)
    assert r.status_code == 400
    found = {(v["field"], v["rule"]) for v in r.json()["violations"]}
    assert found == {
        ("colour", "additionalProperties"),
        ("enterprise", "format"),
        ("iban", "format"),
        ("opened", "format"),
        ("lines[0].amount", "required"),
        ("lines[0].memo", "type"),
    }


def test_valid_body_reaches_the_handler(ledger):
    r = ledger.post("/ledger/accounts", json=ACCOUNT, headers=KEY)
    assert r.status_code == 201
    assert r.json() == ACCOUNT


def test_multipart_parts_are_validated_against_the_schema(ledger):
    r = ledger.post(
        "/ledger/accounts/7/attachments",
        headers=KEY,
        data={"kind": "letter", "pages": "zero", "tags": ["much-too-long"], "extra": "not a file"},
        files={"scan": ("scan.png", b"\x89PNG", "image/png")},
    )
    assert r.status_code == 400
    assert r.json()["violations"] == [
        {"field": "document", "rule": "required", "message": "is required"},
        {"field": "extra", "rule": "file", "message": "must be a file part (with a filename)"},
        {"field": "kind", "rule": "enum", "message": "must be one of: invoice, receipt"},
        {"field": "pages", "rule": "type", "message": "must be an integer"},
        {"field": "scan", "rule": "additionalProperties", "message": "is not an allowed property"},
        {"field": "tags[0]", "rule": "maxLength", "message": "must be at most 8 characters long"},
    ]


def test_accept_chooses_the_representation(ledger):
    headers = {**KEY, "X-Trace": str(uuid.uuid4())}
    csv = ledger.get("/ledger/accounts/7", headers={**headers, "Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("number,name")
    preferred = ledger.get(
        "/ledger/accounts/7", headers={**headers, "Accept": "text/csv;q=0.5, application/json"}
    )
    assert preferred.json()["number"] == 7
    refused = ledger.get("/ledger/accounts/7", headers={**headers, "Accept": "application/xml"})
    assert refused.status_code == 406
    assert "application/json, text/csv" in refused.json()["detail"]


def _list_accounts(ledger):
    api = ledger.app.state.services.api("ledger")
    return api, next(op for op in api.operations if op.operation_id == "listAccounts")


def _request(query: str):
    from starlette.requests import Request

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/ledger/accounts",
        "headers": [],
        "query_string": query,
    }
    return Request(scope)


def test_a_checked_query_is_kept_per_operation_and_each_request_gets_its_own_values(ledger):
    from sandbox.pipeline import validate
    from sandbox.runtime.exchange import Exchange

    api, op = _list_accounts(ledger)
    op.known_parameters.clear()
    first = validate.parameters(api, op, _request(b"limit=2&tags=a&tags=b"), {}, Exchange())
    first["tags"].append("changed by a handler")
    again = validate.parameters(api, op, _request(b"limit=2&tags=a&tags=b"), {}, Exchange())
    assert first is not again and again == {"limit": 2, "tags": ["a", "b"]}
    assert len(op.known_parameters) == 1
    assert validate.parameters(api, op, _request(b"limit=3"), {}, Exchange()) == {"limit": 3}


def test_a_refused_query_is_refused_every_time_and_never_kept(ledger):
    import pytest

    from sandbox.errors import ApiError
    from sandbox.pipeline import validate
    from sandbox.runtime.exchange import Exchange

    api, op = _list_accounts(ledger)
    op.known_parameters.clear()
    validate.parameters(api, op, _request(b"limit=1"), {}, Exchange())
    for _ in range(2):
        with pytest.raises(ApiError) as refused:
            validate.parameters(api, op, _request(b"limit=0"), {}, Exchange())
        assert [v.rule for v in refused.value.problem.violations] == ["minimum"]
    assert list(op.known_parameters) == [(b"limit=1",)]
    for n in range(1, validate.KNOWN_PER_OPERATION + 10):
        validate.parameters(api, op, _request(b"tags=%d" % n), {}, Exchange())
    assert len(op.known_parameters) <= validate.KNOWN_PER_OPERATION


def test_an_ignored_query_parameter_is_journaled_on_every_request_that_sends_it(client):
    key = {"NBB-CBSO-Subscription-Key": "demo-authentic"}
    for _ in range(2):
        client.get("/nbb/authentic/legalEntity/0000000493/references?colour=red", headers=key)
    entries = client.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]
    assert [e["ignoredQuery"] for e in entries[-2:]] == [["colour"], ["colour"]]
