"""CodaBox Connect's doors: the API root, the product's token endpoint (client credentials with
HTTP Basic), bearer tokens, JSON:API bodies in either media type, and `ibanity-request-id` on every
answer."""

import json

import pytest

from tests.codabox.connect import (
    BASE,
    DEMO_CLIENT,
    JSON_API,
    basic,
    bearer,
    confirmed_office,
    consent_body,
    demo_world,
    errors,
    token,
)
from tests.conftest import make_client


@pytest.fixture
def client():
    return make_client()


def test_the_api_root_links_every_resource_without_credentials(client):
    answer = client.get(BASE, headers={"Host": "api.ibanity.com"})
    assert answer.status_code == 200 and answer.headers["content-type"] == JSON_API
    links = answer.json()["links"]
    assert links["oauth2"]["token"] == "http://api.ibanity.com/codabox-connect/oauth2/token"
    assert links["accountingOfficeConsents"].endswith(
        "/accounting-office-consents/{accountingOfficeConsentId}"
    )
    offices = links["accountingOffices"]
    assert offices["documentSearches"].endswith("/accounting-offices/{accountingOfficeId}/document-searches")
    assert offices["payrollStatements"].endswith(
        "/clients/{clientId}/payroll-statements/{payrollStatementId}"
    )
    assert set(offices) == {
        "documentSearches",
        "bankAccountStatements",
        "creditCardStatements",
        "payrollStatements",
        "purchaseInvoices",
        "salesInvoices",
    }


def test_the_real_host_serves_the_product_under_its_base_path(client):
    answer = client.get("/codabox-connect/", headers={"Host": "api.ibanity.com"})
    assert answer.status_code == 200 and "links" in answer.json()


def test_a_token_for_the_client_credentials_with_its_lifetime(client):
    form = {"grant_type": "client_credentials", "scope": "offline_access"}
    answer = client.post(f"{BASE}/oauth2/token", data=form, headers=basic(*DEMO_CLIENT))
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"].lower() == "bearer" and body["expires_in"] == 3600
    assert "offline_access" in body["scope"].split()
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("form", "credentials", "status", "error"),
    [
        ({"grant_type": "client_credentials"}, (DEMO_CLIENT[0], "wrong"), 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, ("nobody", "secret"), 401, "invalid_client"),
        ({"grant_type": "authorization_code", "code": "x"}, DEMO_CLIENT, 400, "unsupported_grant_type"),
        ({"scope": "offline_access"}, DEMO_CLIENT, 400, "invalid_request"),
        ({"grant_type": "client_credentials", "scope": "payments"}, DEMO_CLIENT, 400, "invalid_scope"),
    ],
)
def test_token_refusals_are_oauth2_errors(client, form, credentials, status, error):
    answer = client.post(f"{BASE}/oauth2/token", data=form, headers=basic(*credentials))
    assert answer.status_code == status
    assert answer.json()["error"] == error and answer.json()["error_description"]
    assert answer.headers["ibanity-request-id"]


def test_without_client_authentication_the_token_is_refused(client):
    answer = client.post(f"{BASE}/oauth2/token", data={"grant_type": "client_credentials"})
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_a_call_without_a_token_is_unauthorized_in_json_api(client):
    office = demo_world(client).offices[0]
    answer = client.get(f"{BASE}/accounting-office-consents/{office.id}")
    assert answer.status_code == 401
    assert [e["code"] for e in errors(answer)] == ["unauthorized"]
    assert answer.headers["ibanity-request-id"]


def test_an_expired_token_is_refused(client):
    headers = {"Authorization": f"Bearer {token(client)}"}
    client.put("/__sandbox/tenants/demo/clock", json={"advanceSeconds": 3601})
    answer = client.get(
        f"{BASE}/accounting-office-consents/00000000-0000-4000-8000-000000000000", headers=headers
    )
    assert answer.status_code == 401 and errors(answer)[0]["code"] == "unauthorized"


def test_every_answer_carries_a_fresh_ibanity_request_id(client):
    headers = bearer(client)
    ids = {client.get(BASE).headers["ibanity-request-id"] for _ in range(3)}
    ids.add(client.get(f"{BASE}/nowhere", headers=headers).headers["ibanity-request-id"])
    assert len(ids) == 4


def test_bodies_are_taken_as_json_api_and_as_json_with_a_charset(client):
    headers = bearer(client)
    world = demo_world(client)
    for index, media_type in enumerate(["application/vnd.api+json", "application/json; charset=utf-8"]):
        number = world.offices[index].enterprise_number
        answer = client.post(
            f"{BASE}/accounting-office-consents",
            content=json.dumps(consent_body(number)),
            headers={**headers, "Content-Type": media_type},
        )
        assert answer.status_code == 201, (media_type, answer.text)


def test_another_body_media_type_is_unsupported(client):
    answer = client.post(
        f"{BASE}/accounting-office-consents",
        content="<consent/>",
        headers={**bearer(client), "Content-Type": "application/xml"},
    )
    assert answer.status_code == 415 and errors(answer)[0]["code"] == "unsupportedMediaType"


def test_unknown_paths_and_methods_answer_in_json_api(client):
    headers = bearer(client)
    assert errors(client.get(f"{BASE}/accounting-offices", headers=headers))[0]["code"] == "notFound"
    answer = client.delete(f"{BASE}/accounting-office-consents", headers=headers)
    assert answer.status_code == 405 and errors(answer)[0]["code"] == "methodNotAllowed"


def test_a_schema_break_names_each_attribute(client):
    office = confirmed_office(client, bearer(client))
    body = {
        "data": {
            "type": "documentSearch",
            "attributes": {"documentType": "receipt"},
            "relationships": {"clients": {"data": []}},
        }
    }
    answer = client.post(
        f"{BASE}/accounting-offices/{office.id}/document-searches", json=body, headers=bearer(client)
    )
    assert answer.status_code == 400
    found = {e["meta"]["attribute"]: e for e in errors(answer)}
    assert set(found) == {"documentType", "data"}
    assert all(e["code"] == "validationError" and e["detail"] for e in found.values())
