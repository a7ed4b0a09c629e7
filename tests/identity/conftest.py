import base64
import hashlib
import secrets
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import make_client

LEDGER = Path(__file__).resolve().parent.parent / "engine"
DEMO = {"client_id": "demo-client", "client_secret": "demo-secret"}
CALLBACK = "http://127.0.0.1:8080/callback"


@pytest.fixture
def server():
    """The sandbox with the engine tests' ledger API, whose `/entries` take OAuth2 tokens."""
    return make_client(specs_dir=LEDGER / "specs", fixtures_dir=LEDGER / "fixtures")


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_request(server, **form):
    """A token request of the demo client, authenticated in the form."""
    return server.post("/oauth2/token", data={**DEMO, **form})


def client_token(server, scope: str = "ledger.read ledger.write") -> str:
    r = server.post("/oauth2/token", data={"grant_type": "client_credentials", "scope": scope, **DEMO})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class ConsentForm(HTMLParser):
    """The consent page's form: where it posts, its hidden fields and its buttons."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.action = self.method = None
        self.fields: dict[str, str] = {}
        self.buttons: list[tuple[str, str]] = []
        self.scopes: list[str] = []
        self._in_scopes = self._in_code = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action, self.method = a["action"], a["method"]
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a["value"]
        elif tag == "button":
            self.buttons.append((a["name"], a["value"]))
        elif tag == "ul" and a.get("id") == "scopes":
            self._in_scopes = True
        elif tag == "code" and self._in_scopes:
            self._in_code = True

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_scopes = False
        elif tag == "code":
            self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.scopes.append(data)


def redirect_params(response) -> dict[str, str]:
    """The query the browser is sent back with, after checking where it goes."""
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def authorize(server, decision: str = "approve", **query) -> dict[str, str]:
    """Drive the consent page like a browser: GET it, post the form back with `decision`."""
    params = {"client_id": "demo-client", "redirect_uri": CALLBACK, "response_type": "code", **query}
    page = server.get("/oauth2/authorize", params=params)
    assert page.status_code == 200, page.text
    form = ConsentForm(page.text)
    assert (form.method, form.action) == ("post", "http://testserver/oauth2/authorize")
    posted = server.post(form.action, data={**form.fields, "decision": decision}, follow_redirects=False)
    return redirect_params(posted)
