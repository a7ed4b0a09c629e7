"""The FOD family under test: the demo tenant, switched and onboarded through the control plane,
and tokens for an end user through the consent page with PKCE."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import make_client
from tests.identity.conftest import ConsentForm, pkce_pair

CLIENT = {"client_id": "demo-fod", "client_secret": "demo-fod-secret"}
CALLBACK = "http://localhost:8765/callback"
MMF, INTERVAT = "/fod/myminfin", "/fod/intervat"
# the fixture's parties, by the enterprise number the world gives them
ACCOUNTANT, FIDUCIAIRE, BAKERY, GARAGE, BREWERY, CONSULTANCY = (
    "0477200012",
    "0512345684",
    "0442001779",
    "0601020413",
    "0730045160",
    "0815433072",
)


def action(client, name: str, body: dict | None = None, api: str = "fod-myminfin"):
    return client.post(f"/__sandbox/tenants/demo/apis/{api}/actions/{name}", json=body or {})


def onboard(client) -> None:
    for name, body in (
        ("set-mode", {"mode": "preview"}),
        ("register-company", {"enterpriseNumber": ACCOUNTANT, "legalRepresentative": "An Peeters"}),
        ("accept-agreement", {}),
    ):
        response = action(client, name, body)
        assert response.status_code == 200, response.text


def user_token(client, subject: str, full: bool = False):
    verifier, challenge = pkce_pair()
    query = {
        "client_id": CLIENT["client_id"],
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "login_hint": subject,
    }
    page = client.get("/oauth2/authorize", params=query)
    assert page.status_code == 200, page.text
    form = ConsentForm(page.text)
    posted = client.post(form.action, data={**form.fields, "decision": "approve"}, follow_redirects=False)
    code = parse_qs(urlsplit(posted.headers["location"]).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
    }
    response = client.post("/oauth2/token", data={**form, **CLIENT})
    assert response.status_code == 200, response.text
    return response.json() if full else response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def fod():
    """The sandbox in preview mode, company X onboarded."""
    client = make_client()
    onboard(client)
    return client


@pytest.fixture
def accountant(fod) -> dict[str, str]:
    return bearer(user_token(fod, ACCOUNTANT))


def advance(client, seconds: float) -> None:
    response = client.put("/__sandbox/tenants/demo/clock", json={"advanceSeconds": seconds})
    assert response.status_code == 200, response.text
