"""Schemathesis runs every spec in specs/ against the app in-process: no 5xx, and every
response conforms to its spec (status, content type, headers, schema)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from sandbox.app import build_app
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings
from tests.conftest import DEFAULT_NOW

APP = build_app(Settings(strict=True, now=parse_instant(DEFAULT_NOW), frozen=True))
SANDBOX = APP.state.sandbox
MAX_EXAMPLES = 25


def operation_headers(api, operation_id: str) -> dict[str, str]:
    op = next(o for o in api.operations if o.operation_id == operation_id)
    schemes = api.security_schemes
    secrets = api.fixture.get("demo_credentials") or {}
    return {
        schemes[name]["name"]: secrets[name]
        for requirement in op.security[:1]
        for name in requirement
        if name in secrets and schemes[name].get("in") == "header"
    }


def _conformance_test(api_name: str):
    api = SANDBOX.api(api_name)
    schema = schemathesis.openapi.from_asgi(f"/__sandbox/specs/{api_name}", APP)

    @schema.parametrize()
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def test(case):
        case.call_and_validate(
            base_url=api.prefix, headers=operation_headers(api, case.operation.definition.raw["operationId"])
        )

    return test


for _api in SANDBOX.apis:
    globals()[f"test_{_api.name.replace('-', '_')}_conforms_to_its_spec"] = _conformance_test(_api.name)


def test_every_spec_is_checked():
    names = {api.name for api in SANDBOX.apis}
    assert {"sandbox", "nbb-cbso"} <= names
    assert all(f"test_{n.replace('-', '_')}_conforms_to_its_spec" in globals() for n in names)


@pytest.mark.parametrize("api", SANDBOX.apis, ids=lambda a: a.name)
def test_every_operation_has_a_handler(api):
    missing = [op.operation_id for op in api.operations if op.operation_id not in api.package.handlers]
    assert missing == []
