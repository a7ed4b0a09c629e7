"""The feed follows the mandates as the tenant's overlay has them: a mandate ordered and activated
through the API brings CODA from its activation day, an archived one stops the day it is archived,
a refused one never brings any; the world's own mandates, left alone, keep their documents."""

import hashlib
from datetime import date, timedelta
from itertools import pairwise

import pytest
from pycoda.codafile import CodaFile

from sandbox.apis.codabox import coda, delivery, flow
from tests.codabox.v2 import (
    ACCOUNTANT,
    BASE,
    action,
    advance,
    demo_world,
    drain,
    feed,
    fresh_account,
    order_coda,
)
from tests.conftest import make_client

DAY = 86400


@pytest.fixture
def client():
    return make_client()


def _coda_of(client, iban: str) -> list[dict]:
    return [
        e
        for e in feed(client)["feed_entries"]
        if e["document_model"] == "coda" and e["metadata"]["iban"] == iban
    ]


def _active_mandate(client, bic: str = "GEBABEBB") -> tuple[str, str]:
    """A CODA mandate ordered for a new IBAN, signed and activated by the bank now: (id, IBAN)."""
    company, iban = fresh_account(client, bic)
    mandate = order_coda(client, company.id, bic, [iban]).json()
    advance(client, 600)
    action(client, "sign", {"mandate_id": mandate["id"]})
    assert action(client, "activate", {"mandate_id": mandate["id"]})["state"] == "active"
    return mandate["id"], iban


def test_an_ordered_and_activated_mandate_brings_coda_from_its_activation_day(client):
    drain(client)
    _, iban = _active_mandate(client)
    assert _coda_of(client, iban) == []  # the day's statement comes the next morning
    advance(client, 3 * DAY)
    entries = _coda_of(client, iban)
    days = [e["metadata"]["new_balance_date"] for e in entries]
    assert days == ["2026-11-17", "2026-11-18", "2026-11-19"]
    balances = []
    for entry in entries:
        answer = client.get(f"{BASE}/delivery/download/{entry['feed_index']}/cod/", headers=ACCOUNTANT)
        assert answer.status_code == 200
        text = answer.content.decode(coda.ENCODING)
        parsed = CodaFile()
        parsed.loads(text)
        assert parsed.dumps(sep="\n") + "\n" == text
        lines = text.splitlines()
        assert lines[1][5:21] == iban
        assert sum(1 for line in lines if line.startswith("21")) == entry["metadata"]["movement_count"]
        balances.append((lines[1][42:58], lines[-2][41:57]))  # signed old and new balances
        xml = client.get(f"{BASE}/delivery/download/{entry['feed_index']}/xml", headers=ACCOUNTANT)
        assert xml.status_code == 200 and iban.encode() in xml.content
    # each day's old balance is the previous day's new balance
    assert all(old == new for (_, new), (old, _) in pairwise(balances))


def test_an_archived_mandate_brings_nothing_after_the_day_it_stops(client):
    drain(client)
    mandate_id, iban = _active_mandate(client)
    advance(client, 2 * DAY)
    action(client, "archive", {"mandate_id": mandate_id, "reason": "stopped by the client"})
    advance(client, 5 * DAY)
    days = [e["metadata"]["new_balance_date"] for e in _coda_of(client, iban)]
    assert days == ["2026-11-17", "2026-11-18"]


def test_archiving_a_world_mandate_stops_its_documents(client):
    world = demo_world(client)
    now = client.app.state.services.settings.now
    entry = next(e for e in feed(client)["feed_entries"] if e["document_model"] == "coda")
    mandate = world.bank_account_mandate(entry["metadata"]["iban"])
    assert mandate.state_at(now) == "active"
    action(client, "archive", {"mandate_id": mandate.id, "reason": "stopped by the bank"})
    drain(client)
    advance(client, 5 * DAY)
    assert all(
        not (e["document_model"] == "coda" and e["metadata"]["iban"] in mandate.ibans)
        for e in feed(client)["feed_entries"]
    )


def test_a_refused_mandate_brings_nothing(client):
    drain(client)
    company, iban = fresh_account(client, "GEBABEBB")
    mandate = order_coda(client, company.id, "GEBABEBB", [iban]).json()
    advance(client, 600)
    action(client, "sign", {"mandate_id": mandate["id"]})
    body = {"mandate_id": mandate["id"], "reason_code": "R-7", "reason": "account closed"}
    action(client, "refuse", body)
    advance(client, 10 * DAY)
    assert _coda_of(client, iban) == []


def test_without_an_overlay_the_documents_are_the_worlds_own(world):
    office = world.offices[0].id
    start, end = date(2025, 3, 1), date(2025, 4, 30)
    assert flow.office_documents(world, {}, office, start, end) == world.documents(office, start, end)
    client = world.clients(office)[1]
    assert flow.client_documents(world, {}, client, start, end + timedelta(1)) == list(
        world.client_documents(client, start, end + timedelta(1))
    )


# The world's files as they were before the feed learned the overlay: a change to any generator
# shows here first, and must be meant.
WORLD_FILES_SHA256 = "2d6e320d59cab38f84a26fa5138d9de206c44ae368d0a47b1e3957779083cfba"


def test_the_worlds_own_files_are_unchanged(world):
    digest = hashlib.sha256()
    for office in world.offices[:2]:
        for ref in world.documents(office.id, date(2025, 3, 3), date(2025, 3, 14)):
            digest.update(ref.id.encode())
            entry = delivery.Entry(ref.id, ref.model, ref.client_id, ref.available_at, ref=ref)
            for fmt in ("cod", "xml") if ref.model == "coda" else ("xml",):
                digest.update(delivery.render(world, entry, fmt))
    assert digest.hexdigest() == WORLD_FILES_SHA256


def test_an_ordered_account_the_world_does_not_hold_is_among_the_clients_accounts(client):
    company, iban = fresh_account(client, "GEBABEBB")
    mandate = order_coda(client, company.id, "GEBABEBB", [iban]).json()
    view = client.get(f"{BASE}/clients/{company.id}/", headers=ACCOUNTANT).json()
    account = next(a for a in view["bank_accounts"] if a["iban"] == iban)
    assert (account["bank_id"], account["coda_mandate_ids"], account["state"]) == (
        "GEBABEBB",
        [mandate["id"]],
        "registered",
    )
    assert [a["iban"] for a in view["bank_accounts"][:-1]] == [a.iban for a in company.accounts]
