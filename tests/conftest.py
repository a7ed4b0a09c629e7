import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from starlette.testclient import TestClient

from sandbox.app import build_app
from sandbox.runtime import ratelimit
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


@pytest.fixture(autouse=True)
def steady_rate_windows(monkeypatch):
    """Rate-limit windows are spans of real time aligned to the clock, so a test that counts its
    requests would see the count start again if it ran across a minute's turn. In this process the
    limiter reads a clock that runs at real speed from a second past midnight: no window of a minute,
    five, an hour or a day turns in a test's first 59 seconds, and a one-second window still does."""
    now = time.time()
    shift = now - (now // 86400 * 86400 + 1)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: time.time() - shift))
