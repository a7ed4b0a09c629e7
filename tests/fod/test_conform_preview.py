"""Schemathesis runs both FOD specs in preview mode too (tests/test_specs_conform.py runs them on
hold), with an end user's token so requests reach the handlers."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient

from sandbox.app import build_app
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings
from tests.conftest import DEFAULT_NOW
from tests.fod.conftest import ACCOUNTANT, onboard, user_token

ADMIN_TOKEN = "schemathesis-admin"
APP = build_app(Settings(strict=True, now=parse_instant(DEFAULT_NOW), frozen=True, admin_token=ADMIN_TOKEN))
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _preview_token() -> str:
    with TestClient(APP, headers=ADMIN) as client:
        onboard(client)
        return user_token(client, ACCOUNTANT)


TOKEN = _preview_token()
CONFIG = {
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 400, 401, 403, 404, 409, 413, 422]}},
    "auth": {"openapi": {"fod": {"bearer": TOKEN}}},
}


def _conformance_test(api_name: str):
    api = APP.state.services.api(api_name)
    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_asgi(f"/__sandbox/specs/{api_name}", APP, config=config, headers=ADMIN)

    @schema.parametrize()
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def test(case):
        case.validate_response(case.call(base_url=api.prefix))

    return test


test_fod_myminfin_conforms_in_preview = _conformance_test("fod-myminfin")
test_fod_intervat_conforms_in_preview = _conformance_test("fod-intervat")
