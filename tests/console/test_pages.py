"""The console's pages as the server renders them: content negotiation at `/`, a page per API
made from whatever specs are loaded, assets from the sandbox itself, and nothing on an API's way."""

from __future__ import annotations

import re

import pytest

from sandbox.runtime.api import describe_apis
from tests.conftest import make_client
from tests.engine.conftest import HERE as ENGINE
from tests.engine.conftest import KEY

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
PAGES = ("/console/tenants", "/console/journal", "/console/contracts", "/console/controls")


@pytest.fixture(scope="module")
def sandbox():
    return make_client()


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5"])
def test_curl_and_json_clients_keep_the_json_index_at_the_root(sandbox, accept):
    answer = sandbox.get("/", headers={"Accept": accept} if accept else {})
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == describe_apis(sandbox.app.state.services.apis)


def test_a_browser_gets_the_home_page_with_every_api_its_hosts_fidelity_and_demo_credentials(sandbox):
    page = sandbox.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert page.headers["content-type"].startswith("text/html")
    for api in sandbox.app.state.services.apis:
        assert f'<tr data-api="{api.name}">' in page.text
        assert f'href="/console/docs/{api.name}"' in page.text
    nbb = page.text.split('<tr data-api="nbb-cbso">')[1].split("</tr>")[0]
    assert "<code>/nbb</code>" in nbb and "<code>ws.cbso.nbb.be</code>" in nbb
    assert '<span class="fidelity verified">14 verified</span>' in nbb
    assert "14 of 14 operations with a handler" in nbb
    assert "<code>demo-authentic</code>" in nbb and "header NBB-CBSO-Subscription-Key" in nbb
    codabox = page.text.split('<tr data-api="codabox-v2">')[1].split("</tr>")[0]
    assert "<code>demo-accountant</code>" in codabox and "<code>demo-password</code>" in codabox


def test_a_newly_loaded_api_gets_its_row_and_docs_with_no_change_to_the_console():
    ledger = make_client(specs_dir=ENGINE / "specs", fixtures_dir=ENGINE / "fixtures")
    page = ledger.get("/", headers={"Accept": BROWSER_ACCEPT}).text
    assert '<tr data-api="ledger">' in page and 'href="/console/docs/ledger"' in page
    docs = ledger.get("/console/docs/ledger")
    assert docs.status_code == 200 and '"api": "ledger"' in docs.text


@pytest.mark.parametrize("path", [*PAGES, "/console/docs/nbb-cbso", "/console/docs/sandbox"])
def test_every_page_loads_only_the_sandbox_own_assets(sandbox, path):
    page = sandbox.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets)
    for asset in assets:
        if asset.startswith("/console/static/") or asset.startswith("/console/swagger-ui/"):
            assert sandbox.get(asset).status_code == 200, asset


def test_swagger_ui_is_served_from_the_installed_package(sandbox):
    bundle = sandbox.get("/console/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and b"SwaggerUIBundle" in bundle.content[:2000]


def test_an_unknown_api_or_page_answers_the_sandbox_404(sandbox):
    for path in ("/console/docs/nobody", "/console/nothing"):
        answer = sandbox.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert "the APIs live under" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/console/tenants", "/console/static/console.js"])
def test_a_write_outside_every_api_still_meets_the_sandbox_404(sandbox, path):
    answer = sandbox.post(path, headers={"Accept": BROWSER_ACCEPT}, json={})
    assert (answer.status_code, answer.headers["content-type"]) == (404, "application/problem+json")


def test_console_redirects_to_the_home_page(sandbox):
    answer = sandbox.get("/console", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")


def test_the_console_is_never_on_an_api_request_s_way(monkeypatch):
    """Dispatch hands the console only what no API serves: with the console broken, every API
    still answers, and only the paths outside them fail."""

    async def broken(self, scope, receive, send):
        raise AssertionError(f"the console was asked for {scope['path']}")

    monkeypatch.setattr("sandbox.control.console.app.Console.__call__", broken)
    ledger = make_client(specs_dir=ENGINE / "specs", fixtures_dir=ENGINE / "fixtures")
    assert ledger.get("/ledger/accounts?limit=1", headers=KEY).status_code == 200
    assert ledger.get("/__sandbox/clock").status_code == 200
    with pytest.raises(AssertionError, match="the console was asked for /"):
        ledger.get("/")
