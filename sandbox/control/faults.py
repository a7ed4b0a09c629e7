"""The faults a tenant switches on: latency, error statuses, dropped connections, cut bodies,
slow jobs."""

from __future__ import annotations

from dataclasses import asdict

from sandbox.control import package
from sandbox.control.tenants import known_tenant
from sandbox.errors import ApiError, Violation
from sandbox.runtime.context import Reply, RequestContext


@package.handler("listFaults")
async def list_faults(ctx: RequestContext) -> list[dict]:
    tenant = await known_tenant(ctx)
    return [asdict(f) for f in await ctx.services.faults.list(tenant.id)]


@package.handler("addFault")
async def add_fault(ctx: RequestContext) -> Reply:
    tenant = await known_tenant(ctx)
    body = ctx.body
    apis = {api.name: api for api in ctx.services.apis if api.journaled}
    violations = []
    if "api" in body and body["api"] not in apis:
        violations.append(Violation("api", "enum", f"is not an API (known: {', '.join(sorted(apis))})"))
    elif "operationId" in body:
        scope = [apis[body["api"]]] if "api" in body else list(apis.values())
        if not any(op.operation_id == body["operationId"] for api in scope for op in api.operations):
            violations.append(Violation("operationId", "enum", "is not an operation of that API"))
    if body.get("latencyMaxMs") is not None and body["latencyMaxMs"] < body.get("latencyMs", 0):
        violations.append(Violation("latencyMaxMs", "minimum", "must be at least latencyMs"))
    if violations:
        raise ApiError(400, detail="The fault cannot be switched on", violations=violations)
    fault = await ctx.services.faults.add(tenant.id, **body)
    return Reply(asdict(fault), status=201)


@package.handler("clearFaults")
async def clear_faults(ctx: RequestContext) -> Reply:
    tenant = await known_tenant(ctx)
    await ctx.services.faults.remove(tenant.id)
    return Reply(None, status=204)


@package.handler("removeFault")
async def remove_fault(ctx: RequestContext) -> Reply:
    tenant = await known_tenant(ctx)
    if not await ctx.services.faults.remove(tenant.id, ctx.params["fault"]):
        raise ApiError(404, detail=f"No fault {ctx.params['fault']} on tenant {tenant.id}")
    return Reply(None, status=204)
