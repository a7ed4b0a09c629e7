"""A vendor's whole CodaBox Connect flow, as a careful client walks it, and the contract checks that
judge its journal: token reuse, chained search windows, paging to the end, idempotency keys on
POSTs and on retries, no retry of a 4xx."""

import json
import uuid
from datetime import date, datetime

import pytest

from sandbox.apis.codabox.connect.documents import KINDS
from tests.codabox import v2
from tests.codabox.connect import (
    BASE,
    DEMO_CLIENT,
    JSON_API,
    basic,
    company_numbers,
    consent_body,
    demo_world,
    search_body,
)
from tests.conftest import make_client

CHECKS = [
    "token_reused_until_expiry",
    "connect_search_windows_chained",
    "connect_search_pages_followed",
    "ibanity_idempotency_keys",
    "ibanity_only_server_failures_retried",
]
FILES = {
    "bankAccountStatement": ["application/pdf", "application/vnd.coda.v1+cod"],
    "payrollStatement": ["application/pdf", "application/vnd.soda.v1+xml"],
    "purchaseInvoice": ["application/pdf", "application/xml"],
    "salesInvoice": ["application/pdf", "application/xml"],
}


class Vendor:
    """A careful Connect client: one token until it is about to expire, a fresh idempotency key per
    POST, windows chained, pages followed."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None
        self.expires = 0.0
        self.windows: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        now = self.client.get("/__sandbox/tenants/demo/clock").json()["now"]
        seconds = datetime.fromisoformat(now).timestamp()
        if self.token is None or self.expires - seconds < 60:
            form = {"grant_type": "client_credentials", "scope": "offline_access"}
            answer = self.client.post(f"{BASE}/oauth2/token", data=form, headers=basic(*DEMO_CLIENT))
            self.token, self.expires = answer.json()["access_token"], seconds + answer.json()["expires_in"]
        return {"Authorization": f"Bearer {self.token}", "Accept": JSON_API}

    def post(self, path: str, body: dict, key: str | None = None):
        key = key or str(uuid.uuid4())
        headers = {
            **self.headers(),
            "Ibanity-Idempotency-Key": key,
            "Content-Type": "application/json; charset=utf-8",
        }
        return self.client.post(f"{BASE}{path}", content=json.dumps(body), headers=headers)

    def documents(self, office, document_type: str, numbers: list[str]) -> list[str]:
        """Every document new since the last search of this type, page after page."""
        attributes = {"from": self.windows[document_type]} if document_type in self.windows else {}
        body = search_body(document_type, numbers, **attributes, paging={"limit": 50})
        found = []
        while True:
            answer = self.post(f"/accounting-offices/{office.id}/document-searches", body)
            assert answer.status_code == 201, answer.text
            data = answer.json()["data"]
            found += [d["id"] for d in data["relationships"]["documents"]["data"]]
            after = data["meta"]["paging"].get("after")
            if after is None:
                self.windows[document_type] = data["attributes"]["to"]
                return found
            body["data"]["attributes"] = {**body["data"]["attributes"], "to": data["attributes"]["to"]}
            body["data"]["attributes"]["from"] = data["attributes"]["from"]
            body["data"]["meta"] = {"paging": {"limit": 50, "after": after}}


def _verdicts(client) -> dict[str, dict]:
    report = client.get("/__sandbox/tenants/demo/contracts", params={"check": CHECKS}).json()
    return {c["name"]: c for c in report["checks"]}


def test_a_vendors_whole_flow_passes_every_check():
    client = make_client()
    vendor = Vendor(client)
    world = demo_world(client)
    office = world.offices[0]
    assert client.get(BASE).status_code == 200

    created = vendor.post("/accounting-office-consents", consent_body(office.enterprise_number))
    consent = created.json()["data"]
    page = consent["attributes"]["confirmationUri"].split("testserver", 1)[1]
    assert "Confirm" in client.get(page).text
    back = client.post(page, data={"decision": "confirm"}, follow_redirects=False)
    assert back.headers["location"] == "https://vendor.test/codabox/back"
    read = client.get(f"{BASE}/accounting-office-consents/{consent['id']}", headers=vendor.headers()).json()
    assert read["data"]["attributes"]["status"] == "confirmed"
    office_id = read["data"]["attributes"]["accountingOfficeId"]
    assert office_id == office.id

    numbers = company_numbers(world, office)
    owners = {c.enterprise_number: c for c in world.clients(office.id)}
    fetched = 0
    for document_type, media_types in FILES.items():
        ids = vendor.documents(office, document_type, numbers)
        assert len(ids) > 50 or document_type == "payrollStatement"
        recent = ids[-1]
        owner = next(
            n
            for n in numbers
            if any(
                r.id == recent
                for r in world.client_documents(owners[n], date(2026, 9, 1), date(2026, 11, 17))
            )
        )
        path = f"{BASE}/accounting-offices/{office_id}/clients/{owner}/{KINDS[document_type].path}/{recent}"
        for media_type in [JSON_API, *media_types]:
            answer = client.get(path, headers={**vendor.headers(), "Accept": media_type})
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(media_type)
            fetched += 1
        if document_type == "bankAccountStatement":
            coda = client.get(
                path, headers={**vendor.headers(), "Accept": "application/vnd.coda.v1+cod"}
            ).content
            through_v2 = client.get(f"/codabox/delivery/download/{recent}/cod/", headers=v2.ACCOUNTANT)
            assert through_v2.content == coda
    assert fetched == 12

    # a day later, the next searches start where the last ended and find only what is new
    client.put("/__sandbox/tenants/demo/clock", json={"advanceSeconds": 86400})
    new = vendor.documents(office, "bankAccountStatement", numbers)
    assert new and len(new) < 60
    verdicts = _verdicts(client)
    assert {name: v["outcome"] for name, v in verdicts.items()} == dict.fromkeys(CHECKS, "passed")


@pytest.fixture
def client():
    return make_client()


def _bearer(client) -> dict[str, str]:
    form = {"grant_type": "client_credentials"}
    token = client.post(f"{BASE}/oauth2/token", data=form, headers=basic(*DEMO_CLIENT)).json()["access_token"]
    return {"Authorization": f"Bearer {token}", "Accept": JSON_API}


def _confirmed(client, headers):
    office = demo_world(client).offices[0]
    key = {"Ibanity-Idempotency-Key": str(uuid.uuid4())}
    consent = client.post(
        f"{BASE}/accounting-office-consents",
        json=consent_body(office.enterprise_number),
        headers={**headers, **key},
    )
    client.post(
        "/__sandbox/tenants/demo/apis/codabox-connect/actions/confirm-consent",
        json={"consentId": consent.json()["data"]["id"]},
    )
    return office


def _search(client, headers, office, body, key: str | None = None):
    headers = {**headers, "Ibanity-Idempotency-Key": key} if key else headers
    return client.post(f"{BASE}/accounting-offices/{office.id}/document-searches", json=body, headers=headers)


def test_searching_two_years_each_time_and_stopping_at_the_first_page_fail(client):
    headers = _bearer(client)
    office = _confirmed(client, headers)
    numbers = company_numbers(demo_world(client), office)
    body = search_body("bankAccountStatement", numbers, paging={"limit": 10})
    first = _search(client, headers, office, body, str(uuid.uuid4())).json()["data"]
    client.put("/__sandbox/tenants/demo/clock", json={"advanceSeconds": 1800})
    assert _search(client, headers, office, body, str(uuid.uuid4())).status_code == 201
    verdicts = _verdicts(client)
    chained = verdicts["connect_search_windows_chained"]
    assert chained["outcome"] == "failed"
    assert "send the previous search's `to` as the next `from`" in chained["findings"][0]["message"]
    assert first["meta"]["paging"]["after"]
    paged = verdicts["connect_search_pages_followed"]
    assert paged["outcome"] == "failed" and len(paged["findings"]) == 2


def test_a_token_per_call_fails_token_reuse(client):
    for _ in range(3):
        client.get(f"{BASE}/accounting-office-consents/{uuid.uuid4()}", headers=_bearer(client))
    verdict = _verdicts(client)["token_reused_until_expiry"]
    assert verdict["outcome"] == "failed" and "2 access token(s)" in verdict["findings"][0]["message"]


def test_posts_without_a_key_and_retries_with_a_new_key_fail(client):
    headers = _bearer(client)
    office = _confirmed(client, headers)
    body = search_body("bankAccountStatement", company_numbers(demo_world(client), office))
    _search(client, headers, office, body)  # no key
    fault = {
        "kind": "status",
        "status": 503,
        "count": 1,
        "api": "codabox-connect",
        "operationId": "createDocumentSearch",
    }
    assert client.post("/__sandbox/tenants/demo/faults", json=fault).status_code == 201
    failed = _search(client, headers, office, body, str(uuid.uuid4()))
    assert failed.status_code == 503
    assert _search(client, headers, office, body, str(uuid.uuid4())).status_code == 201
    verdict = _verdicts(client)["ibanity_idempotency_keys"]
    assert verdict["outcome"] == "failed"
    messages = [f["message"] for f in verdict["findings"]]
    assert "1 POST(s) without Ibanity-Idempotency-Key" in messages[0]
    assert "with another Ibanity-Idempotency-Key" in messages[1]


def test_a_retry_after_a_failure_with_the_same_key_passes(client):
    headers = _bearer(client)
    office = _confirmed(client, headers)
    body = search_body("payrollStatement", company_numbers(demo_world(client), office))
    fault = {
        "kind": "status",
        "status": 502,
        "count": 1,
        "api": "codabox-connect",
        "operationId": "createDocumentSearch",
    }
    client.post("/__sandbox/tenants/demo/faults", json=fault)
    key = str(uuid.uuid4())
    assert _search(client, headers, office, body, key).status_code == 502
    assert _search(client, headers, office, body, key).status_code == 201
    assert _verdicts(client)["ibanity_idempotency_keys"]["outcome"] == "passed"
    assert _verdicts(client)["ibanity_only_server_failures_retried"]["outcome"] == "passed"


def test_resending_a_refused_request_unchanged_fails(client):
    headers = _bearer(client)
    office = _confirmed(client, headers)
    body = search_body(
        "bankAccountStatement",
        company_numbers(demo_world(client), office),
        **{"from": "2026-12-01T00:00:00Z"},
    )
    key = str(uuid.uuid4())
    for _ in range(3):
        assert _search(client, headers, office, body, key).status_code == 400
    verdict = _verdicts(client)["ibanity_only_server_failures_retried"]
    assert verdict["outcome"] == "failed"
    assert (
        "refused with 400" in verdict["findings"][0]["message"]
        and "2 time(s)" in verdict["findings"][0]["message"]
    )
