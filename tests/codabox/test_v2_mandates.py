"""Ordering CODA and SODA mandates over HTTP: the mandate, its PDF at once, the signing URL where the
bank signs online, every refusal as `{"detail"}`, and the lifecycle through sandbox actions and the clock."""

import pytest
from pypdf import PdfReader

from tests.codabox.v2 import ACCOUNTANT, API, BASE, action, advance, demo_world, fresh_account, order_coda
from tests.conftest import make_client


@pytest.fixture
def client():
    return make_client()


def test_a_coda_mandate_answers_the_mandate_its_pdf_and_the_signing_url(client):
    company, iban = fresh_account(client, "GEBABEBB")
    answer = order_coda(client, company.id, "GEBABEBB", [iban])
    assert answer.status_code == 201, answer.text
    mandate = answer.json()
    assert mandate["state"] == "registered" and mandate["ibans"] == [iban] and mandate["reason_code"] == "R-0"
    assert mandate["twikey_url"].endswith(mandate["id"])
    pdf = client.get(mandate["pdf"].replace("http://testserver", ""), headers=ACCOUNTANT)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    import io

    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert company.name in text and iban in text and "BNP Paribas Fortis" in text
    assert demo_world(client).offices[0].name in text


def test_a_bank_without_online_signing_gives_no_signing_url(client):
    company, iban = fresh_account(client, "TRIOBEBB")
    mandate = order_coda(client, company.id, "TRIOBEBB", [iban]).json()
    assert mandate["twikey_url"] is None


def test_the_client_signs_and_the_bank_activates_days_later(client):
    company, iban = fresh_account(client, "KREDBEBB")
    mandate = order_coda(client, company.id, "KREDBEBB", [iban]).json()
    advance(client, 600)
    result = action(client, "sign", {"mandate_id": mandate["id"]})
    assert result["state"] == "signed" and [s for _, s in result["planned"]] == ["bank_procedure", "active"]
    advance(client, 3600 * 2)
    assert (
        client.get(f"{BASE}/mandates/{mandate['id']}/", headers=ACCOUNTANT).json()["state"]
        == "bank_procedure"
    )
    advance(client, 86400 * 4)
    now = client.get(f"{BASE}/mandates/{mandate['id']}", headers=ACCOUNTANT).json()
    assert now["state"] == "active" and now["validity_start"] and now["twikey_url"] is None
    listed = client.get(f"{BASE}/clients/{company.id}/", headers=ACCOUNTANT).json()
    assert mandate["id"] in [m["id"] for m in listed["coda_mandates"]]


def test_a_refusing_bank_puts_the_mandate_in_problem_with_its_reason_code(client):
    company, iban = fresh_account(client, "CTBKBEBX")
    mandate = order_coda(client, company.id, "CTBKBEBX", [iban]).json()
    advance(client, 600)
    action(client, "sign", {"mandate_id": mandate["id"]})
    advance(client, 86400 * 10)
    now = client.get(f"{BASE}/mandates/{mandate['id']}/", headers=ACCOUNTANT).json()
    assert (now["state"], now["reason_code"]) == ("problem", "R-3")
    assert "signerNotMandatary" in now["reason"]


def test_the_bank_refuses_through_an_action(client):
    company, iban = fresh_account(client, "GEBABEBB")
    mandate = order_coda(client, company.id, "GEBABEBB", [iban]).json()
    advance(client, 600)
    action(client, "sign", {"mandate_id": mandate["id"]})
    body = {"mandate_id": mandate["id"], "reason_code": "R-7", "reason": "account closed"}
    assert action(client, "refuse", body)["state"] == "problem"
    assert client.get(f"{BASE}/mandates/{mandate['id']}/", headers=ACCOUNTANT).json()["reason_code"] == "R-7"


def test_a_client_that_never_signs_cannot_sign(client):
    world = demo_world(client)
    never = next(c for c in world.clients(world.offices[0].id) if c.never_signs)
    mandate = next(m for m in world.mandates(never.id) if m.kind == "coda")
    answer = client.post(f"/__sandbox/tenants/demo/apis/{API}/actions/sign", json={"mandate_id": mandate.id})
    assert answer.status_code == 409 and "never signs" in answer.json()["detail"]


def test_natural_persons_get_no_coda(client):
    world = demo_world(client)
    person = next(c for c in world.clients(world.offices[0].id) if c.natural_person)
    account = person.accounts[0]
    answer = order_coda(client, person.id, account.bank.bic, [account.iban])
    assert answer.status_code == 400 and "natural person" in answer.json()["detail"]


