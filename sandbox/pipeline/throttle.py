"""Count the request against its tenant's rate limit for the API: 429 with `Retry-After` past the
limit; the room left goes into every answer's `RateLimit-*` headers."""

from __future__ import annotations

from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.ratelimit import Room
from sandbox.runtime.services import Services


async def take(services: Services, tenant: str, api: ApiRuntime) -> Room | None:
    if not api.rate_limited:
        return None
    return await services.rate_limits.take(tenant, api.name)
