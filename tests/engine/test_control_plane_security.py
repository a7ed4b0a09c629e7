"""The control plane stays this machine's: the loopback rule, the admin token the app itself asks
for beyond loopback, the Host check against DNS rebinding and the Origin check against cross-site
writes."""

import pytest
from starlette.testclient import TestClient

from sandbox.app import build_app
from sandbox.runtime.network import is_loopback
from sandbox.settings import Settings
from tests.conftest import make_client


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "::ffff:127.0.0.1", "localhost"]
)
def test_loopback_is_127_0_0_0_8_and_ipv6_1(host):
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "192.0.2.10", "::", "128.0.0.1", "localhost.example", "testserver"]
)
def test_anything_else_is_beyond_loopback(host):
    assert not is_loopback(host)


def test_the_app_served_beyond_loopback_without_a_token_refuses_the_control_plane():
    app = build_app(Settings())
    beyond = TestClient(app, base_url="http://192.0.2.10:8000")
    refused = beyond.post("/__sandbox/tenants", json={})
    assert refused.status_code == 403
    assert "no admin token is set" in refused.json()["detail"]
    local = TestClient(app, base_url="http://127.0.0.2:8000")
    assert local.post("/__sandbox/tenants", json={}).status_code == 201


def test_with_a_token_the_app_serves_the_control_plane_anywhere_to_its_holder():
    beyond = TestClient(build_app(Settings(admin_token="t0ken")), base_url="http://192.0.2.10:8000")
    assert beyond.post("/__sandbox/tenants", json={}).status_code == 401
    ok = beyond.post("/__sandbox/tenants", json={}, headers={"Authorization": "Bearer t0ken"})
    assert ok.status_code == 201


@pytest.fixture(scope="module")
def client():
    return make_client()


def test_a_rebound_host_is_refused_on_the_open_control_plane(client):
    refused = client.post("/__sandbox/tenants", json={}, headers={"Host": "attacker.example"})
    assert refused.status_code == 421
    assert refused.json()["detail"].startswith("Host 'attacker.example' is not served here")
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "testserver"):
        assert client.get("/__sandbox/tenants", headers={"Host": host}).status_code == 200, host


def test_a_cross_site_post_without_a_body_is_refused(client):
    before = len(client.get("/__sandbox/tenants").json())
    for headers in (
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        refused = client.post("/__sandbox/tenants", headers=headers)
        assert refused.status_code == 403, headers
        assert refused.json()["detail"].startswith("Cross-site requests to the control plane are refused")
    assert len(client.get("/__sandbox/tenants").json()) == before
    same_site = client.post("/__sandbox/tenants", json={}, headers={"Origin": "http://localhost:8000"})
    assert same_site.status_code == 201
