"""What the tests of the CodaBox API V2 over HTTP share: the demo credentials, the world the demo
tenant sees, and the control plane's clock, actions and outbox."""

from __future__ import annotations

import base64

from starlette.testclient import TestClient
from stdnum import iban

from sandbox.apis.codabox.world import Client, CodaboxWorld

BASE = "/codabox"
API = "codabox-v2"
KEY = {"X-Software-Company": "demo-codabox-software"}


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {**KEY, "Authorization": f"Basic {token}"}


ACCOUNTANT = basic("demo-accountant", "demo-password")


def demo_world(client: TestClient) -> CodaboxWorld:
    services = client.app.state.services
    return services.worlds.get(services.api(API), "demo")


def action(client: TestClient, name: str, body: dict) -> dict:
    answer = client.post(f"/__sandbox/tenants/demo/apis/{API}/actions/{name}", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


def advance(client: TestClient, seconds: float) -> None:
    answer = client.put("/__sandbox/tenants/demo/clock", json={"advanceSeconds": seconds})
    assert answer.status_code == 200, answer.text


def feed(client: TestClient, kind: str = "feed") -> dict:
    answer = client.get(f"{BASE}/delivery/{kind}/1/", headers=ACCOUNTANT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def invoicing_user(client: TestClient, vat: str) -> dict[str, str]:
    """Basic headers of the client with this VAT number, through the token flow and the outbox."""
    sent = client.post(f"{BASE}/request-access-token/invoicing-software/", json={"vat": vat}, headers=KEY)
    assert sent.status_code == 201, sent.text
    token = client.get("/__sandbox/tenants/demo/outbox", params={"api": API}).json()[-1]["data"]["token"]
    credentials = client.get(f"{BASE}/get-credentials/{token}/", headers=KEY).json()
    return basic(credentials["username"], credentials["password"])


def order_coda(client: TestClient, client_id: str, bank_id: str, ibans: list[str]):
    body = {"bank_id": bank_id, "ibans": ibans}
    return client.post(f"{BASE}/clients/{client_id}/coda-mandates/", json=body, headers=ACCOUNTANT)


def fresh_account(client: TestClient, bic: str) -> tuple[Client, str]:
    """A company of the first office, and a new valid IBAN at this bank that no mandate names."""
    world = demo_world(client)
    company = next(c for c in world.clients(world.offices[0].id) if c.enterprise_number and not c.never_signs)
    code = world.banks[bic].codes[0]
    for n in range(1000, 2000):
        body = f"{code}{n:07d}"
        bban = f"{body}{int(body) % 97 or 97:02d}"
        candidate = f"BE{iban.calc_check_digits('BE00' + bban)}{bban}"
        if world.account(candidate) is None:
            return company, candidate
    raise AssertionError("no free IBAN")


def drain(client: TestClient) -> None:
    """Acknowledge every entry of the feed so far, so that what comes next stands alone."""
    while entries := feed(client)["feed_entries"]:
        last = entries[-1]["feed_index"]
        answer = client.put(f"{BASE}/delivery/feed/1/", json={"feed_offset": last}, headers=ACCOUNTANT)
        assert answer.status_code == 200, answer.text
