"""Concurrent requests through two sandbox processes sharing a SQLite file or a Redis lose no
acknowledged write and pass no rule together: payments on one bill (within its open balance, a
reference once), faults of one tenant, OAuth2 clients of one tenant, CodaBox
mandates of one IBAN.
Deleting the tenant then leaves nothing that authenticates as it."""

import asyncio

import httpx
import pytest

from tests.codabox.v2 import ACCOUNTANT, fresh_account
from tests.codabox.v2 import BASE as CODABOX
from tests.conftest import make_client
from tests.informat.helpers import error_codes
from tests.runtime.conftest import Server

BILLS = "/informat/rekeningen/1"
GROUP = "SJC-Secundair"
SCOPE = f"api_informat_rekeningen.{GROUP}"
TOKEN = "/oauth2/connect/token"


@pytest.fixture
def two_servers(store_url):
    servers = [Server(store_url, real_apis=True), Server(store_url, real_apis=True)]
    yield servers
    for server in servers:
        server.stop()


def concurrently(servers: list[Server], requests: list[tuple[str, str, dict]]) -> list[httpx.Response]:
    """Each request (method, path, httpx keyword arguments) at once, alternating between servers."""

    async def main() -> list[httpx.Response]:
        clients = [httpx.AsyncClient(base_url=server.url, timeout=60) for server in servers]
        try:
            sent = [
                clients[n % len(clients)].request(method, path, **options)
                for n, (method, path, options) in enumerate(requests)
            ]
            return await asyncio.gather(*sent)
        finally:
            for client in clients:
                await client.aclose()

    return asyncio.run(main())


def client_token(http: httpx.Client, client_id: str, secret: str, scope: str = SCOPE) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return http.post(TOKEN, data={**form, "scope": scope})


def test_forty_concurrent_payments_are_all_stored(two_servers):
    http = two_servers[0].client()
    token = client_token(http, "demo-client", "demo-secret").json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    listed = http.get(f"{BILLS}/bills", params={"accessGroup": GROUP}, headers=auth).json()["bills"]
    bill = next(b for b in listed if b["status"] == "open" and b["openAmount"] >= 0.40)
    path = f"{BILLS}/bills/{bill['billId']}/payments"
    payment = {"amount": 0.01, "date": "2026-11-16", "journal": "Extern"}
    payments = [{**payment, "reference": f"OGM-{n:03}"} for n in range(40)]
    answers = concurrently(two_servers, [("POST", path, {"json": p, "headers": auth}) for p in payments])
    acknowledged = {a.json()["payment"]["paymentId"] for a in answers if a.status_code == 200}
    assert len(acknowledged) == 40, [a.text for a in answers if a.status_code != 200]
    for server in two_servers:
        stored = server.client().get(path, headers=auth).json()["payments"]
        assert {p["paymentId"] for p in stored} >= acknowledged
        assert sorted(p["reference"] for p in stored if p["registeredBy"] != "coda") == [
            f"OGM-{n:03}" for n in range(40)
        ]
    after = http.get(f"{BILLS}/bills/{bill['billId']}", headers=auth).json()
    assert after["openAmount"] == round(bill["openAmount"] - 0.40, 2)


def test_payments_sent_at_once_never_pass_the_open_balance_nor_repeat_a_reference(two_servers):
    http = two_servers[0].client()
    token = client_token(http, "demo-client", "demo-secret").json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    listed = http.get(f"{BILLS}/bills", params={"accessGroup": GROUP}, headers=auth).json()["bills"]
    bill = next(b for b in listed if b["status"] == "open" and b["openAmount"] >= 1.0)
    path = f"{BILLS}/bills/{bill['billId']}/payments"
    # each fits the open balance alone, any two together do not
    half = round(bill["openAmount"] / 2 + 0.01, 2)
    payment = {"amount": half, "date": "2026-11-16", "journal": "Extern"}
    payments = [{**payment, "reference": f"OGM-{n:03}"} for n in range(8)]
    answers = concurrently(two_servers, [("POST", path, {"json": p, "headers": auth}) for p in payments])
    assert sorted(a.status_code for a in answers) == [200] + [400] * 7
    assert {code for a in answers if a.status_code == 400 for code in error_codes(a)} == {"BR095A"}
    after = http.get(f"{BILLS}/bills/{bill['billId']}", headers=auth).json()
    assert after["openAmount"] == round(bill["openAmount"] - half, 2)
    # one reference sent eight times at once (small amounts): registered once
    same = [{**payment, "amount": 0.01, "reference": "OGM-ONCE"}] * 8
    answers = concurrently(two_servers, [("POST", path, {"json": p, "headers": auth}) for p in same])
    assert sorted(a.status_code for a in answers) == [200] + [400] * 7
    assert {code for a in answers if a.status_code == 400 for code in error_codes(a)} == {"BR097A"}
    for server in two_servers:
        stored = server.client().get(path, headers=auth).json()["payments"]
        registered = sorted(p["reference"] for p in stored if p["registeredBy"] != "coda")
        assert len(registered) == 2 and registered[1] == "OGM-ONCE", registered


