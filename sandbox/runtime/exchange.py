"""What the way of a request learns about one exchange, and the faulty answers it can give."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from sandbox.runtime.ratelimit import Room


@dataclass
class Exchange:
    tenant: str | None = None  # known once a credential named it
    operation_id: str | None = None
    room: Room | None = None  # rate-limit room left, once counted
    fault: str | None = None  # the faults that fired, comma-separated
    clock: datetime | None = None  # the tenant clock's instant when the handler ran
    ignored_query: list[str] = field(default_factory=list)  # query parameters the operation does not name
    journal_body: tuple[bytes, Any] | None = None  # a kept answer's body, and that body as journaled
    notes: dict = field(default_factory=dict)  # what a handler tells the contract checks (small, JSON)
    # The generation of the cache of a shared store when the request came, until the store
    # confirmed it (None then): what the request was judged on must still hold before anything is
    # counted, answered or written.
    unconfirmed: int | None = None


# Notes the pipeline leaves in `Exchange.notes` for the contract checks: the header parameters
# marked `empty: absent` that a request sent blank (answered as if absent), and the way its Host
# broke RFC 9112 §3.2 (`missing`, `repeated` or `invalid`).
EMPTY_HEADERS = "emptyHeaders"
HOST = "host"


class DroppedConnection(Response):
    """Headers promise a body that never comes: the server closes the connection half-way."""

    def __init__(self) -> None:
        super().__init__(b"", status_code=200, media_type="application/json")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"partial": ', "more_body": True})
        raise ConnectionAbortedError("fault: connection dropped by the sandbox")


class ClientClosed(Response):
    """The answer to a client that went away before the sandbox answered (a latency fault outlived
    its timeout): journaled as 499, as proxies log it, and sent nowhere."""

    def __init__(self) -> None:
        super().__init__(b"", status_code=499)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return None


class OneLineFaults(logging.Filter):
    """The server logs the connection a `drop` fault cut as one line, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ConnectionAbortedError) and str(error).startswith("fault:"):
            record.msg, record.args, record.exc_info, record.exc_text = str(error), (), None, None
        return True


def malformed(response: Response) -> Response:
    """The same answer with its body cut in half: it no longer parses."""
    body = bytes(response.body)
    cut = body[: max(1, len(body) // 2)]
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(cut, status_code=response.status_code, headers=headers)
