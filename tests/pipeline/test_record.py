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


def test_a_handlers_notes_are_journaled_and_absent_when_there_are_none(ledger):
    from sandbox.runtime import journal as journal_module

    plain = dict(
        api="ledger",
        operation_id="listAccounts",
        method="GET",
        path="/ledger/accounts",
        query="",
        request_headers=[],
        request_body=b"",
        status=200,
        response_headers=[],
        response_body=b"",
        started=0.0,
        duration=0.001,
    )
    assert "notes" not in journal_module.entry(**plain)
    assert journal_module.entry(**plain, notes={"covered": ["a", "b"]})["notes"] == {"covered": ["a", "b"]}
    ledger.get("/ledger/accounts", headers=KEY)
    assert "notes" not in journal(ledger, "demo")[-1]


def test_a_refusal_without_a_known_credential_is_unattributed(ledger):
    ledger.get("/ledger/accounts", headers={"X-Ledger-Key": "nobody"})
    entry = journal(ledger, "unattributed")[-1]
    assert (entry["status"], entry["operationId"]) == (401, "listAccounts")


def test_the_control_plane_is_not_journaled(ledger):
    ledger.get("/__sandbox/clock")
    entries = ledger.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]
    assert all(e["api"] != "sandbox" for e in entries)


def test_a_client_that_closes_before_the_answer_is_journaled_as_client_closed(ledger, caplog):
    import asyncio
    import logging

    key = [(k.lower().encode(), v.encode()) for k, v in KEY.items()]
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/ledger/accounts",
        "raw_path": b"/ledger/accounts",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *key],
        "server": ("testserver", 80),
        "client": ("testclient", 50000),
    }
    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    with caplog.at_level(logging.INFO, logger="sandbox"):
        asyncio.run(ledger.app(scope, receive, send))
    assert sent == []
    entry = journal(ledger, "demo")[-1]
    assert (entry["operationId"], entry["status"]) == ("createAccount", 499)
    assert [r.getMessage() for r in caplog.records if r.name == "sandbox"] == [
        "POST /ledger/accounts: the client closed the connection before the answer"
    ]
    assert not any(r.exc_info for r in caplog.records)


def test_a_dropped_connection_fault_is_logged_in_one_line():
    import logging

    from sandbox.runtime.exchange import OneLineFaults

    error = ConnectionAbortedError("fault: connection dropped by the sandbox")
    record = logging.LogRecord(
        "uvicorn.error",
        logging.ERROR,
        "",
        0,
        "Exception in ASGI application",
        (),
        (ConnectionAbortedError, error, None),
    )
    assert OneLineFaults().filter(record)
    assert (record.getMessage(), record.exc_info) == ("fault: connection dropped by the sandbox", None)
