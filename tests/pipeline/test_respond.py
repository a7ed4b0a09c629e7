"""The HTTP answer: strict mode holds it to the spec; every answer carries the request id."""

import uuid

from tests.pipeline.conftest import KEY


def test_strict_mode_refuses_an_answer_that_breaks_the_spec(ledger):
    r = ledger.get("/ledger/accounts/broken", headers=KEY)
    assert r.status_code == 500
    assert r.json()["violations"] == [
        {"field": "body.iban", "rule": "format", "message": "must be an IBAN with valid check digits"}
    ]


def test_request_id_is_echoed_or_generated(ledger):
    sent = str(uuid.uuid4())
    echoed = ledger.get("/ledger/public", headers={"X-Correlation-Id": sent})
    generated = ledger.get("/ledger/public")
    assert echoed.headers["x-correlation-id"] == sent
    assert uuid.UUID(generated.headers["x-correlation-id"])


def test_refusals_carry_the_request_id_too(ledger):
    sent = str(uuid.uuid4())
    refused = ledger.get("/ledger/accounts", headers={"X-Correlation-Id": sent})
    assert refused.status_code == 401 and refused.headers["x-correlation-id"] == sent


def test_a_reply_without_body_is_empty_and_json_bodies_are_json(ledger):
    empty = ledger.get("/ledger/public")
    assert (empty.status_code, empty.content) == (204, b"")
    assert ledger.post("/ledger/entries").headers["content-type"] == "application/problem+json"
