"""Sandbox actions: what happens outside an API in reality, triggered by a test."""

from __future__ import annotations

from sandbox.control import package
from sandbox.control.tenants import known_tenant
from sandbox.errors import ApiError
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.context import RequestContext
from sandbox.runtime.package import ActionCall
from sandbox.spec.validate import violations


def _api(ctx: RequestContext) -> ApiRuntime:
    found = ctx.services.api(ctx.params["api"])
    if found is None:
        known = ", ".join(api.name for api in ctx.services.apis if api.package.actions) or "none"
        raise ApiError(404, detail=f"No API {ctx.params['api']!r}; APIs with actions: {known}")
    return found


@package.handler("listActions")
async def list_actions(ctx: RequestContext) -> list[dict]:
    await known_tenant(ctx)
    api = _api(ctx)
    return [{"name": a.name, "summary": a.summary, "schema": a.schema} for a in api.package.actions.values()]


@package.handler("runAction")
async def run_action(ctx: RequestContext) -> dict:
    tenant = await known_tenant(ctx)
    api = _api(ctx)
    action = api.package.actions.get(ctx.params["action"])
    if action is None:
        known = ", ".join(api.package.actions) or "none"
        raise ApiError(404, detail=f"{api.name} has no action {ctx.params['action']!r}; its actions: {known}")
    body = ctx.body or {}
    found = violations(action.validator, body, "")
    if found:
        raise ApiError(400, detail=f"The body of action {action.name} is invalid", violations=found)
    clock = await ctx.services.clocks.get(tenant.id)
    call = ActionCall(api=api, services=ctx.services, tenant=tenant.id, body=body, clock=clock)
    return {"result": await action.run(call)}
