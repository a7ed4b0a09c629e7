"""The OAuth2 authorization server, and OAuth2-protected operations of the ledger test API."""

import asyncio
from datetime import datetime

from joserfc import jwt
from joserfc.jwk import KeySet

from sandbox.runtime import keys
from sandbox.runtime.tenants import OAuthClient
from tests.conftest import DEFAULT_NOW
from tests.identity.conftest import (
    CALLBACK,
    DEMO,
    ConsentForm,
    authorize,
    basic,
    bearer,
    client_token,
    pkce_pair,
    redirect_params,
    token_request,
)

NOW = int(datetime.fromisoformat(DEFAULT_NOW).timestamp())


def test_client_credentials_token_is_a_jwt_signed_by_the_published_key(server):
    r = token_request(server, grant_type="client_credentials", scope="ledger.read")
    assert r.status_code == 200
    assert (r.headers["cache-control"], r.headers["pragma"]) == ("no-store", "no-cache")
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 3600, "ledger.read")
    keys = server.get("/oauth2/jwks").json()
    assert [(k["kty"], k["use"], k["alg"]) for k in keys["keys"]] == [("RSA", "sig", "RS256")]
    assert "d" not in keys["keys"][0]
    token = jwt.decode(body["access_token"], KeySet.import_key_set(keys), algorithms=["RS256"])
    assert token.header["kid"] == keys["keys"][0]["kid"]
    claims = token.claims
    assert claims.pop("jti")
    assert claims == {
        "iss": "http://testserver/oauth2",
        "sub": "demo-client",
        "client_id": "demo-client",
        "tid": "demo",
        "scope": "ledger.read",
        "iat": NOW,
        "exp": NOW + 3600,
    }
    assert server.get("/ledger/entries", headers=bearer(body["access_token"])).json() == {
        "tenant": "demo",
        "entries": [],
    }


def test_no_scope_asked_gives_every_scope_of_the_client(server):
    r = token_request(server, grant_type="client_credentials")
    assert r.json()["scope"] == "ledger.read ledger.write"


def test_wrong_secret_is_invalid_client_with_a_basic_challenge(server):
    form = server.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "nope"},
    )
    by_basic = server.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers=basic("demo-client", "nope")
    )
    unknown = server.post("/oauth2/token", data={"grant_type": "client_credentials", "client_id": "who"})
    for r in (form, by_basic, unknown):
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == 'Basic realm="sandbox"'
        assert r.json()["error"] == "invalid_client"
    assert form.json()["error_description"] == "The secret of client 'demo-client' is wrong"
    assert "client_id and client_secret" in unknown.json()["error_description"]


def test_two_client_authentications_at_once_are_refused(server):
    r = server.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_secret": "demo-secret"},
        headers=basic("demo-client", "demo-secret"),
    )
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_request",
        "error_description": "Authenticate the client once: HTTP Basic or client_secret, not both",
    }


def test_unknown_grant_type(server):
    r = token_request(server, grant_type="password")
    assert r.status_code == 400
    assert r.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant_type 'password' is not one of: "
        "client_credentials, authorization_code, refresh_token",
    }


def test_scope_beyond_the_client_is_invalid_scope(server):
    r = token_request(server, grant_type="client_credentials", scope="ledger.read ledger.admin")
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_scope",
        "error_description": "Client 'demo-client' may not ask for: ledger.admin",
    }


def test_missing_parameters_are_invalid_request_naming_them(server):
    no_grant = server.post("/oauth2/token", data=DEMO)
    no_code = token_request(server, grant_type="authorization_code")
    short_verifier = token_request(server, grant_type="authorization_code", code="x", code_verifier="abc")
    assert no_grant.status_code == no_code.status_code == short_verifier.status_code == 400
    assert no_grant.json() == {
        "error": "invalid_request",
        "error_description": "The request body is invalid: grant_type is required",
    }
    assert no_code.json()["error_description"] == "code is required for grant_type authorization_code"
    assert short_verifier.json()["error"] == "invalid_request"
    assert short_verifier.json()["error_description"].startswith("The request body is invalid: code_verifier")


