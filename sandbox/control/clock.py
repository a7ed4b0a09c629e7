"""Clocks: the default one (`/__sandbox/clock`), and each tenant's own."""

from __future__ import annotations

from datetime import timedelta

from sandbox.control import package
from sandbox.control.tenants import known_tenant
from sandbox.errors import ApiError, Violation
from sandbox.runtime.clock import Clock, ClockRangeError, parse_instant
from sandbox.runtime.context import RequestContext


def _clock_state(clock: Clock) -> dict:
    return {"now": clock.now().isoformat(), "frozen": clock.frozen}


async def _change_clock(ctx: RequestContext, tenant: str | None) -> dict:
    clocks = ctx.services.clocks
    clock = await clocks.get(tenant)
    body = ctx.body
    try:
        if "now" in body:
            clock.set(parse_instant(body["now"]), frozen=body.get("frozen"))
        elif "frozen" in body:
            clock.set(clock.now(), frozen=body["frozen"])
        if "advanceSeconds" in body:
            clock.advance(timedelta(seconds=body["advanceSeconds"]))
    except ClockRangeError as exc:
        field = "advanceSeconds" if "advanceSeconds" in body else "now"
        raise ApiError(400, detail=str(exc), violations=[Violation(field, "range", str(exc))]) from exc
    await clocks.save(tenant, clock)  # only a change that fits the range is kept
    return _clock_state(clock)


async def _clock_owner(ctx: RequestContext) -> str | None:
    """The tenant whose clock a request addresses; None for the default clock."""
    return (await known_tenant(ctx)).id if "tenant" in ctx.params else None


@package.handler("getClock")
@package.handler("getTenantClock")
async def get_clock(ctx: RequestContext) -> dict:
    return _clock_state(await ctx.services.clocks.get(await _clock_owner(ctx)))


@package.handler("setClock")
@package.handler("setTenantClock")
async def set_clock(ctx: RequestContext) -> dict:
    return await _change_clock(ctx, await _clock_owner(ctx))


@package.handler("resetClock")
@package.handler("resetTenantClock")
async def reset_clock(ctx: RequestContext) -> dict:
    owner = await _clock_owner(ctx)
    await ctx.services.clocks.reset(owner)
    return _clock_state(await ctx.services.clocks.get(owner))
