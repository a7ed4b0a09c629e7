"""Count the request against its tenant's rate limit for the API: 429 with `Retry-After` past the
limit; the room left goes into every answer's `RateLimit-*` headers. An operation marked
`x-sandbox: {uncounted: true}` (an endpoint that tells the room left) reads the room without
counting."""

from __future__ import annotations

from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.exchange import Exchange
from sandbox.runtime.ratelimit import Room
from sandbox.runtime.services import Services
from sandbox.spec.operations import Operation


async def take(
    services: Services, tenant: str, api: ApiRuntime, op: Operation, exchange: Exchange
) -> Room | None:
    if not api.rate_limited:
        return None
    if op.uncounted:  # the pipeline confirms what the process kept right after
        return await services.rate_limits.peek(tenant, api.name)
    # the count is taken in the same step as the store confirms what the process kept
    unconfirmed, exchange.unconfirmed = exchange.unconfirmed, None
    return await services.rate_limits.take(tenant, api.name, unconfirmed)


async def confirm(services: Services, exchange: Exchange) -> None:
    """`Stale` unless what the process keeps of the store is still what the request was judged on."""
    if exchange.unconfirmed is not None:
        await services.store.cache.confirm(exchange.unconfirmed)
        exchange.unconfirmed = None
