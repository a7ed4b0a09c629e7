"""Turn a handler's `Reply` into the HTTP response (JSON unless bytes or text), check it against
the spec in strict mode, and add what every answer of the API carries (request id, rate-limit
room)."""

from __future__ import annotations

import logging
import os

import orjson
from starlette.requests import Request
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, Violation
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.context import Reply
from sandbox.runtime.exchange import Exchange
from sandbox.spec.operations import Operation
from sandbox.spec.validate import violations

log = logging.getLogger("sandbox")


def render(op: Operation, reply: Reply | Response, negotiated: str | None, strict: bool) -> Response:
    if isinstance(reply, Response):  # a handler that streams builds its own response
        return reply
    media_type = reply.media_type or negotiated
    body = reply.body
    if strict:
        check(op, reply, media_type)
    if body is None and reply.status in (204, 304):
        content = b""
    elif isinstance(body, bytes):
        content = body
    elif isinstance(body, str):
        content = body.encode()
    else:
        content = orjson.dumps(body)
    return Response(content, status_code=reply.status, media_type=media_type, headers=reply.headers)


def check(op: Operation, reply: Reply, media_type: str | None) -> None:
    """Strict mode: a 500 naming the broken rule when the answer breaks the spec."""
    spec = op.response(reply.status)
    if spec is None:
        _strict_failure(op, [Violation("status", "documented", f"{reply.status} is not documented")])
    if not spec.content:
        return
    if media_type not in spec.content:
        _strict_failure(op, [Violation("Content-Type", "documented", f"{media_type} is not documented")])
    validator = spec.content[media_type]
    if validator is not None and not isinstance(reply.body, bytes | str):
        found = violations(validator, reply.body, "body")
        if found:
            _strict_failure(op, found)


def _strict_failure(op: Operation, found: list[Violation]) -> None:
    log.error("strict mode: %s answered against its spec: %s", op.operation_id, found)
    raise ApiError(
        500,
        errors.SERVER_ERROR,
        f"Strict mode: the sandbox's answer to {op.operation_id} breaks the spec",
        violations=found,
    )


def finish(api: ApiRuntime, request: Request, response: Response, exchange: Exchange) -> None:
    """Headers on every answer, refusals included: the request id (echoed, or a fresh one) and the
    room left under the rate limit."""
    raw: list[tuple[bytes, bytes]] = []
    if api.request_id_header:
        sent = _sent_request_id(api.request_id_header, request)
        value = sent if _echoable(sent) else fresh_request_id()
        raw.append((api.request_id_header.lower().encode("latin-1"), value.encode("latin-1")))
    if exchange.room is not None:
        raw += exchange.room.raw_headers()
    _add_headers(response, raw)


def fresh_request_id() -> str:
    """A random (version 4) UUID as `str(uuid.uuid4())` writes it, made without the `UUID` object
    that every answer would otherwise build and format."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 9562 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _add_headers(response: Response, raw: list[tuple[bytes, bytes]]) -> None:
    """As `response.headers.update(...)` does, in one pass over the headers rather than one a name."""
    names = {name for name, _ in raw}
    if any(name in names for name, _ in response.raw_headers):
        # some are there already: replaced where they stand
        response.headers.update({name.decode("latin-1"): value.decode("latin-1") for name, value in raw})
    else:
        response.raw_headers.extend(raw)


def _sent_request_id(header: str, request: Request) -> str:
    """The request id the client sent; a blank one is as if none was sent."""
    return request.headers.get(header, "").strip(" \t")


def _echoable(value: str | None) -> bool:
    return bool(value) and value.isascii() and value.isprintable()


def check_request_id(api: ApiRuntime, request: Request) -> None:
    """400 for a request id that is not printable ASCII: it could not be echoed in a header."""
    if not api.request_id_header:
        return
    sent = _sent_request_id(api.request_id_header, request)
    if sent and not _echoable(sent):
        violation = Violation(api.request_id_header, "ascii", "must be printable ASCII")
        raise ApiError(400, errors.INVALID_REQUEST, "The request has invalid headers", violations=[violation])
