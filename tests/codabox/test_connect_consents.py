"""Accounting-office consents: created `unconfirmed` for a valid enterprise number, confirmed or
denied at the confirmation page (which sends the browser back to `redirectUri`) or by a sandbox
action, read back in their state; `Ibanity-Idempotency-Key` replays a creation."""

import uuid

import pytest

from tests.codabox.connect import (
    BASE,
    action,
    basic,
    bearer,
    consent_body,
    create_consent,
    demo_world,
    errors,
)
from tests.conftest import make_client


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def headers(client):
    return bearer(client)


def _path(uri: str) -> str:
    return uri.split("testserver", 1)[1]


def test_a_consent_is_created_unconfirmed_with_its_confirmation_page(client, headers):
    office = demo_world(client).offices[1]
    consent = create_consent(client, headers, office)
    assert consent["type"] == "accountingOfficeConsent" and uuid.UUID(consent["id"])
    attributes = consent["attributes"]
    assert attributes["status"] == "unconfirmed"
    assert attributes["accountingOfficeId"] == office.id
    assert attributes["accountingOfficeCompanyNumber"] == office.enterprise_number
    assert attributes["redirectUri"] == "https://vendor.test/codabox/back"
    assert attributes["requestedAt"] == "2026-11-17T09:00:00.000Z"
    assert (
        f"/accounting-office-consents/{consent['id']}/confirmation?tenant=demo"
        in attributes["confirmationUri"]
    )
    read = client.get(f"{BASE}/accounting-office-consents/{consent['id']}", headers=headers).json()["data"]
    assert read == consent


@pytest.mark.parametrize(
    ("number", "code", "status"),
    [
        ("0403019262", "validationError", 400),  # a broken mod-97 check
        ("BE0403019261", "validationError", 400),
        ("0403019261", "unknownAccountingOffice", 404),  # valid, but no office of CodaBox
    ],
)
def test_the_company_number_must_be_an_office_of_codabox(client, headers, number, code, status):
    answer = client.post(f"{BASE}/accounting-office-consents", json=consent_body(number), headers=headers)
    assert answer.status_code == status
    (error,) = errors(answer)
    assert error["code"] == code and error["meta"]["attribute"] == "accountingOfficeCompanyNumber"


def test_the_redirect_uri_must_be_http(client, headers):
    number = demo_world(client).offices[0].enterprise_number
    body = consent_body(number, redirect="javascript:alert(1)")
    answer = client.post(f"{BASE}/accounting-office-consents", json=body, headers=headers)
    assert answer.status_code == 400 and errors(answer)[0]["meta"]["attribute"] == "redirectUri"


def test_the_page_confirms_and_sends_the_browser_back(client, headers):
    office = demo_world(client).offices[0]
    consent = create_consent(client, headers, office)
    page = client.get(_path(consent["attributes"]["confirmationUri"]))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert office.name.split()[0] in page.text and 'value="confirm"' in page.text
    decided = client.post(
        _path(consent["attributes"]["confirmationUri"]), data={"decision": "confirm"}, follow_redirects=False
    )
    assert decided.status_code == 302 and decided.headers["location"] == "https://vendor.test/codabox/back"
    read = client.get(f"{BASE}/accounting-office-consents/{consent['id']}", headers=headers).json()
    assert read["data"]["attributes"]["status"] == "confirmed"
    again = client.get(_path(consent["attributes"]["confirmationUri"]))
    assert "This consent is confirmed" in again.text and "<form" not in again.text


def test_a_decided_consent_cannot_be_decided_again(client, headers):
    consent = create_consent(client, headers, demo_world(client).offices[0])
    uri = _path(consent["attributes"]["confirmationUri"])
    assert client.post(uri, data={"decision": "deny"}, follow_redirects=False).status_code == 302
    answer = client.post(uri, data={"decision": "confirm"}, follow_redirects=False)
    assert answer.status_code == 409 and errors(answer)[0]["code"] == "accountingOfficeConsentAlreadyDecided"
    read = client.get(f"{BASE}/accounting-office-consents/{consent['id']}", headers=headers).json()
    assert read["data"]["attributes"]["status"] == "denied"


def test_the_sandbox_actions_confirm_and_deny(client, headers):
    world = demo_world(client)
    first = create_consent(client, headers, world.offices[0])
    second = create_consent(client, headers, world.offices[1])
    confirmed = action(client, "confirm-consent", {"consentId": first["id"]})
    assert confirmed.json()["result"] == {
        "id": first["id"],
        "status": "confirmed",
        "accountingOfficeId": world.offices[0].id,
    }
    assert action(client, "deny-consent", {"consentId": second["id"]}).json()["result"]["status"] == "denied"
    assert action(client, "deny-consent", {"consentId": second["id"]}).status_code == 409
    assert action(client, "confirm-consent", {"consentId": str(uuid.uuid4())}).status_code == 404


