"""What the Informat tests share: tokens from the identity server, and sandbox actions."""

from __future__ import annotations

from starlette.testclient import TestClient

STUDENTS = "/informat/leerlingen"
BILLS = "/informat/rekeningen"


def token(
    client: TestClient, *scopes: str, client_id: str = "demo-client", secret: str = "demo-secret"
) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scopes:
        form["scope"] = " ".join(scopes)
    answer = client.post("/oauth2/connect/token", data=form)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def bearer(client: TestClient, *scopes: str, **credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client, *scopes, **credentials)}"}


def action(client: TestClient, api: str, name: str, body: dict, tenant: str = "demo") -> dict:
    answer = client.post(f"/__sandbox/tenants/{tenant}/apis/{api}/actions/{name}", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


def advance(client: TestClient, seconds: float, tenant: str = "demo") -> None:
    answer = client.put(f"/__sandbox/tenants/{tenant}/clock", json={"advanceSeconds": seconds})
    assert answer.status_code == 200, answer.text


def error_codes(answer) -> list[str]:
    body = answer.json()
    assert set(body) == {"message", "errors"}, body
    assert all(e["code"] == e["Code"] and e["message"] == e["Message"] for e in body["errors"])
    return [e["code"] for e in body["errors"]]