def test_json_body_is_refused_as_invalid_request(server):
    r = server.post("/oauth2/token", json={"grant_type": "client_credentials", **DEMO})
    assert r.status_code == 415
    assert r.json()["error"] == "invalid_request"
    assert "application/x-www-form-urlencoded" in r.json()["error_description"]


def test_informat_clients_get_tokens_at_identityserver_connect_token(server):
    r = server.post(
        "/connect/token",
        data={"grant_type": "client_credentials", "scope": "ledger.read"},
        headers={"Host": "www.identityserver.be", **basic("demo-client", "demo-secret")},
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 3600, "ledger.read")
    claims = jwt.decode(body["access_token"], KeySet.import_key_set(server.get("/oauth2/jwks").json())).claims
    assert claims["iss"] == "http://www.identityserver.be"
    jwks = server.get("/.well-known/openid-configuration/jwks", headers={"Host": "www.identityserver.be"})
    assert jwks.json() == server.get("/oauth2/jwks").json()


def test_discovery_names_absolute_endpoints_that_answer(server):
    doc = server.get("/oauth2/.well-known/openid-configuration").json()
    base = "http://testserver/oauth2"
    assert doc["issuer"] == base
    assert {k: v for k, v in doc.items() if k.endswith(("_endpoint", "_uri"))} == {
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "revocation_endpoint": f"{base}/revoke",
        "jwks_uri": f"{base}/jwks",
    }
    assert doc["grant_types_supported"] == ["client_credentials", "authorization_code", "refresh_token"]
    assert doc["code_challenge_methods_supported"] == ["S256", "plain"]
    assert doc["scopes_supported"] == ["ledger.read", "ledger.write"]
    assert server.get(doc["jwks_uri"]).status_code == 200
    token = server.post(doc["token_endpoint"], data={"grant_type": "client_credentials", **DEMO})
    assert token.status_code == 200


def test_authorization_code_with_pkce_through_the_consent_page(server):
    verifier, challenge = pkce_pair()
    page = server.get(
        "/oauth2/authorize",
        params={
            "client_id": "demo-client",
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "ledger.read",
            "state": "s-1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    form = ConsentForm(page.text)
    assert form.fields == {
        "client_id": "demo-client",
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "ledger.read",
        "state": "s-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    assert form.buttons == [("decision", "approve"), ("decision", "deny")]
    assert form.scopes == ["ledger.read"]
    assert "demo-client" in page.text and "Documented demo tenant" in page.text

    approved = server.post(form.action, data={**form.fields, "decision": "approve"}, follow_redirects=False)
    assert approved.status_code == 302
    location = approved.headers["location"]
    assert location.startswith(CALLBACK + "?code=") and location.endswith("&state=s-1")
    code = location.split("code=")[1].split("&")[0]

    r = token_request(
        server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK, code_verifier=verifier
    )
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "refresh_token"}
    assert body["scope"] == "ledger.read"
    assert server.get("/ledger/entries", headers=bearer(body["access_token"])).json()["tenant"] == "demo"


def test_plain_pkce_and_a_redirect_uri_left_out_by_a_client_with_one(server):
    # A client with one registered redirect URI may leave it out (RFC 6749 §3.1.2.3); the demo
    # client has two, so it must name one.
    r = server.get("/oauth2/authorize", params={"client_id": "demo-client", "response_type": "code"})
    assert r.status_code == 400 and "redirect_uri is required: client &#x27;demo-client&#x27; has 2" in r.text
    services = server.app.state.services
    single = OAuthClient("single", "single-secret", "demo", ["ledger.read"], [CALLBACK])
    asyncio.run(services.tenants.register_client(single))
    verifier = "v" * 43
    params = {"client_id": "single", "response_type": "code", "code_challenge": verifier}
    form = ConsentForm(server.get("/oauth2/authorize", params=params).text)
    assert "redirect_uri" not in form.fields and form.fields["code_challenge_method"] == "plain"
    posted = server.post(form.action, data={**form.fields, "decision": "approve"}, follow_redirects=False)
    code = redirect_params(posted)["code"]
    r = server.post(
        "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "client_id": "single",
            "client_secret": "single-secret",
        },
    )
    assert r.status_code == 200
    assert r.json()["scope"] == "ledger.read"


def test_wrong_code_verifier_is_invalid_grant(server):
    _, challenge = pkce_pair()
    code = authorize(server, code_challenge=challenge, code_challenge_method="S256")["code"]
    r = token_request(
        server,
        grant_type="authorization_code",
        code=code,
        redirect_uri=CALLBACK,
        code_verifier=pkce_pair()[0],
    )
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_grant",
        "error_description": "code_verifier does not match the code_challenge (S256)",
    }


