"""Two sandbox processes on different ports sharing one store serve one tenant consistently;
and a sandbox on SQLite loses nothing acknowledged when it restarts."""

import pytest

from tests.runtime.conftest import Server


@pytest.fixture
def two_servers(store_url):
    servers = [Server(store_url), Server(store_url)]
    yield servers
    for server in servers:
        server.stop()


def test_two_processes_serve_one_tenant_consistently(two_servers):
    one, other = (server.client() for server in two_servers)
    tenant = one.post("/__sandbox/tenants", json={"name": "shared"}).json()
    tid = tenant["id"]
    key = {"X-Ledger-Key": tenant["credentials"]["ledger"]["ledgerKey"]["secret"]}
    client = tenant["credentials"]["oauth2"]["client"]

    # a credential made by one is known to the other
    assert other.get("/ledger/public").status_code == 204
    assert other.get("/ledger/accounts", headers=key).status_code == 200

    # a token issued by one works on the other, and a revocation through one holds on both
    token = one.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "scope": "ledger.read"},
        auth=(client["client_id"], client["client_secret"]),
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert other.get("/ledger/entries", headers=bearer).json()["tenant"] == tid
    revoked = other.post(
        "/oauth2/revoke", data={"token": token}, auth=(client["client_id"], client["client_secret"])
    )
    assert revoked.status_code == 200
    assert one.get("/ledger/entries", headers=bearer).status_code == 401

    # state written through one is read through the other
    one.put(f"/__sandbox/tenants/{tid}/clock", json={"now": "2030-05-01T12:00:00Z"})
    assert other.get(f"/__sandbox/tenants/{tid}/clock").json()["now"] == "2030-05-01T12:00:00+00:00"
    one.post(f"/__sandbox/tenants/{tid}/faults", json={"kind": "status", "status": 502, "count": 1})
    assert other.get("/ledger/accounts", headers=key).status_code == 502
    assert one.get("/ledger/accounts", headers=key).status_code == 200  # the one use was spent on the other

    # rate-limit counters are shared
    one.put(f"/__sandbox/tenants/{tid}/rate-limits", json={"ledger": {"requests": 2, "window": 86400}})
    assert one.get("/ledger/accounts", headers=key).status_code == 200
    assert other.get("/ledger/accounts", headers=key).headers["ratelimit-remaining"] == "0"
    assert one.get("/ledger/accounts", headers=key).status_code == 429

    # one journal, whoever served the exchange
    statuses = [
        e["status"] for e in other.get("/__sandbox/journal", params={"tenant": tid}).json()["entries"]
    ]
    assert statuses.count(502) == 1 and statuses.count(429) == 1 and statuses.count(200) >= 4


def test_sqlite_restart_keeps_what_was_acknowledged(tmp_path):
    store = f"sqlite:///{tmp_path / 'sandbox.db'}"
    first = Server(store)
    with first.client() as c:
        tenant = c.post("/__sandbox/tenants", json={"name": "survivor", "tokenLifetime": 120}).json()
        tid = tenant["id"]
        key = {"X-Ledger-Key": tenant["credentials"]["ledger"]["ledgerKey"]["secret"]}
        c.post(f"/__sandbox/tenants/{tid}/faults", json={"kind": "latency", "latencyMs": 1})
        c.put(f"/__sandbox/tenants/{tid}/clock", json={"now": "2031-01-01T00:00:00Z"})
        assert c.get("/ledger/accounts", headers=key).status_code == 200
    first.stop()

    second = Server(store)
    try:
        with second.client() as c:
            assert c.get(f"/__sandbox/tenants/{tid}").json()["tokenLifetime"] == 120
            assert c.get("/ledger/accounts", headers=key).status_code == 200
            assert [f["kind"] for f in c.get(f"/__sandbox/tenants/{tid}/faults").json()] == ["latency"]
            assert c.get(f"/__sandbox/tenants/{tid}/clock").json()["now"] == "2031-01-01T00:00:00+00:00"
            journal = c.get("/__sandbox/journal", params={"tenant": tid}).json()["entries"]
            assert [e["status"] for e in journal] == [200, 200]
    finally:
        second.stop()


def test_workers_on_one_port_keep_a_tenants_limits_journal_and_clock_exact(store_url):
    server = Server(store_url, "--workers", "2")
    try:
        with server.client() as control:
            tenant = control.post("/__sandbox/tenants", json={"name": "workers"}).json()
            tid = tenant["id"]
            key = {"X-Ledger-Key": tenant["credentials"]["ledger"]["ledgerKey"]["secret"]}
            limit = {"ledger": {"requests": 12, "window": 86400}}  # one window for the test
            control.put(f"/__sandbox/tenants/{tid}/rate-limits", json=limit)
            control.put(
                f"/__sandbox/tenants/{tid}/clock", json={"now": "2031-02-03T04:05:06Z", "frozen": True}
            )
        statuses = []
        for _ in range(16):  # a connection each, so that both workers serve some
            with server.client() as client:
                statuses.append(client.get("/ledger/accounts", headers=key).status_code)
        assert statuses.count(200) == 12 and statuses.count(429) == 4
        with server.client() as client:
            journal = client.get("/__sandbox/journal", params={"tenant": tid}).json()["entries"]
        assert [e["status"] for e in journal] == statuses
        assert {e["clock"] for e in journal} == {"2031-02-03T04:05:06+00:00"}
    finally:
        server.stop()
