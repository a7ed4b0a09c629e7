"""Journal the exchange under its tenant (secrets redacted by the journal), with its timing, the
faults that fired and the tenant clock's instant.

What the entry is made from is taken as it stands (the request's scope and header list, the
bodies, the answer's header list); the entry itself, its redaction included, is made when it is
first read (by this process on the memory store; on a shared one by the process that reads it, from
what the store kept, its bodies made already), so an exchange that the journal's bound drops before
anyone reads it costs no more than that."""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.pipeline import limits
from sandbox.runtime import journal
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.exchange import DroppedConnection, Exchange
from sandbox.runtime.journal import NOT_JOURNALED, UNATTRIBUTED
from sandbox.runtime.services import Services

# what an entry weighs once made, besides the bodies it keeps (at most BODY_LIMIT characters each)
ENTRY_WEIGHT = 2048


async def exchange(
    api: ApiRuntime,
    services: Services,
    request: Request,
    seen: Exchange,
    response: Response,
    started: float,
    duration: float,
) -> None:
    clock = seen.clock
    if clock is None and seen.tenant is not None:  # refused before its handler read the clock
        clock = (await services.clocks.get(seen.tenant)).now()
    request_body = await _body(request)
    response_body = response.body
    journaled = _journaled_body(seen, response)
    # a kept answer's body is there anyway; another one is held until the entry is made
    weight = ENTRY_WEIGHT + len(request_body) + (len(response_body) if journaled is NOT_JOURNALED else 0)
    status = 0 if isinstance(response, DroppedConnection) else response.status_code
    recipe = journal.exchange_recipe(
        api=api.name,
        operation_id=seen.operation_id,
        scope=request.scope,
        request_body=request_body,
        status=status,
        raw_headers=response.raw_headers,
        response_body=response_body,
        journaled_response_body=journaled,
        started=started,
        duration=duration,
        fault=seen.fault,
        clock=clock,
        ignored_query=seen.ignored_query,
        # a handler's notes as they are now, should what they hold change later (they are small)
        notes=copy.deepcopy(seen.notes) if seen.notes else None,
    )
    await services.journal.record(seen.tenant or UNATTRIBUTED, recipe, weight)


async def _body(request: Request) -> bytes:
    """The request's body; a request whose headers announce none has none (HTTP/1.1 and 2 alike),
    and the stream need not be asked."""
    announced = any(name in (b"content-length", b"transfer-encoding") for name, _ in request.scope["headers"])
    return await limits.body_as_read(request) if announced else b""


def _journaled_body(seen: Exchange, response: Response) -> Any:
    """The answer's body as journaled, when the kept answer that was sent holds it already."""
    if seen.journal_body is not None and seen.journal_body[0] is response.body:
        return seen.journal_body[1]
    return NOT_JOURNALED