def test_missing_verifier_and_changed_redirect_uri_are_invalid_grant(server):
    _, challenge = pkce_pair()
    with_challenge = authorize(server, code_challenge=challenge)["code"]
    plain = authorize(server)["code"]
    no_verifier = token_request(
        server, grant_type="authorization_code", code=with_challenge, redirect_uri=CALLBACK
    )
    other_uri = token_request(
        server, grant_type="authorization_code", code=plain, redirect_uri="http://localhost:8080/callback"
    )
    assert no_verifier.json() == {
        "error": "invalid_grant",
        "error_description": "code_verifier is required: the authorization request had a code_challenge",
    }
    assert other_uri.json() == {
        "error": "invalid_grant",
        "error_description": "redirect_uri must be the one of the authorization request, exactly",
    }


def test_reused_code_is_invalid_grant_and_revokes_what_it_bought(server):
    code = authorize(server, scope="ledger.read")["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **DEMO}
    first = server.post("/oauth2/token", data=form).json()
    assert server.get("/ledger/entries", headers=bearer(first["access_token"])).status_code == 200
    again = server.post("/oauth2/token", data=form)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code was already used; "
        "the tokens issued for it are now revoked",
    }
    revoked = server.get("/ledger/entries", headers=bearer(first["access_token"]))
    assert revoked.status_code == 401
    assert 'error="invalid_token"' in revoked.headers["www-authenticate"]
    refresh = token_request(server, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refresh.json()["error"] == "invalid_grant"


def test_unknown_code_is_invalid_grant(server):
    r = token_request(server, grant_type="authorization_code", code="made-up")
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code is unknown or expired (codes live 60 s)",
    }


def test_unregistered_redirect_uri_or_client_is_never_redirected_to(server):
    evil = server.get(
        "/oauth2/authorize",
        params={
            "client_id": "demo-client",
            "redirect_uri": "https://evil.example/cb",
            "response_type": "code",
        },
        follow_redirects=False,
    )
    unknown = server.get(
        "/oauth2/authorize",
        params={"client_id": "nobody", "redirect_uri": CALLBACK, "response_type": "code"},
        follow_redirects=False,
    )
    posted = server.post(
        "/oauth2/authorize",
        data={"client_id": "demo-client", "redirect_uri": "https://evil.example/cb", "decision": "approve"},
        follow_redirects=False,
    )
    for r in (evil, unknown, posted):
        assert r.status_code == 400
        assert "location" not in r.headers
        assert r.headers["content-type"].startswith("text/html")
    assert "redirect_uri &#x27;https://evil.example/cb&#x27; is not registered" in evil.text
    assert "No client &#x27;nobody&#x27;" in unknown.text


def test_errors_after_a_safe_redirect_uri_go_back_to_the_client(server):
    params = {"client_id": "demo-client", "redirect_uri": CALLBACK, "state": "s-2"}
    bad_scope = server.get(
        "/oauth2/authorize",
        params={**params, "response_type": "code", "scope": "ledger.admin"},
        follow_redirects=False,
    )
    bad_type = server.get(
        "/oauth2/authorize", params={**params, "response_type": "token"}, follow_redirects=False
    )
    assert redirect_params(bad_scope) == {
        "error": "invalid_scope",
        "error_description": "Client 'demo-client' may not ask for: ledger.admin",
        "state": "s-2",
    }
    assert redirect_params(bad_type)["error"] == "unsupported_response_type"
    assert authorize(server, decision="deny", state="s-3") == {
        "error": "access_denied",
        "error_description": "The user denied access",
        "state": "s-3",
    }


