"""A tenant's rate limits, per API."""

from __future__ import annotations

from dataclasses import asdict

from sandbox.control import package
from sandbox.control.tenants import known_tenant
from sandbox.errors import ApiError, Violation
from sandbox.runtime.context import RequestContext


def _limits_view(limits) -> dict:
    return {api: asdict(limit) for api, limit in limits.items()}


@package.handler("getRateLimits")
async def get_rate_limits(ctx: RequestContext) -> dict:
    tenant = await known_tenant(ctx)
    return _limits_view(await ctx.services.rate_limits.limits(tenant.id))


@package.handler("setRateLimits")
async def set_rate_limits(ctx: RequestContext) -> dict:
    tenant = await known_tenant(ctx)
    limiter = ctx.services.rate_limits
    unknown = sorted(set(ctx.body) - set(limiter.defaults))
    if unknown:
        known = ", ".join(sorted(limiter.defaults))
        violations = [
            Violation(name, "enum", f"is not a rate-limited API (known: {known})") for name in unknown
        ]
        raise ApiError(400, detail="Unknown APIs", violations=violations)
    return _limits_view(await limiter.configure(tenant.id, ctx.body))
