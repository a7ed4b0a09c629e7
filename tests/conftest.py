from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sandbox.app import build_app
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# A Tuesday in November, 10:00 in Brussels: yesterday's batches are out, today's are not.
DEFAULT_NOW = "2026-11-17T09:00:00+00:00"


def make_client(**overrides) -> TestClient:
    settings = Settings(
        strict=True,
        now=parse_instant(overrides.pop("now", DEFAULT_NOW)),
        frozen=overrides.pop("frozen", True),
        **overrides,
    )
    return TestClient(build_app(settings))


@pytest.fixture
def client() -> TestClient:
    return make_client()
