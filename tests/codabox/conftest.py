from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from sandbox.apis.codabox.world import Client, CodaboxWorld

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "codabox.yaml"


@pytest.fixture(scope="session")
def fixture_dict() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def world(fixture_dict) -> CodaboxWorld:
    return CodaboxWorld("test-seed", "t-codabox", fixture_dict)


def accented_client(world: CodaboxWorld) -> Client:
    return next(c for c in world.clients(world.offices[0].id) if c.accented)


def coda_clients(world: CodaboxWorld, count: int) -> list[Client]:
    """The accented client and the first others with an active CODA mandate, from several offices."""
    chosen = [accented_client(world)]
    for office in world.offices:
        for client in world.clients(office.id):
            if len(chosen) < count and client not in chosen and first_coda_day(world, client):
                chosen.append(client)
                break
    return chosen


def first_coda_day(world: CodaboxWorld, client: Client) -> date | None:
    starts = [m.validity_start for m in world.mandates(client.id) if m.kind == "coda" and m.validity_start]
    return min(starts, default=None)


@pytest.fixture(scope="session")
def first_90_days(world):
    """Every CODA statement of a few clients' first 90 days, per account, in date order."""
    out = {}
    for client in coda_clients(world, 4):
        start = first_coda_day(world, client)
        for ref in world.client_documents(client, start, start + timedelta(89)):
            if ref.model == "coda":
                out.setdefault(ref.key[0], []).append(world.statement(*ref.key))
    return out