def test_an_office_with_a_confirmed_consent_is_already_registered(client, headers):
    office = demo_world(client).offices[0]
    first = create_consent(client, headers, office)
    pending = create_consent(client, headers, office)  # an unconfirmed consent may be asked again
    action(client, "confirm-consent", {"consentId": first["id"]})
    answer = client.post(
        f"{BASE}/accounting-office-consents", json=consent_body(office.enterprise_number), headers=headers
    )
    assert answer.status_code == 409 and errors(answer)[0]["code"] == "alreadyRegistered"
    assert action(client, "confirm-consent", {"consentId": pending["id"]}).status_code == 409


def test_unknown_consents_and_tenants_are_not_found(client, headers):
    missing = str(uuid.uuid4())
    answer = client.get(f"{BASE}/accounting-office-consents/{missing}", headers=headers)
    assert answer.status_code == 404 and errors(answer)[0]["code"] == "notFound"
    consent = create_consent(client, headers, demo_world(client).offices[0])
    page = client.get(
        f"{BASE}/accounting-office-consents/{consent['id']}/confirmation", params={"tenant": "t-nobody"}
    )
    assert page.status_code == 404


def test_consents_belong_to_their_tenant(client, headers):
    tenant = client.post("/__sandbox/tenants", json={}).json()
    credentials = tenant["credentials"]["codabox-connect"]["ibanity"]
    form = {"grant_type": "client_credentials"}
    answer = client.post(
        f"{BASE}/oauth2/token",
        data=form,
        headers=basic(credentials["client_id"], credentials["client_secret"]),
    )
    theirs = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    consent = create_consent(client, headers, demo_world(client).offices[0])
    assert client.get(f"{BASE}/accounting-office-consents/{consent['id']}", headers=theirs).status_code == 404
    services = client.app.state.services
    their_office = services.worlds.get(services.api("codabox-connect"), tenant["id"]).offices[0]
    assert their_office.enterprise_number != demo_world(client).offices[0].enterprise_number
    mine = create_consent(client, theirs, their_office)
    assert f"tenant={tenant['id']}" in mine["attributes"]["confirmationUri"]
    page = client.post(
        _path(mine["attributes"]["confirmationUri"]), data={"decision": "confirm"}, follow_redirects=False
    )
    assert page.status_code == 302
    read = client.get(f"{BASE}/accounting-office-consents/{mine['id']}", headers=theirs).json()
    assert read["data"]["attributes"]["status"] == "confirmed"


def test_the_same_idempotency_key_and_body_replay_the_first_answer(client, headers):
    number = demo_world(client).offices[0].enterprise_number
    key = {"Ibanity-Idempotency-Key": str(uuid.uuid4())}
    first = client.post(
        f"{BASE}/accounting-office-consents", json=consent_body(number), headers={**headers, **key}
    )
    again = client.post(
        f"{BASE}/accounting-office-consents", json=consent_body(number), headers={**headers, **key}
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.headers["ibanity-request-id"] != again.headers["ibanity-request-id"]


def test_the_same_idempotency_key_with_another_body_is_refused(client, headers):
    world = demo_world(client)
    key = {"Ibanity-Idempotency-Key": str(uuid.uuid4())}
    body = consent_body(world.offices[0].enterprise_number)
    assert (
        client.post(f"{BASE}/accounting-office-consents", json=body, headers={**headers, **key}).status_code
        == 201
    )
    other = consent_body(world.offices[1].enterprise_number)
    answer = client.post(f"{BASE}/accounting-office-consents", json=other, headers={**headers, **key})
    assert answer.status_code == 409
    (error,) = errors(answer)
    assert (
        error["code"] == "idempotencyKeyConflict" and error["meta"]["attribute"] == "Ibanity-Idempotency-Key"
    )


def test_a_refused_request_is_not_kept_under_its_key(client, headers):
    key = {"Ibanity-Idempotency-Key": str(uuid.uuid4())}
    number = demo_world(client).offices[0].enterprise_number
    bad = client.post(
        f"{BASE}/accounting-office-consents", json=consent_body("0403019261"), headers={**headers, **key}
    )
    assert bad.status_code == 404
    good = client.post(
        f"{BASE}/accounting-office-consents", json=consent_body(number), headers={**headers, **key}
    )
    assert good.status_code == 201
