"""The e-mails an emulated API "sends" (one-time tokens, invitations), kept per tenant so that a
test reads them through the control plane instead of a mailbox."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sandbox.runtime import keys
from sandbox.runtime.store import Store

OUTBOX_SIZE = 200  # the newest messages a tenant keeps


@dataclass(frozen=True)
class Message:
    api: str
    to: str
    subject: str
    body: str
    sent: str  # the tenant clock's time, ISO 8601
    data: dict  # what a test needs without parsing the body, e.g. {"token": ...}


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def send(
        self, tenant: str, api: str, to: str, subject: str, body: str, when: datetime, **data: str
    ) -> Message:
        message = Message(api, to, subject, body, when.isoformat(), dict(data))
        await self.store.append(keys.outbox(tenant), asdict(message), OUTBOX_SIZE)
        return message

    async def read(self, tenant: str, api: str | None = None) -> list[dict]:
        """The tenant's messages, oldest first, each with its sequence number."""
        found = await self.store.since(keys.outbox(tenant), 0, OUTBOX_SIZE)
        return [{"seq": seq, **message} for seq, message in found if api is None or message["api"] == api]
