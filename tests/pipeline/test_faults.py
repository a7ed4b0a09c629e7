"""Faults a tenant switched on: an error status, a dropped connection, a body cut in half."""

import pytest

from tests.pipeline.conftest import KEY


def switch_on(ledger, **fault):
    r = ledger.post("/__sandbox/tenants/demo/faults", json={"api": "ledger", **fault})
    assert r.status_code == 201, r.text


def test_status_fault_answers_in_the_api_shape_then_stops(ledger):
    switch_on(ledger, kind="status", status=503, count=1)
    failed = ledger.get("/ledger/accounts", headers=KEY)
    assert failed.status_code == 503 and failed.headers["content-type"] == "application/problem+json"
    assert failed.json()["detail"] == "A fault switched on for this tenant answered this call"
    assert ledger.get("/ledger/accounts", headers=KEY).status_code == 200


def test_malformed_fault_cuts_the_body_in_half(ledger):
    whole = ledger.get("/ledger/accounts", headers=KEY).content
    switch_on(ledger, kind="malformed", count=1)
    cut = ledger.get("/ledger/accounts", headers=KEY)
    assert cut.status_code == 200 and cut.content == whole[: len(whole) // 2]


def test_drop_fault_closes_the_connection_half_way(ledger):
    switch_on(ledger, kind="drop", count=1)
    with pytest.raises(ConnectionAbortedError):
        ledger.get("/ledger/accounts", headers=KEY)
    entries = ledger.get("/__sandbox/journal", params={"tenant": "demo", "api": "ledger"}).json()["entries"]
    assert (entries[-1]["status"], entries[-1]["fault"]) == (0, "drop")


def test_faults_of_another_operation_leave_this_one_alone(ledger):
    switch_on(ledger, kind="status", status=500, operationId="createAccount")
    assert ledger.get("/ledger/accounts", headers=KEY).status_code == 200