def test_twenty_concurrent_faults_are_all_kept_and_removed(two_servers):
    http = two_servers[0].client()
    tid = http.post("/__sandbox/tenants", json={"name": "faulty"}).json()["id"]
    path = f"/__sandbox/tenants/{tid}/faults"
    bodies = [{"kind": "latency", "latencyMs": n + 1} for n in range(20)]
    answers = concurrently(two_servers, [("POST", path, {"json": body}) for body in bodies])
    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers]
    acknowledged = {a.json()["id"] for a in answers}
    for server in two_servers:
        listed = server.client().get(path).json()
        assert {f["id"] for f in listed} == acknowledged
        assert sorted(f["latencyMs"] for f in listed) == list(range(1, 21))

    removed = concurrently(two_servers, [("DELETE", f"{path}/{fault}", {}) for fault in sorted(acknowledged)])
    assert [a.status_code for a in removed] == [204] * 20
    assert http.get(path).json() == []


def test_ten_concurrent_clients_are_all_listed_and_die_with_their_tenant(two_servers):
    http = two_servers[0].client()
    tenant = http.post("/__sandbox/tenants", json={"name": "many clients", "scopes": [SCOPE]}).json()
    tid = tenant["id"]
    path = f"/__sandbox/tenants/{tid}/clients"
    answers = concurrently(two_servers, [("POST", path, {"json": {"scopes": [SCOPE]}})] * 10)
    assert [a.status_code for a in answers] == [201] * 10, [a.text for a in answers]
    made = {a.json()["clientId"]: a.json()["clientSecret"] for a in answers}
    for server in two_servers:
        listed = server.client().get(f"/__sandbox/tenants/{tid}").json()["credentials"]["oauth2"]
        assert set(made) <= set(listed) and len(listed) == 11  # and the tenant's first client

    tokens = {client_id: client_token(http, client_id, secret) for client_id, secret in made.items()}
    assert all(t.status_code == 200 for t in tokens.values())
    old = {"Authorization": f"Bearer {next(iter(tokens.values())).json()['access_token']}"}
    assert http.get(f"{BILLS}/accessgroups", headers=old).status_code == 200

    assert http.delete(f"/__sandbox/tenants/{tid}").status_code == 204
    for server in two_servers:
        other = server.client()
        for client_id, secret in made.items():
            refused = client_token(other, client_id, secret)
            assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
        read = other.get(f"{BILLS}/accessgroups", headers=old)
        assert read.status_code == 401 and "accessGroups" not in read.text


def test_one_iban_ordered_at_once_through_two_processes_gets_one_mandate(two_servers):
    """The IBAN-uniqueness rule and the stored mandate are one atomic step: of six orders of one
    new IBAN sent at once, one gets the mandate and five hear that the IBAN is already linked."""
    with make_client() as local:  # the same seed, so the same demo world as the two servers
        company, account = fresh_account(local, "GEBABEBB")
    path = f"{CODABOX}/clients/{company.id}/coda-mandates/"
    order = {"json": {"bank_id": "GEBABEBB", "ibans": [account]}, "headers": ACCOUNTANT}
    answers = concurrently(two_servers, [("POST", path, order)] * 6)
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5, [a.text for a in answers]
    refusals = {a.json()["detail"] for a in answers if a.status_code == 409}
    assert len(refusals) == 1 and account in refusals.pop()
    mandate = next(a.json() for a in answers if a.status_code == 201)
    for server in two_servers:
        client = server.client().get(f"{CODABOX}/clients/{company.id}/", headers=ACCOUNTANT).json()
        assert [m["id"] for m in client["coda_mandates"] if account in m["ibans"]] == [mandate["id"]]
