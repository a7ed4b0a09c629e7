"""Choosing the API: by the real Host header and the base path of the spec's `servers:`, else by
the sandbox's prefix; clashing addresses stop the start-up."""

import shutil
import uuid

import pytest

from sandbox.app import build_app
from sandbox.pipeline.dispatch import MAX_PLACES, Dispatcher
from sandbox.runtime.api import server_addresses
from sandbox.settings import Settings
from sandbox.spec.loader import SpecDocument, SpecError
from tests.pipeline.conftest import HERE, KEY


def test_path_outside_every_api_names_the_prefixes(ledger):
    r = ledger.get("/elsewhere")
    assert r.status_code == 404
    assert "/ledger" in r.json()["detail"] and "/__sandbox" in r.json()["detail"]


def test_root_lists_every_api_with_its_hosts(ledger):
    apis = {a["api"]: a for a in ledger.get("/").json()["apis"]}
    assert apis["ledger"]["hosts"] == ["api.ledger.test"]
    assert apis["ledger-archive"] == {
        "api": "ledger-archive",
        "title": "Ledger archive test API",
        "prefix": "/ledger-archive",
        "hosts": ["api.ledger.test"],
        "spec": "/__sandbox/specs/ledger-archive",
        "operations": 1,
    }


def test_api_is_reached_by_the_real_host_header(ledger):
    r = ledger.get("/accounts/3", headers={**KEY, "X-Trace": str(uuid.uuid4()), "Host": "api.ledger.test"})
    assert r.status_code == 200
    assert r.json()["number"] == 3


def test_two_apis_share_a_host_under_different_base_paths(ledger):
    archive = ledger.get("/archive/v1/statements", headers={"Host": "api.ledger.test:8443"})
    assert archive.json() == {"api": "ledger-archive", "baseUrl": "http://api.ledger.test:8443/archive/v1"}
    ledger_answer = ledger.get("/accounts", headers={**KEY, "Host": "API.Ledger.Test"})
    assert ledger_answer.status_code == 200 and isinstance(ledger_answer.json(), list)
    # a path under the shared host that is not the archive's base path is the ledger's
    other = ledger.get("/archive/v2/statements", headers={**KEY, "Host": "api.ledger.test"})
    assert other.status_code == 404 and other.json()["detail"] == "No operation at /archive/v2/statements"


def test_the_prefix_still_routes_an_api_that_has_a_host(ledger):
    r = ledger.get("/ledger-archive/statements", headers={"X-Forwarded-Proto": "https"})
    assert r.json() == {"api": "ledger-archive", "baseUrl": "https://testserver/ledger-archive"}


def test_unknown_host_falls_back_to_the_prefix(ledger):
    r = ledger.get("/ledger-archive/statements", headers={"Host": "elsewhere.test"})
    assert r.json()["baseUrl"] == "http://elsewhere.test/ledger-archive"


def test_server_addresses_come_from_absolute_servers_and_x_sandbox_hosts(tmp_path):
    spec = tmp_path / "one.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: One, version: '1'}\n"
        "x-sandbox: {api: one, handlers: tests.engine.archive_api, hosts: [Old.Example.test]}\n"
        "servers:\n"
        "  - url: https://api.example.test/one/v2/\n"
        "  - url: https://{region}.example.test\n"
        "  - url: /relative\n"
        "  - url: http://old.example.test\n"
        "paths: {}\n"
    )
    assert server_addresses(SpecDocument.load(spec)) == [
        ("api.example.test", "/one/v2"),
        ("old.example.test", ""),
    ]


def _specs_with(tmp_path, *extra: str):
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(HERE / "specs" / "ledger.yaml", specs)
    for index, text in enumerate(extra):
        (specs / f"clash-{index}.yaml").write_text(
            "openapi: 3.1.0\ninfo: {title: Clash, version: '1'}\n" + text + "paths: {}\n"
        )
    return Settings(specs_dir=specs, fixtures_dir=HERE / "fixtures")


def test_same_host_and_base_path_is_a_start_up_error_naming_both_specs(tmp_path):
    settings = _specs_with(
        tmp_path,
        "x-sandbox: {api: clash, prefix: /clash, handlers: tests.engine.archive_api}\n"
        "servers: [{url: 'https://api.ledger.test'}]\n",
    )
    with pytest.raises(SpecError) as refused:
        build_app(settings)
    assert "ledger.yaml" in str(refused.value) and "clash-0.yaml" in str(refused.value)
    assert "https://api.ledger.test/" in str(refused.value)


def test_same_prefix_is_a_start_up_error_naming_both_specs(tmp_path):
    settings = _specs_with(
        tmp_path, "x-sandbox: {api: clash, prefix: /ledger, handlers: tests.engine.archive_api}\n"
    )
    with pytest.raises(SpecError, match=r"clash-0\.yaml and .*ledger\.yaml both use the prefix /ledger:"):
        build_app(settings)


def test_a_host_shared_under_another_base_path_is_no_clash(tmp_path):
    settings = _specs_with(
        tmp_path,
        "x-sandbox: {api: clash, prefix: /clash, handlers: tests.engine.archive_api}\n"
        "servers: [{url: 'https://api.ledger.test/clash'}]\n",
    )
    services = build_app(settings).state.services
    dispatcher = Dispatcher(services.apis)
    assert [base for base, _ in dispatcher.by_host["api.ledger.test"]] == ["/clash", ""]


def test_each_host_gets_its_own_base_url_and_the_places_kept_stay_bounded(ledger):
    dispatcher = Dispatcher(ledger.app.state.services.apis)

    def scope(host: str, path: str = "/archive/v1/statements") -> dict:
        return {"path": path, "headers": [(b"host", host.encode())], "scheme": "http", "root_path": ""}

    for n in range(MAX_PLACES * 2 + 3):  # every Host a client may write, each once
        target = dispatcher.choose(scope(f"api.ledger.test:{8000 + n}"))
        assert (target.api.name, target.path) == ("ledger-archive", "/statements")
        assert target.base_url == f"http://api.ledger.test:{8000 + n}/archive/v1"
        assert len(dispatcher._candidates) <= MAX_PLACES
    # a place seen before answers as it did; a forwarded scheme is a place of its own
    assert (
        dispatcher.choose(scope("api.ledger.test:8000")).base_url == "http://api.ledger.test:8000/archive/v1"
    )
    forwarded = scope("elsewhere.test", "/ledger-archive/statements")
    forwarded["headers"].append((b"x-forwarded-proto", b"https"))
    assert dispatcher.choose(forwarded).base_url == "https://elsewhere.test/ledger-archive"
    assert dispatcher.choose(scope("elsewhere.test", "/nowhere")) is None