def test_an_iban_is_unique_in_the_whole_system(client):
    world = demo_world(client)
    first = world.clients(world.offices[0].id)
    linked = world.iban_linked_to_another_office
    bank = world.account(linked)[1].bank.bic
    company = next(c for c in first if c.enterprise_number and not c.never_signs)
    answer = order_coda(client, company.id, bank, [linked])
    assert answer.status_code == 409 and "another accounting office" in answer.json()["detail"]
    platform = world.iban_under_another_platform
    answer = order_coda(
        client,
        company.id,
        world.account(platform)[1].bank.bic if world.account(platform) else "GKCCBEBB",
        [platform],
    )
    assert answer.status_code == 409 and "another platform" in answer.json()["detail"]


def test_a_requested_iban_cannot_be_ordered_again_an_archived_one_can(client):
    company, iban = fresh_account(client, "GEBABEBB")
    assert order_coda(client, company.id, "GEBABEBB", [iban]).status_code == 201
    again = order_coda(client, company.id, "GEBABEBB", [iban])
    assert again.status_code == 409 and "already requested" in again.json()["detail"]
    mandate = client.get(f"{BASE}/clients/{company.id}/", headers=ACCOUNTANT).json()["coda_mandates"][-1]
    advance(client, 600)
    action(client, "sign", {"mandate_id": mandate["id"]})
    action(client, "activate", {"mandate_id": mandate["id"]})
    action(client, "archive", {"mandate_id": mandate["id"], "reason": "stopped by the client"})
    advance(client, 60)
    answer = order_coda(client, company.id, "GEBABEBB", [iban])
    assert answer.status_code == 201, answer.text


def test_request_mistakes_are_400_and_unknowns_404(client):
    company, iban = fresh_account(client, "GEBABEBB")
    assert "no bank with this BIC" in order_coda(client, company.id, "NOPEBEBB", [iban]).json()["detail"]
    assert order_coda(client, company.id, "GEBABEBB", []).json()["detail"].startswith("a CODA mandate names")
    wrong_bank = order_coda(client, company.id, "KREDBEBB", [iban])
    assert wrong_bank.status_code == 400 and "not an account of KBC" in wrong_bank.json()["detail"]
    bad = order_coda(client, company.id, "GEBABEBB", ["BE00000000000000"])
    assert bad.status_code == 400 and "not a valid Belgian IBAN" in bad.json()["detail"]
    assert order_coda(client, "no-such-client", "GEBABEBB", [iban]).status_code == 404
    assert client.get(f"{BASE}/mandates/nope/", headers=ACCOUNTANT).status_code == 404


def test_no_soda_without_coda_and_the_secretariat_confirms(client):
    world = demo_world(client)
    now = client.app.state.services.settings.now
    bare = next(c for c in world.clients(world.offices[0].id) if c.enterprise_number and not c.never_signs)
    for mandate in world.mandates(bare.id):
        if mandate.state_at(now) not in (None, "archived"):
            action(client, "archive", {"mandate_id": mandate.id, "reason": "stopped by the client"})
    advance(client, 60)
    refused = client.post(f"{BASE}/clients/{bare.id}/soda-mandates/", headers=ACCOUNTANT)
    assert refused.status_code == 409 and "needs a CODA mandate" in refused.json()["detail"]
    _, iban = fresh_account(client, "KREDBEBB")
    coda = order_coda(client, bare.id, "KREDBEBB", [iban]).json()
    soda = client.post(f"{BASE}/clients/{bare.id}/soda-mandates", headers=ACCOUNTANT).json()
    assert (soda["type"], soda["state"]) == ("soda", "not_signed")
    again = client.post(f"{BASE}/clients/{bare.id}/soda-mandates/", headers=ACCOUNTANT)
    assert again.status_code == 409 and "already has a SODA mandate" in again.json()["detail"]
    advance(client, 600)
    early = client.post(f"/__sandbox/tenants/demo/apis/{API}/actions/sign", json={"mandate_id": soda["id"]})
    assert (
        early.status_code == 409 and "once a CODA mandate of the client is signed" in early.json()["detail"]
    )
    action(client, "sign", {"mandate_id": coda["id"]})
    assert action(client, "sign", {"mandate_id": soda["id"]})["state"] == "signed"
    advance(client, 86400 * 3)
    confirmed = action(client, "confirm-social", {"mandate_id": soda["id"]})
    assert confirmed["state"] == "confirmed" and [s for _, s in confirmed["planned"]] == ["active"]
