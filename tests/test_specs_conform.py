"""Schemathesis runs every spec in specs/ against the app in-process: no 5xx, and every
response conforms to its spec (status, content type, headers, schema)."""

import io
import json
import zipfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient

from sandbox.app import build_app
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings
from sandbox.spec.formats import FORMAT_BUILDERS
from tests.conftest import DEFAULT_NOW

ADMIN_TOKEN = "schemathesis-admin"
APP = build_app(Settings(strict=True, now=parse_instant(DEFAULT_NOW), frozen=True, admin_token=ADMIN_TOKEN))
SERVICES = APP.state.services
MAX_EXAMPLES = 25


def demo_bearer_token() -> str:
    """An access token of the demo client with every scope it has (the clock is frozen)."""

    with TestClient(APP) as client:
        form = {
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-secret",
        }
        answer = client.post("/oauth2/token", data=form)
    return answer.json()["access_token"]


BEARER = demo_bearer_token()

for _name, _build in FORMAT_BUILDERS.items():
    schemathesis.openapi.format(_name, st.integers(min_value=0, max_value=2**40).map(_build))


def check_zip(content: bytes) -> None:
    """A zip answer opens, and every `.json` entry in it parses."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith(".json"):
                json.loads(archive.read(name))


def _demo_credential(scheme: dict, secret: str) -> dict:
    if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "basic":
        username, _, password = secret.partition(":")
        return {"username": username, "password": password}
    return {"api_key": secret}


def schemathesis_config(api) -> dict:
    """Each operation gets the demo credential of its own security scheme. Schema-valid requests
    may still break a rule the schema cannot express (a batch date in the future), so a 400 is
    an accepted answer to positive data; its body is still checked against the spec."""
    accepted = ["2xx", 400, 401, 403, 404, 409, 429]
    config: dict = {"checks": {"positive_data_acceptance": {"expected-statuses": accepted}}}
    if all("503" in op.responses for op in api.operations):
        # an API on hold (FOD) answers every call 503 by design, and documents it on each operation
        accepted.append(503)
        config["checks"]["not_a_server_error"] = {"expected-statuses": ["2xx", "3xx", "4xx", 503]}
    schemes = {
        name: _demo_credential(api.security_schemes.get(name, {}), secret)
        for name, secret in (api.fixture.get("demo_credentials") or {}).items()
        if isinstance(secret, str)  # API keys and Basic `user:password`; OAuth2 clients are dicts
    }
    schemes.update(
        {
            name: {"bearer": ADMIN_TOKEN if s.get("x-sandbox-admin") else BEARER}
            for name, s in api.security_schemes.items()
            if s.get("x-sandbox-admin") or s.get("type") == "oauth2"
        }
    )
    if schemes:
        config["auth"] = {"openapi": schemes}
    return config


def _conformance_test(api_name: str):
    api = SERVICES.api(api_name)
    config = SchemathesisConfig.from_dict(schemathesis_config(api))
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    # the clock is frozen, so the rate window never moves on: an API with many operations would
    # otherwise use up the demo tenant's room before Schemathesis is done with it
    TestClient(APP).put(
        "/__sandbox/tenants/demo/rate-limits", json={api_name: {"requests": 100_000}}, headers=admin
    )
    schema = schemathesis.openapi.from_asgi(f"/__sandbox/specs/{api_name}", APP, config=config, headers=admin)

    @schema.parametrize()
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def test(case):
        response = case.call(base_url=api.prefix)
        if "zip" in response.headers.get("content-type", [""])[0]:
            check_zip(response.content)
        case.validate_response(response)

    return test


for _api in SERVICES.apis:
    globals()[f"test_{_api.name.replace('-', '_')}_conforms_to_its_spec"] = _conformance_test(_api.name)


def test_every_spec_is_checked():
    names = {api.name for api in SERVICES.apis}
    assert {"sandbox", "nbb-cbso", "informat-students", "informat-bills"} <= names
    assert all(f"test_{n.replace('-', '_')}_conforms_to_its_spec" in globals() for n in names)


@pytest.mark.parametrize("api", SERVICES.apis, ids=lambda a: a.name)
def test_every_operation_has_a_handler(api):
    missing = [op.operation_id for op in api.operations if op.operation_id not in api.package.handlers]
    assert missing == []
