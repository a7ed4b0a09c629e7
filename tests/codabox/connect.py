"""What the tests of CodaBox Connect share: the demo client's token, consents confirmed through the
sandbox action, document searches, and the world the demo tenant sees."""

from __future__ import annotations

import base64
import uuid

from starlette.testclient import TestClient

from sandbox.apis.codabox.world import CodaboxWorld, Office

BASE = "/codabox-connect"
API = "codabox-connect"
JSON_API = "application/vnd.api+json"
DEMO_CLIENT = ("demo-codabox-connect", "demo-codabox-connect-secret")


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def token(client: TestClient) -> str:
    form = {"grant_type": "client_credentials", "scope": "offline_access"}
    answer = client.post(f"{BASE}/oauth2/token", data=form, headers=basic(*DEMO_CLIENT))
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def bearer(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client)}", "Accept": JSON_API}


def demo_world(client: TestClient) -> CodaboxWorld:
    services = client.app.state.services
    return services.worlds.get(services.api(API), "demo")


def consent_body(number: str, redirect: str = "https://vendor.test/codabox/back") -> dict:
    attributes = {"accountingOfficeCompanyNumber": number, "redirectUri": redirect}
    return {"data": {"type": "accountingOfficeConsent", "attributes": attributes}}


def create_consent(client: TestClient, headers: dict, office: Office, **extra) -> dict:
    answer = client.post(
        f"{BASE}/accounting-office-consents",
        json=consent_body(office.enterprise_number),
        headers={**headers, "Ibanity-Idempotency-Key": str(uuid.uuid4()), **extra},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]


def action(client: TestClient, name: str, body: dict, tenant: str = "demo"):
    return client.post(f"/__sandbox/tenants/{tenant}/apis/{API}/actions/{name}", json=body)


def confirmed_office(client: TestClient, headers: dict, index: int = 0) -> Office:
    """An office of the demo world that confirmed a consent (through the sandbox action)."""
    office = demo_world(client).offices[index]
    consent = create_consent(client, headers, office)
    assert action(client, "confirm-consent", {"consentId": consent["id"]}).status_code == 200
    return office


def company_numbers(world: CodaboxWorld, office: Office) -> list[str]:
    return [c.enterprise_number for c in world.clients(office.id) if c.enterprise_number]


def search_body(document_type: str, numbers: list[str], **attributes) -> dict:
    paging = attributes.pop("paging", None)
    data: dict = {
        "type": "documentSearch",
        "attributes": {"documentType": document_type, **attributes},
        "relationships": {"clients": {"data": [{"type": "client", "id": n} for n in numbers]}},
    }
    if paging:
        data["meta"] = {"paging": paging}
    return {"data": data}


def search(client: TestClient, headers: dict, office: Office, body: dict, status: int = 201) -> dict:
    answer = client.post(
        f"{BASE}/accounting-offices/{office.id}/document-searches",
        json=body,
        headers={**headers, "Ibanity-Idempotency-Key": str(uuid.uuid4())},
    )
    assert answer.status_code == status, answer.text
    return answer.json()


def every_page(client: TestClient, headers: dict, office: Office, body: dict) -> list[dict]:
    """Every document a search finds, following `meta.paging.after` to the last page."""
    found, pages = [], 0
    while True:
        data = search(client, headers, office, body)["data"]
        found += data["relationships"]["documents"]["data"]
        pages += 1
        after = data["meta"]["paging"].get("after")
        if after is None:
            return found
        assert pages < 200
        body = {
            **body,
            "data": {**body["data"], "meta": {"paging": {**data["meta"]["paging"], "after": after}}},
        }
        body["data"]["meta"]["paging"].pop("before", None)


def errors(answer) -> list[dict]:
    assert answer.headers["content-type"].startswith(JSON_API), answer.headers
    return answer.json()["errors"]
