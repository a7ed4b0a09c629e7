"""Who is calling: scheme handlers by kind (API key in a header, the query or a cookie, Basic,
bearer), combinations that must name one tenant, and the 401s when none passes."""

import base64

from sandbox.pipeline.authenticate import (
    SCHEME_HANDLERS,
    Admin,
    ApiKey,
    Basic,
    Bearer,
    Unsupported,
    scheme_handler,
)
from tests.pipeline.conftest import KEY


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def new_tenant(ledger) -> dict:
    return ledger.post("/__sandbox/tenants", json={}).json()["credentials"]["ledger"]


def test_missing_and_unknown_api_key_are_401(ledger):
    missing = ledger.get("/ledger/accounts")
    unknown = ledger.get("/ledger/accounts", headers={"X-Ledger-Key": "nope"})
    assert (missing.status_code, unknown.status_code) == (401, 401)
    assert missing.json()["detail"] == "This operation needs credentials"
    assert unknown.json()["detail"] == "The credentials are not valid for this operation"


def test_operation_without_security_needs_no_key(ledger):
    r = ledger.get("/ledger/public")
    assert r.status_code == 204 and r.content == b""


def test_api_key_in_the_query_and_in_a_cookie(ledger):
    assert ledger.get("/ledger/combined", params={"key": "ledger-demo-query-key"}).json() == {
        "tenant": "demo"
    }
    ledger.cookies.set("ledger-session", "ledger-demo-cookie")
    assert ledger.get("/ledger/by-cookie").json() == {"tenant": "demo"}
    ledger.cookies.set("ledger-session", "stolen")
    refused = ledger.get("/ledger/by-cookie")
    assert refused.status_code == 401 and refused.json()["detail"].startswith("The credentials are not valid")


def test_a_header_key_and_basic_credentials_of_one_tenant_pass_together(ledger):
    own = new_tenant(ledger)
    key = {"X-Ledger-Key": own["ledgerKey"]["secret"]}
    user = basic(own["ledgerBasic"]["username"], own["ledgerBasic"]["password"])
    r = ledger.get("/ledger/combined", headers={**key, **user})
    assert r.status_code == 200 and r.json()["tenant"].startswith("t-")
    assert ledger.get(
        "/ledger/combined", headers={**KEY, **basic("ledger-demo", "ledger-password")}
    ).json() == {"tenant": "demo"}


def test_a_combination_of_two_tenants_credentials_is_refused(ledger):
    own = new_tenant(ledger)
    user = basic(own["ledgerBasic"]["username"], own["ledgerBasic"]["password"])
    mixed = ledger.get("/ledger/combined", headers={**KEY, **user})  # the demo key, another tenant's user
    assert mixed.status_code == 401
    assert mixed.json()["detail"] == "The credentials are not valid for this operation"


def test_half_a_combination_is_refused(ledger):
    only_key = ledger.get("/ledger/combined", headers=KEY)
    only_user = ledger.get("/ledger/combined", headers=basic("ledger-demo", "ledger-password"))
    wrong_password = ledger.get("/ledger/combined", headers={**KEY, **basic("ledger-demo", "guess")})
    garbled = ledger.get("/ledger/combined", headers={**KEY, "Authorization": "Basic %%%"})
    for refused in (only_key, only_user, wrong_password, garbled):
        assert refused.status_code == 401
        assert refused.json()["detail"] == "The credentials are not valid for this operation"


def test_bearer_refusal_names_the_token_problem_with_a_challenge(ledger):
    missing = ledger.get("/ledger/entries")
    assert missing.status_code == 401
    assert missing.json()["detail"] == "This operation needs an OAuth2 Bearer token"
    assert missing.headers["www-authenticate"] == 'Bearer realm="sandbox"'
    forged = ledger.get("/ledger/entries", headers={"Authorization": "Bearer not-a-jwt"})
    assert forged.status_code == 401
    assert 'error="invalid_token"' in forged.headers["www-authenticate"]


def test_a_bearer_token_lets_in_with_its_claims(ledger):
    tenant = ledger.post("/__sandbox/tenants", json={"scopes": ["ledger.read"]}).json()
    client = tenant["credentials"]["oauth2"]["client"]
    form = {"grant_type": "client_credentials", "client_id": client["client_id"]}
    token = ledger.post("/oauth2/token", data={**form, "client_secret": client["client_secret"]})
    bearer = {"Authorization": "Bearer " + token.json()["access_token"]}
    assert ledger.get("/ledger/entries", headers=bearer).json() == {"tenant": tenant["id"], "entries": []}
    refused = ledger.post("/ledger/entries", headers=bearer)  # needs ledger.write
    assert refused.status_code == 403 and 'error="insufficient_scope"' in refused.headers["www-authenticate"]


def test_the_scheme_table_is_keyed_by_scheme_kind():
    assert {
        "apiKey": ApiKey,
        "http:basic": Basic,
        "http:bearer": Bearer,
        "oauth2": Bearer,
        "openIdConnect": Bearer,
    } == SCHEME_HANDLERS
    assert isinstance(scheme_handler("k", {"type": "apiKey", "in": "query", "name": "key"}), ApiKey)
    assert isinstance(scheme_handler("b", {"type": "http", "scheme": "Basic"}), Basic)
    assert isinstance(
        scheme_handler("a", {"type": "http", "scheme": "bearer", "x-sandbox-admin": True}), Admin
    )
    assert isinstance(scheme_handler("m", {"type": "mutualTLS"}), Unsupported)


def test_the_admin_scheme_is_open_on_loopback_and_asks_for_the_token_otherwise():
    from tests.conftest import make_client

    guarded = make_client(admin_token="s3cret")
    assert guarded.get("/__sandbox/tenants").status_code == 401
    assert guarded.get("/__sandbox/tenants", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.get("/__sandbox/tenants", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert make_client().get("/__sandbox/tenants").status_code == 200


def test_a_refused_credential_is_journaled_under_the_tenant_it_names(ledger):
    own = new_tenant(ledger)
    tenant = ledger.get("/ledger/combined", params={"key": own["ledgerQueryKey"]["secret"]}).json()["tenant"]
    ledger.get("/ledger/nowhere", headers={"X-Ledger-Key": own["ledgerKey"]["secret"]})
    entries = ledger.get("/__sandbox/journal", params={"tenant": tenant}).json()["entries"]
    assert [(e["path"], e["status"], e["operationId"]) for e in entries][-1] == ("/ledger/nowhere", 404, None)
