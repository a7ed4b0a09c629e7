"""The way of a request through the engine, on a small API of the tests' own."""

import io
import uuid

from pypdf import PdfReader

from tests.engine.conftest import KEY


def test_unknown_path_is_404_in_the_api_shape(ledger):
    r = ledger.get("/ledger/nowhere", headers=KEY)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "No operation at /nowhere"


def test_wrong_method_is_405_with_allow(ledger):
    r = ledger.delete("/ledger/accounts", headers=KEY)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert "DELETE is not allowed" in r.json()["detail"]


def test_path_outside_every_api_names_the_prefixes(ledger):
    r = ledger.get("/elsewhere")
    assert r.status_code == 404
    assert "/ledger" in r.json()["detail"] and "/__sandbox" in r.json()["detail"]


def test_missing_and_unknown_api_key_are_401(ledger):
    missing = ledger.get("/ledger/accounts")
    unknown = ledger.get("/ledger/accounts", headers={"X-Ledger-Key": "nope"})
    assert (missing.status_code, unknown.status_code) == (401, 401)
    assert missing.json()["detail"] == "This operation needs credentials"
    assert unknown.json()["detail"] == "The credentials are not valid for this operation"


def test_operation_without_security_needs_no_key(ledger):
    r = ledger.get("/ledger/public")
    assert r.status_code == 204 and r.content == b""


def test_api_is_reached_by_the_real_host_header(ledger):
    r = ledger.get("/accounts/3", headers={**KEY, "X-Trace": str(uuid.uuid4()), "Host": "api.ledger.test"})
    assert r.status_code == 200
    assert r.json()["number"] == 3


def test_request_id_is_echoed_or_generated(ledger):
    sent = str(uuid.uuid4())
    echoed = ledger.get("/ledger/public", headers={"X-Correlation-Id": sent})
    generated = ledger.get("/ledger/public")
    assert echoed.headers["x-correlation-id"] == sent
    assert uuid.UUID(generated.headers["x-correlation-id"])


def test_parameters_are_coerced_and_every_violation_named(ledger):
    r = ledger.get("/ledger/accounts?limit=0&kind=equity&active=maybe&tags=abcdefgh", headers=KEY)
    assert r.status_code == 400
    assert r.json()["violations"] == [
        {"field": "active", "rule": "type", "message": "must be a boolean"},
        {"field": "kind", "rule": "enum", "message": "must be one of: asset, liability"},
        {"field": "limit", "rule": "minimum", "message": "must be at least 1"},
        {"field": "tags[0]", "rule": "maxLength", "message": "must be at most 5 characters long"},
    ]


def test_path_and_required_header_are_validated(ledger):
    r = ledger.get("/ledger/accounts/abc", headers={**KEY, "X-Trace": "not-a-uuid"})
    assert r.status_code == 400
    fields = {(v["field"], v["rule"]) for v in r.json()["violations"]}
    assert fields == {("number", "type"), ("X-Trace", "format")}
    missing = ledger.get("/ledger/accounts/1", headers=KEY)
    assert missing.json()["violations"] == [
        {"field": "X-Trace", "rule": "required", "message": "is required"}
    ]


def test_body_is_validated_field_by_field(ledger):
    body = {
        "number": 1,
        "name": "Bank",
        "iban": "BE00123",
        "enterprise": "0403019262",
        "opened": "2020-02-30",
        "lines": [{"memo": 3}],
        "colour": "red",
    }
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
    body = {
        "number": 1,
        "name": "Bank",
        "iban": "BE71096123456769",
        "enterprise": "0403019261",
        "opened": "2020-02-28",
        "lines": [{"amount": 1}],
    }
    r = ledger.post("/ledger/accounts", json=body, headers=KEY)
    assert r.status_code == 201
    assert r.json() == body


def test_bad_json_missing_body_and_wrong_content_type(ledger):
    bad = ledger.post("/ledger/accounts", content=b"{", headers={**KEY, "Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json()["violations"][0]["rule"] == "json"
    missing = ledger.post("/ledger/accounts", headers=KEY)
    assert missing.status_code == 400 and missing.json()["violations"][0]["field"] == "body"
    wrong = ledger.post("/ledger/accounts", content=b"a=1", headers={**KEY, "Content-Type": "text/plain"})
    assert wrong.status_code == 415 and "text/plain" in wrong.json()["detail"]


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


def test_strict_mode_refuses_an_answer_that_breaks_the_spec(ledger):
    r = ledger.get("/ledger/accounts/broken", headers=KEY)
    assert r.status_code == 500
    assert r.json()["violations"] == [
        {"field": "body.iban", "rule": "format", "message": "must be an IBAN with valid check digits"}
    ]


def test_operation_without_handler_answers_generated_data_that_fits_its_schema(ledger):
    first = ledger.get("/ledger/accounts", headers=KEY)
    again = ledger.get("/ledger/accounts", headers=KEY)
    assert first.status_code == 200  # strict mode is on: the body was validated against the schema
    assert first.json() == again.json()
    accounts = first.json()
    assert accounts and all(a["kind"] in ("asset", "liability") for a in accounts if "kind" in a)
    assert not any("lorem" in str(a).lower() for a in accounts)


def test_operation_without_handler_answers_a_pdf_that_opens(ledger):
    r = ledger.get("/ledger/accounts/4/statement", headers=KEY)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert "Account statement" in text and "getStatement" in text
