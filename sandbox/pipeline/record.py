"""Journal the exchange under its tenant (secrets redacted by the journal), with its timing, the
faults that fired and the tenant clock's instant."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.pipeline import limits
from sandbox.runtime import journal
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.exchange import DroppedConnection, Exchange
from sandbox.runtime.journal import NOT_JOURNALED, UNATTRIBUTED
from sandbox.runtime.services import Services


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
        clock = (await services.clocks.get(seen.tenant)).now().isoformat()
    await services.journal.record(
        seen.tenant or UNATTRIBUTED,
        journal.entry(
            api=api.name,
            operation_id=seen.operation_id,
            method=request.method,
            path=request.url.path,
            query=request.url.query,
            request_headers=list(request.headers.items()),
            request_body=await limits.body_as_read(request),
            status=0 if isinstance(response, DroppedConnection) else response.status_code,
            response_headers=[(k.decode(), v.decode()) for k, v in response.raw_headers],
            response_body=bytes(response.body),
            journaled_response_body=_journaled_body(seen, response),
            started=started,
            duration=duration,
            fault=seen.fault,
            clock=clock,
            ignored_query=seen.ignored_query,
            notes=seen.notes,
        ),
    )


def _journaled_body(seen: Exchange, response: Response) -> Any:
    """The answer's body as journaled, when the kept answer that was sent holds it already."""
    if seen.journal_body is not None and seen.journal_body[0] is response.body:
        return seen.journal_body[1]
    return NOT_JOURNALED
