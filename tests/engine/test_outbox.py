"""The outbox: what an API e-mails a tenant's users, read back through the control plane."""

import asyncio
from datetime import UTC, datetime

from tests.conftest import make_client


def test_messages_are_kept_per_tenant_and_read_oldest_first():
    client = make_client()
    outbox = client.app.state.services.outbox
    when = datetime(2026, 11, 17, 9, tzinfo=UTC)
    tenant = client.post("/__sandbox/tenants", json={}).json()["id"]

    async def send():
        await outbox.send(tenant, "mail-api", "a@example.be", "First", "one", when, token="t1")
        await outbox.send(tenant, "other-api", "b@example.be", "Second", "two", when)

    asyncio.run(send())
    messages = client.get(f"/__sandbox/tenants/{tenant}/outbox").json()
    assert [(m["seq"], m["subject"], m["data"]) for m in messages] == [
        (1, "First", {"token": "t1"}),
        (2, "Second", {}),
    ]
    assert messages[0]["sent"] == "2026-11-17T09:00:00+00:00"
    only = client.get(f"/__sandbox/tenants/{tenant}/outbox", params={"api": "mail-api"}).json()
    assert [m["to"] for m in only] == ["a@example.be"]
    assert client.get("/__sandbox/tenants/demo/outbox").json() == []
    missing = client.get("/__sandbox/tenants/t-000000000000/outbox")
    assert (missing.status_code, missing.json()["detail"]) == (404, "No tenant 't-000000000000'")
