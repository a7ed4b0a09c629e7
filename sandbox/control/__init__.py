"""The /__sandbox control plane: clock and specs (described in specs/sandbox.yaml)."""

from __future__ import annotations

from datetime import timedelta

import yaml

from sandbox.runtime.clock import Clock, ClockRangeError, parse_instant
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.errors import ApiError, Violation
from sandbox.runtime.package import ApiPackage

package = ApiPackage()


def _clock_state(clock: Clock) -> dict:
    return {"now": clock.now().isoformat(), "frozen": clock.frozen}


@package.handler("getClock")
async def get_clock(ctx: RequestContext) -> dict:
    return _clock_state(await ctx.api.sandbox.clocks.get(None))


@package.handler("setClock")
async def set_clock(ctx: RequestContext) -> dict:
    clocks = ctx.api.sandbox.clocks
    clock = await clocks.get(None)
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
    await clocks.save(None, clock)  # only a change that fits the range is kept
    return _clock_state(clock)


@package.handler("resetClock")
async def reset_clock(ctx: RequestContext) -> dict:
    await ctx.api.sandbox.clocks.reset(None)
    return _clock_state(await ctx.api.sandbox.clocks.get(None))


@package.handler("listSpecs")
def list_specs(ctx: RequestContext) -> dict:
    return ctx.api.sandbox.index()


@package.handler("getSpec")
def get_spec(ctx: RequestContext) -> Reply:
    name = ctx.params["api"]
    api = next((a for a in ctx.api.sandbox.apis if a.name == name), None)
    if api is None:
        raise ApiError(404, detail=f"No API named {name!r}")
    if ctx.media_type == "application/json":
        return Reply(api.doc.raw)
    return Reply(
        yaml.safe_dump(api.doc.raw, sort_keys=False, allow_unicode=True), media_type="application/yaml"
    )
