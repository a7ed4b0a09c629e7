"""Size limits on what a client sends: the request line (414), the headers (431) and the body (413),
each refused in the API's own error shape before the rest is read, so no request can make the
sandbox hold more than the limit in memory.

The body limit is the operation's `x-sandbox.max-body`, else its API's, else the setting
`max_body`: an API whose real service states a limit (Intervat 20 MB, Informat attachments
10 MB) says so in its spec.
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request
from starlette.types import Message, Receive, Scope

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.spec.operations import Operation

_LIMITS = {
    413: (errors.REQUEST_TOO_LARGE, "request body"),
    414: (errors.URI_TOO_LONG, "request line"),
    431: (errors.HEADERS_TOO_LARGE, "header section"),
}


def _refusal(status: int, limit: int) -> ApiError:
    kind, what = _LIMITS[status]
    return ApiError(status, kind, f"The {what} is larger than the sandbox takes ({limit} bytes)")


def check_head(scope: Scope, request_line: int, headers: int) -> None:
    """414 for a request line (path and query) beyond `request_line` bytes, 431 for headers
    beyond `headers` bytes in all."""
    line = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    if line > request_line:
        raise _refusal(414, request_line)
    if sum(len(k) + len(v) + 4 for k, v in scope["headers"]) > headers:
        raise _refusal(431, headers)


class BoundedReceive:
    """An ASGI `receive` that refuses a body beyond `limit` bytes: at once when `Content-Length`
    says so, else as soon as the bytes received pass it, without reading the rest."""

    def __init__(self, receive: Receive, scope: Scope, limit: int) -> None:
        self._receive = receive
        self._declared = _content_length(scope)
        self.limit = limit
        self.received = 0

    def check_declared(self) -> None:
        if self._declared is not None and self._declared > self.limit:
            raise _refusal(413, self.limit)

    async def __call__(self) -> Message:
        self.check_declared()
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise _refusal(413, self.limit)
        return message


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) <= 19 else None
    return None


def check_body(request: Request, op: Operation) -> None:
    """The operation's own limit, if it states one, and a `Content-Length` beyond the limit: 413."""
    receiver = request.receive
    if isinstance(receiver, BoundedReceive):
        receiver.limit = op.max_body or receiver.limit
        receiver.check_declared()


async def body_as_read(request: Request) -> bytes:
    """The body for the journal: what the client sent, or nothing when it was refused as too large
    or the client went away before sending it all."""
    try:
        return await request.body()
    except (ApiError, ClientDisconnect, RuntimeError):
        return b""
