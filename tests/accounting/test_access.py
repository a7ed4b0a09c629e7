"""OAuth2 (seed 003 item 3) and limits a client can compute (item 8): authorization code with
PKCE and refresh, client credentials, a scope per resource, `RateLimit-*` headers on every answer,
a `rate_limit` endpoint that does not count, 429 with `Retry-After`, and vendors' limits."""

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from tests.accounting.conftest import NL, SCOPES, Api, error_of, token
from tests.conftest import make_client

CALLBACK = "http://127.0.0.1:8080/callback"
RATE_LIMIT = "/accounting/api/v1/rate_limit"


class HiddenFields(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs["value"]


def test_authorization_code_with_pkce_then_refresh():
    server = make_client()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "client_id": "demo-client",
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": SCOPES,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s1",
    }
    page = server.get("/oauth2/authorize", params=query)
    form = {**HiddenFields(page.text).fields, "decision": "approve"}
    back = server.post("/oauth2/authorize", data=form, follow_redirects=False)
    code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
    demo = {"client_id": "demo-client", "client_secret": "demo-secret"}
    tokens = server.post(
        "/oauth2/token",
        data={
            **demo,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
    ).json()
    assert tokens["refresh_token"] and tokens["token_type"].lower() == "bearer"
    found = server.get(
        f"{NL}/contacts",
        params={"email": "inkoop@groothandel-vos.nl"},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert len(found.json()) == 2
    renewed = server.post(
        "/oauth2/token",
        data={**demo, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    ).json()
    assert renewed["access_token"] != tokens["access_token"]
    again = server.get(f"{NL}/journals", headers={"Authorization": f"Bearer {renewed['access_token']}"})
    assert again.status_code == 200


def test_without_a_token_401_invalid_token_in_the_error_body():
    response = make_client().get(f"{NL}/contacts")
    assert error_of(response, 401)["code"] == "invalid_token"
    response = make_client().get(f"{NL}/contacts", headers={"Authorization": "Bearer not-a-token"})
    assert error_of(response, 401)["code"] == "invalid_token"


def test_a_token_expires_on_the_sandbox_clock():
    server = make_client()
    headers = {"Authorization": f"Bearer {token(server)}"}
    assert server.get(f"{NL}/journals", headers=headers).status_code == 200
    server.put("/__sandbox/tenants/demo/clock", json={"advanceSeconds": 7200})
    assert error_of(server.get(f"{NL}/journals", headers=headers), 401)["code"] == "invalid_token"


def test_each_resource_has_its_scope():
    api = Api(make_client(), scope="accounting.contacts")
    assert api.get(f"{NL}/contacts").status_code == 200
    for path in (f"{NL}/products", f"{NL}/financial_transactions", f"{NL}/vat_rates"):
        assert error_of(api.get(path), 403)["code"] == "insufficient_scope", path
    assert api.get(RATE_LIMIT).status_code == 200


def test_every_answer_carries_the_rate_limit_headers(api):
    for response in (
        api.get(f"{NL}/journals"),
        api.get(f"{NL}/contacts/19999999"),
        api.post(f"{NL}/contacts", {"email": "x"}),
    ):
        assert all(
            h in response.headers for h in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
        ), response.url
    assert api.get(f"{NL}/journals").headers["RateLimit-Limit"] == "600"


def test_the_rate_limit_endpoint_does_not_count(api):
    before = api.get(RATE_LIMIT).json()
    after = api.get(RATE_LIMIT).json()
    assert (before["limit"], before["window"]) == (600, 60)
    assert after["remaining"] == before["remaining"]
    counted = api.get(f"{NL}/journals")
    assert int(counted.headers["RateLimit-Remaining"]) == before["remaining"] - 1
    assert api.get(RATE_LIMIT).json()["remaining"] == before["remaining"] - 1


def _profile(api, name: str):
    path = "/__sandbox/tenants/demo/apis/accounting/actions/rate-limit-profile"
    return api.server.post(path, json={"profile": name})


def test_profiles_rehearse_moneybird_and_exact_online(api):
    answer = _profile(api, "moneybird")
    assert answer.status_code == 200, answer.text
    assert api.get(RATE_LIMIT).json()["limit"] == 150 and api.get(RATE_LIMIT).json()["window"] == 300
    _profile(api, "exact-online")
    assert (api.get(RATE_LIMIT).json()["limit"], api.get(RATE_LIMIT).json()["window"]) == (60, 60)
    _profile(api, "generous")
    assert api.get(RATE_LIMIT).json()["limit"] == 600


def test_past_the_limit_429_with_retry_after(api):
    api.server.put("/__sandbox/tenants/demo/rate-limits", json={"accounting": {"requests": 3, "window": 60}})
    statuses = [api.get(f"{NL}/journals").status_code for _ in range(4)]
    assert statuses[-1] == 429
    refused = api.get(f"{NL}/journals")
    assert error_of(refused, 429)["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1 and refused.headers["RateLimit-Remaining"] == "0"
    assert api.get(RATE_LIMIT).status_code == 200