def test_refresh_token_rotates_and_the_old_one_is_refused(server):
    code = authorize(server)["code"]
    first = token_request(server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **DEMO}
    narrowed = server.post("/oauth2/token", data={**refresh, "scope": "ledger.read"})
    assert narrowed.status_code == 200
    second = narrowed.json()
    assert second["scope"] == "ledger.read"
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    # The new refresh token keeps the original grant (RFC 6749 §6), so it may ask for it all again.
    third = token_request(server, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert third.json()["scope"] == "ledger.read ledger.write"
    spent = token_request(server, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"


def test_a_rotated_refresh_token_used_again_revokes_its_whole_family(server):
    code = authorize(server)["code"]
    first = token_request(server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK).json()
    second = token_request(server, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert server.get("/ledger/entries", headers=bearer(second["access_token"])).status_code == 200
    replayed = token_request(server, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert replayed.status_code == 400
    assert replayed.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token was already used; every token of its grant is now revoked",
    }
    newest = token_request(server, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert newest.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token was revoked with its grant",
    }
    assert server.get("/ledger/entries", headers=bearer(second["access_token"])).status_code == 401
    other = authorize(server)["code"]
    unrelated = token_request(server, grant_type="authorization_code", code=other, redirect_uri=CALLBACK)
    assert server.get("/ledger/entries", headers=bearer(unrelated.json()["access_token"])).status_code == 200


def test_a_consent_posted_without_its_pkce_challenge_still_needs_the_verifier(server):
    _, challenge = pkce_pair()
    params = {
        "client_id": "demo-client",
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "state": "s-9",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    form = ConsentForm(server.get("/oauth2/authorize", params=params).text)
    stripped = {k: v for k, v in form.fields.items() if not k.startswith("code_challenge")}
    posted = server.post(form.action, data={**stripped, "decision": "approve"}, follow_redirects=False)
    code = redirect_params(posted)["code"]
    r = token_request(server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert r.status_code == 400
    assert r.json()["error_description"] == (
        "code_verifier is required: the authorization request had a code_challenge"
    )


def test_a_consent_decision_for_a_page_never_shown_is_refused(server):
    fields = {"client_id": "demo-client", "redirect_uri": CALLBACK, "response_type": "code"}
    posted = server.post("/oauth2/authorize", data={**fields, "decision": "approve"}, follow_redirects=False)
    assert posted.status_code == 400 and "location" not in posted.headers
    assert "answers no authorization request shown in the last 10 minutes" in posted.text


def test_refresh_for_more_than_was_granted_is_invalid_scope_and_keeps_the_token(server):
    code = authorize(server, scope="ledger.read")["code"]
    first = token_request(server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **DEMO}
    wider = server.post("/oauth2/token", data={**refresh, "scope": "ledger.write"})
    assert wider.json() == {
        "error": "invalid_scope",
        "error_description": "The refresh token was not granted: ledger.write",
    }
    assert server.post("/oauth2/token", data=refresh).status_code == 200


def test_revoked_access_token_is_refused_by_a_protected_operation(server):
    token = client_token(server)
    assert server.get("/ledger/entries", headers=bearer(token)).status_code == 200
    r = server.post("/oauth2/revoke", data={"token": token, "token_type_hint": "access_token", **DEMO})
    assert r.status_code == 200 and r.content == b""
    refused = server.get("/ledger/entries", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.json()["detail"] == "The access token has been revoked"
    assert refused.headers["www-authenticate"] == (
        'Bearer realm="sandbox", error="invalid_token", error_description="The access token has been revoked"'
    )


def test_revocation_answers_200_for_unknown_tokens_and_needs_a_client(server):
    unknown = server.post("/oauth2/connect/revocation", data={"token": "never-issued", **DEMO})
    anonymous = server.post("/oauth2/revoke", data={"token": "never-issued"})
    assert unknown.status_code == 200
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "invalid_client"


def test_revoking_a_refresh_token_revokes_its_access_token(server):
    code = authorize(server)["code"]
    tokens = token_request(server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK).json()
    server.post("/oauth2/revoke", data={"token": tokens["refresh_token"], **DEMO})
    assert server.get("/ledger/entries", headers=bearer(tokens["access_token"])).status_code == 401
    refresh = token_request(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refresh.json()["error"] == "invalid_grant"


def test_token_expires_when_the_tenant_clock_passes_its_lifetime(server):
    token = client_token(server)
    server.put("/__sandbox/clock", json={"advanceSeconds": 3599})
    assert server.get("/ledger/entries", headers=bearer(token)).status_code == 200
    server.put("/__sandbox/clock", json={"advanceSeconds": 1})
    r = server.get("/ledger/entries", headers=bearer(token))
    assert r.status_code == 401
    assert r.json()["detail"] == "The access token expired at 2026-11-17T10:00:00+00:00 (sandbox clock)"
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_token_without_the_operation_scope_is_403_insufficient_scope(server):
    token = client_token(server, scope="ledger.read")
    assert server.get("/ledger/entries", headers=bearer(token)).status_code == 200
    r = server.post("/ledger/entries", headers=bearer(token))
    assert r.status_code == 403
    assert r.headers["www-authenticate"].startswith('Bearer realm="sandbox", error="insufficient_scope"')
    assert r.headers["www-authenticate"].endswith('scope="ledger.write"')
    assert r.json()["detail"] == (
        "The access token lacks the scope(s) ledger.write; this operation needs: ledger.write"
    )
    assert server.post("/ledger/entries", headers=bearer(client_token(server))).status_code == 204


def test_missing_or_foreign_credentials_get_a_challenge_without_an_error(server):
    for headers in ({}, basic("demo-client", "demo-secret")):
        r = server.get("/ledger/entries", headers=headers)
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == 'Bearer realm="sandbox"'
        assert r.json()["detail"] == "This operation needs an OAuth2 Bearer token"
    garbage = server.get("/ledger/entries", headers=bearer("not.a.jwt"))
    assert garbage.status_code == 401
    assert garbage.json()["detail"] == "The access token is malformed or not signed by this sandbox"


def test_bearer_scheme_is_accepted_in_any_case(server):
    token = client_token(server)
    r = server.get("/ledger/entries", headers={"Authorization": f"BEARER {token}"})
    assert r.status_code == 200 and r.json()["tenant"] == "demo"


def test_code_expires_after_60_seconds_of_the_tenant_clock(server):
    code = authorize(server)["code"]
    server.put("/__sandbox/clock", json={"advanceSeconds": 60})
    r = token_request(server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert r.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code has expired (codes live 60 s)",
    }


def test_refresh_token_expires_after_30_days_of_the_tenant_clock(server):
    code = authorize(server)["code"]
    first = token_request(server, grant_type="authorization_code", code=code, redirect_uri=CALLBACK).json()
    server.put("/__sandbox/clock", json={"advanceSeconds": 30 * 24 * 3600})
    r = token_request(server, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert r.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token has expired; authorize again",
    }


def test_a_tenants_token_reaches_only_that_tenants_data(server):
    def tenant_token(tenant):
        client = tenant["credentials"]["oauth2"]["client"]
        form = {"grant_type": "client_credentials", "scope": "ledger.read"}
        return server.post(
            "/oauth2/token", data=form, headers=basic(client["client_id"], client["client_secret"])
        )

    a = server.post("/__sandbox/tenants", json={"name": "A"}).json()
    b = server.post("/__sandbox/tenants", json={"name": "B"}).json()
    token_a = tenant_token(a).json()["access_token"]
    answer = server.get("/ledger/entries", headers=bearer(token_a))
    assert answer.json()["tenant"] == a["id"]
    journal_a = server.get("/__sandbox/journal", params={"tenant": a["id"]}).json()["entries"]
    journal_b = server.get("/__sandbox/journal", params={"tenant": b["id"]}).json()["entries"]
    assert [e["operationId"] for e in journal_a] == ["token", "listEntries"] and journal_b == []
    # once A is gone, its token opens nothing, not even by chance B's data
    server.delete(f"/__sandbox/tenants/{a['id']}")
    gone = server.get("/ledger/entries", headers=bearer(token_a))
    assert gone.status_code == 401 and 'error="invalid_token"' in gone.headers["www-authenticate"]


def test_deleting_a_tenant_deletes_every_client_and_key_that_authenticates_as_it(server):
    tenant = server.post("/__sandbox/tenants", json={"name": "leaving"}).json()
    first = tenant["credentials"]["oauth2"]["client"]
    added = server.post(f"/__sandbox/tenants/{tenant['id']}/clients", json={"scopes": ["ledger.read"]}).json()
    ledger_key = {"X-Ledger-Key": tenant["credentials"]["ledger"]["ledgerKey"]["secret"]}
    form = {"grant_type": "client_credentials", "scope": "ledger.read"}
    old = server.post("/oauth2/token", data=form, headers=basic(added["clientId"], added["clientSecret"]))
    assert server.get("/ledger/entries", headers=bearer(old.json()["access_token"])).status_code == 200
    assert server.get("/ledger/accounts", headers=ledger_key).status_code == 200

    assert server.delete(f"/__sandbox/tenants/{tenant['id']}").status_code == 204
    for client_id, secret in (
        (first["client_id"], first["client_secret"]),
        (added["clientId"], added["clientSecret"]),
    ):
        refused = server.post("/oauth2/token", data=form, headers=basic(client_id, secret))
        assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    read = server.get("/ledger/entries", headers=bearer(old.json()["access_token"]))
    assert read.status_code == 401 and "entries" not in read.text
    assert server.get("/ledger/accounts", headers=ledger_key).status_code == 401
    assert (
        server.post(
            f"/__sandbox/tenants/{tenant['id']}/clients", json={"scopes": ["ledger.read"]}
        ).status_code
        == 404
    )


def test_a_client_whose_tenant_record_is_gone_gets_no_token(server):
    tenant = server.post("/__sandbox/tenants", json={"name": "half deleted"}).json()
    client = tenant["credentials"]["oauth2"]["client"]
    services = server.app.state.services
    asyncio.run(services.store.delete(keys.tenant(tenant["id"])))
    form = {"grant_type": "client_credentials", "scope": "ledger.read"}
    refused = server.post(
        "/oauth2/token", data=form, headers=basic(client["client_id"], client["client_secret"])
    )
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")


def test_token_requests_are_journaled_under_the_clients_tenant(server):
    tenant = server.post("/__sandbox/tenants", json={"name": "journaled"}).json()
    client = tenant["credentials"]["oauth2"]["client"]
    form = {"grant_type": "client_credentials", "scope": "ledger.read"}
    ok = server.post("/oauth2/token", data=form, headers=basic(client["client_id"], client["client_secret"]))
    bad = server.post("/oauth2/token", data=form, headers=basic(client["client_id"], "wrong"))
    assert (ok.status_code, bad.status_code) == (200, 401)
    entries = server.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
    assert [(e["operationId"], e["status"]) for e in entries] == [("token", 200), ("token", 401)]
    assert client["client_secret"] not in str(entries)
    assert ok.json()["access_token"] not in str(entries)


def test_a_reset_does_not_bring_a_revoked_token_back(server):
    token = client_token(server)
    assert server.post("/oauth2/revoke", data={"token": token, **DEMO}).status_code == 200
    assert server.post("/__sandbox/tenants/demo/reset").status_code == 200
    assert server.get("/ledger/entries", headers=bearer(token)).status_code == 401


def test_authorization_codes_never_reach_the_journal_in_clear(server):
    code = authorize(server, state="s-journal")["code"]
    # nothing on the consent page names a tenant, so its exchanges are journaled unattributed
    entries = server.get("/__sandbox/journal", params={"tenant": "unattributed"}).json()["entries"]
    consent = [e for e in entries if e["operationId"] == "decideConsent"][-1]
    assert consent["status"] == 302
    assert code not in str(consent)
    assert "code=[redacted:" in consent["response"]["body"]
