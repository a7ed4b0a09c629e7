"""The journal entry of every exchange: under its tenant, refusals included, secrets redacted."""

from tests.pipeline.conftest import KEY


def journal(ledger, tenant: str) -> list[dict]:
    return ledger.get("/__sandbox/journal", params={"tenant": tenant, "api": "ledger"}).json()["entries"]


def test_an_exchange_is_journaled_with_its_operation_status_and_clock(ledger):
    ledger.get("/ledger/accounts?limit=2", headers=KEY)
    entry = journal(ledger, "demo")[-1]
    assert (entry["operationId"], entry["method"], entry["path"], entry["status"]) == (
        "listAccounts",
        "GET",
        "/ledger/accounts",
        200,
    )
    assert entry["query"] == [["limit", "2"]]
    assert entry["clock"] == "2026-11-17T09:00:00+00:00"
    key = dict(entry["request"]["headers"])["x-ledger-key"]
    assert key.startswith("[redacted:") and "ledger-demo-key" not in str(entry)


def test_a_refusal_without_a_known_credential_is_unattributed(ledger):
    ledger.get("/ledger/accounts", headers={"X-Ledger-Key": "nobody"})
    entry = journal(ledger, "unattributed")[-1]
    assert (entry["status"], entry["operationId"]) == (401, "listAccounts")


def test_the_control_plane_is_not_journaled(ledger):
    ledger.get("/__sandbox/clock")
    entries = ledger.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]
    assert all(e["api"] != "sandbox" for e in entries)
