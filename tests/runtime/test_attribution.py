"""A refused credential that names a tenant is journaled under that tenant, with its clock, so
the contract checks see the refusals a client provoked (an expired token, another product's key)."""

from pathlib import Path

from tests.conftest import make_client

LEDGER = Path(__file__).resolve().parent.parent / "engine"


def journal(client, tenant: str) -> list[dict]:
    return client.get("/__sandbox/journal", params={"tenant": tenant}).json()["entries"]


def test_expired_token_refusal_is_journaled_under_its_tenant():
    client = make_client(specs_dir=LEDGER / "specs", fixtures_dir=LEDGER / "fixtures")
    tenant = client.post("/__sandbox/tenants", json={"tokenLifetime": 60}).json()
    oauth = tenant["credentials"]["oauth2"]["client"]
    form = {"grant_type": "client_credentials", "scope": "ledger.read", **oauth}
    form = {k: form[k] for k in ("grant_type", "scope", "client_id", "client_secret")}
    token = client.post("/oauth2/token", data=form).json()["access_token"]
    client.put(f"/__sandbox/tenants/{tenant['id']}/clock", json={"advanceSeconds": 120})
    refused = client.get("/ledger/entries", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    last = journal(client, tenant["id"])[-1]
    assert (last["operationId"], last["status"]) == ("listEntries", 401)
    assert last["clock"] == "2026-11-17T09:02:00+00:00"
    assert journal(client, "unattributed") == []


def test_key_of_another_product_is_journaled_under_its_tenant():
    client = make_client()
    tenant = client.post("/__sandbox/tenants", json={}).json()
    extracts_key = tenant["credentials"]["nbb-cbso"]["extractsKey"]["secret"]
    refused = client.get(
        "/nbb/authentic/legalEntity/0403019261/references",
        headers={"NBB-CBSO-Subscription-Key": extracts_key},
    )
    assert refused.status_code == 401
    last = journal(client, tenant["id"])[-1]
    assert (last["status"], last["clock"]) == (401, "2026-11-17T09:00:00+00:00")


def test_a_forged_or_unknown_credential_stays_unattributed():
    client = make_client()
    client.get("/nbb/authentic/legalEntity/0403019261/references", headers={"NBB-CBSO-Subscription-Key": "x"})
    assert [(e["status"], e["clock"]) for e in journal(client, "unattributed")] == [(401, None)]


def test_a_path_the_api_does_not_have_is_journaled_under_the_tenant_of_its_key():
    client = make_client()
    tenant = client.post("/__sandbox/tenants", json={}).json()
    key = tenant["credentials"]["nbb-cbso"]["authenticKey"]["secret"]
    assert (
        client.get("/nbb/authentic/companies", headers={"NBB-CBSO-Subscription-Key": key}).status_code == 404
    )
    (entry,) = journal(client, tenant["id"])
    assert (entry["operationId"], entry["status"], entry["path"]) == (None, 404, "/nbb/authentic/companies")


def test_a_token_request_is_journaled_by_its_tenants_clock():
    client = make_client()
    tenant = client.post("/__sandbox/tenants", json={}).json()
    client.put(f"/__sandbox/tenants/{tenant['id']}/clock", json={"now": "2027-01-04T08:00:00Z"})
    oauth = tenant["credentials"]["oauth2"]["client"]
    form = {
        "grant_type": "client_credentials",
        "client_id": oauth["client_id"],
        "client_secret": oauth["client_secret"],
    }
    assert client.post("/oauth2/connect/token", data=form).status_code == 200
    (entry,) = journal(client, tenant["id"])
    assert entry["clock"] == "2027-01-04T08:00:00+00:00"  # not the default clock, 2026-11-17
