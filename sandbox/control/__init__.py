"""The /__sandbox control plane (described in specs/sandbox.yaml): tenants and their
credentials, clocks, rate limits, faults, the journal, and the specs."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from datetime import timedelta

import orjson
import yaml
from starlette.responses import StreamingResponse

from sandbox import contracts
from sandbox.runtime.clock import Clock, ClockRangeError, parse_instant
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.errors import ApiError, Violation
from sandbox.runtime.journal import UNATTRIBUTED
from sandbox.runtime.package import ActionCall, ApiPackage
from sandbox.runtime.scopes import unknown_scopes
from sandbox.runtime.tenants import DEMO_TENANT, OAuthClient, Tenant, create_tenant
from sandbox.spec.validate import violations

package = ApiPackage()

STREAM_POLL = 0.25  # seconds between two looks at the journal while streaming


def _sandbox(ctx: RequestContext):
    return ctx.api.sandbox


async def _tenant(ctx: RequestContext, tenant_id: str | None = None) -> Tenant:
    tenant_id = tenant_id or ctx.params["tenant"]
    tenant = await _sandbox(ctx).tenants.get(tenant_id)
    if tenant is None:
        raise ApiError(404, detail=f"No tenant {tenant_id!r}")
    return tenant


def _tenant_view(tenant: Tenant) -> dict:
    return {
        "id": tenant.id,
        "name": tenant.name,
        "created": tenant.created,
        "tokenLifetime": tenant.token_lifetime,
        "credentials": tenant.credentials,
    }


# -- tenants ------------------------------------------------------------------------------------
@package.handler("listTenants")
async def list_tenants(ctx: RequestContext) -> list[dict]:
    return [
        {k: v for k, v in _tenant_view(t).items() if k != "credentials"}
        for t in await _sandbox(ctx).tenants.all()
    ]


@package.handler("createTenant")
async def create(ctx: RequestContext) -> Reply:
    body = ctx.body or {}
    sandbox = _sandbox(ctx)
    if "scopes" in body:
        _known_scopes(ctx, "scopes", body["scopes"])
    tenant = await create_tenant(
        sandbox.tenants,
        sandbox.apis,
        name=body.get("name"),
        scopes=body.get("scopes"),
        redirect_uris=body.get("redirectUris"),
        **({"token_lifetime": body["tokenLifetime"]} if "tokenLifetime" in body else {}),
    )
    return Reply(_tenant_view(tenant), status=201)


def _known_scopes(ctx: RequestContext, field: str, scopes: list[str]) -> None:
    unknown = unknown_scopes(_sandbox(ctx).apis, scopes)
    if unknown:
        message = "is not a scope any API declares: " + ", ".join(unknown)
        raise ApiError(400, detail="Unknown scopes", violations=[Violation(field, "enum", message)])


def _client_view(client: OAuthClient) -> dict:
    return {
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "scopes": client.scopes,
        "redirectUris": client.redirect_uris,
    }


@package.handler("createClient")
async def create_client(ctx: RequestContext) -> Reply:
    """The intake form's "new ClientID": one more OAuth2 client of the tenant."""
    tenant = await _tenant(ctx)
    _known_scopes(ctx, "scopes", ctx.body["scopes"])
    client = await _sandbox(ctx).tenants.add_client(tenant, ctx.body["scopes"], ctx.body.get("redirectUris"))
    return Reply(_client_view(client), status=201)


@package.handler("updateClient")
async def update_client(ctx: RequestContext) -> dict:
    """The intake form's "extend an existing ClientID": more (or fewer) scopes for a client."""
    tenant = await _tenant(ctx)
    added, removed = ctx.body.get("addScopes", []), ctx.body.get("removeScopes", [])
    _known_scopes(ctx, "addScopes", added)
    client = await _sandbox(ctx).tenants.change_scopes(tenant, ctx.params["client"], added, removed)
    if client is None:
        raise ApiError(404, detail=f"Tenant {tenant.id!r} has no OAuth2 client {ctx.params['client']!r}")
    return _client_view(client)


# -- sandbox actions: what happens outside an API in reality, triggered by a test -----------------
def _api_runtime(ctx: RequestContext):
    name = ctx.params["api"]
    found = next((api for api in _sandbox(ctx).apis if api.name == name), None)
    if found is None:
        known = ", ".join(api.name for api in _sandbox(ctx).apis if api.package.actions) or "none"
        raise ApiError(404, detail=f"No API {name!r}; APIs with actions: {known}")
    return found


@package.handler("listActions")
async def list_actions(ctx: RequestContext) -> list[dict]:
    await _tenant(ctx)
    api = _api_runtime(ctx)
    return [{"name": a.name, "summary": a.summary, "schema": a.schema} for a in api.package.actions.values()]


@package.handler("runAction")
async def run_action(ctx: RequestContext) -> dict:
    tenant = await _tenant(ctx)
    api = _api_runtime(ctx)
    action = api.package.actions.get(ctx.params["action"])
    if action is None:
        known = ", ".join(api.package.actions) or "none"
        raise ApiError(404, detail=f"{api.name} has no action {ctx.params['action']!r}; its actions: {known}")
    body = ctx.body or {}
    found = violations(action.validator, body, "")
    if found:
        raise ApiError(400, detail=f"The body of action {action.name} is invalid", violations=found)
    clock = await _sandbox(ctx).clocks.get(tenant.id)
    return {"result": await action.run(ActionCall(api=api, tenant=tenant.id, body=body, clock=clock))}


@package.handler("getTenant")
async def get_tenant(ctx: RequestContext) -> dict:
    return _tenant_view(await _tenant(ctx))


@package.handler("updateTenant")
async def update_tenant(ctx: RequestContext) -> dict:
    tenant = await _tenant(ctx)
    tenant.name = ctx.body.get("name", tenant.name)
    tenant.token_lifetime = ctx.body.get("tokenLifetime", tenant.token_lifetime)
    await _sandbox(ctx).tenants.save(tenant)
    return _tenant_view(tenant)


@package.handler("deleteTenant")
async def delete_tenant(ctx: RequestContext) -> Reply:
    tenant = await _tenant(ctx)
    if tenant.id == DEMO_TENANT:
        raise ApiError(400, detail="The documented demo tenant stays; reset it instead")
    await _sandbox(ctx).tenants.delete(tenant.id)
    return Reply(None, status=204)


@package.handler("resetTenant")
async def reset_tenant(ctx: RequestContext) -> dict:
    tenant = await _tenant(ctx)
    await _sandbox(ctx).reset_state(tenant.id)
    return _tenant_view(tenant)


# -- clocks: the default one, and each tenant's own ------------------------------------------------
def _clock_state(clock: Clock) -> dict:
    return {"now": clock.now().isoformat(), "frozen": clock.frozen}


async def _change_clock(ctx: RequestContext, tenant: str | None) -> dict:
    clocks = _sandbox(ctx).clocks
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
    return (await _tenant(ctx)).id if "tenant" in ctx.params else None


@package.handler("getClock")
@package.handler("getTenantClock")
async def get_clock(ctx: RequestContext) -> dict:
    return _clock_state(await _sandbox(ctx).clocks.get(await _clock_owner(ctx)))


@package.handler("setClock")
@package.handler("setTenantClock")
async def set_clock(ctx: RequestContext) -> dict:
    return await _change_clock(ctx, await _clock_owner(ctx))


@package.handler("resetClock")
@package.handler("resetTenantClock")
async def reset_clock(ctx: RequestContext) -> dict:
    owner = await _clock_owner(ctx)
    await _sandbox(ctx).clocks.reset(owner)
    return _clock_state(await _sandbox(ctx).clocks.get(owner))


# -- rate limits and faults ------------------------------------------------------------------------
def _limits_view(limits) -> dict:
    return {api: asdict(limit) for api, limit in limits.items()}


@package.handler("getRateLimits")
async def get_rate_limits(ctx: RequestContext) -> dict:
    tenant = await _tenant(ctx)
    return _limits_view(await _sandbox(ctx).rate_limits.limits(tenant.id))


@package.handler("setRateLimits")
async def set_rate_limits(ctx: RequestContext) -> dict:
    tenant = await _tenant(ctx)
    limiter = _sandbox(ctx).rate_limits
    unknown = sorted(set(ctx.body) - set(limiter.defaults))
    if unknown:
        known = ", ".join(sorted(limiter.defaults))
        violations = [
            Violation(name, "enum", f"is not a rate-limited API (known: {known})") for name in unknown
        ]
        raise ApiError(400, detail="Unknown APIs", violations=violations)
    return _limits_view(await limiter.configure(tenant.id, ctx.body))


@package.handler("listFaults")
async def list_faults(ctx: RequestContext) -> list[dict]:
    tenant = await _tenant(ctx)
    return [asdict(f) for f in await _sandbox(ctx).faults.list(tenant.id)]


@package.handler("addFault")
async def add_fault(ctx: RequestContext) -> Reply:
    tenant = await _tenant(ctx)
    body = ctx.body
    apis = {api.name: api for api in _sandbox(ctx).apis if api.journaled}
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
    fault = await _sandbox(ctx).faults.add(tenant.id, **body)
    return Reply(asdict(fault), status=201)


@package.handler("clearFaults")
async def clear_faults(ctx: RequestContext) -> Reply:
    tenant = await _tenant(ctx)
    await _sandbox(ctx).faults.remove(tenant.id)
    return Reply(None, status=204)


@package.handler("removeFault")
async def remove_fault(ctx: RequestContext) -> Reply:
    tenant = await _tenant(ctx)
    if not await _sandbox(ctx).faults.remove(tenant.id, ctx.params["fault"]):
        raise ApiError(404, detail=f"No fault {ctx.params['fault']} on tenant {tenant.id}")
    return Reply(None, status=204)


# -- contract checks ------------------------------------------------------------------------------
@package.handler("verifyContracts")
async def verify_contracts(ctx: RequestContext) -> dict:
    tenant = await _tenant(ctx)
    sandbox = _sandbox(ctx)
    entries = await sandbox.journal.read(tenant.id, limit=sandbox.journal.size)
    operations = [op for api in sandbox.apis for op in api.operations]
    try:
        report = contracts.verify(
            entries, tenant=tenant.id, checks=ctx.params.get("check"), operations=operations
        )
    except contracts.UnknownCheck as exc:
        raise ApiError(400, detail=str(exc), violations=[Violation("check", "enum", str(exc))]) from exc
    return report.to_json()


# -- the journal --------------------------------------------------------------------------------
async def _journal_tenant(ctx: RequestContext) -> str:
    tenant_id = ctx.params.get("tenant", DEMO_TENANT)
    if tenant_id != UNATTRIBUTED:
        await _tenant(ctx, tenant_id)
    return tenant_id


@package.handler("readJournal")
async def read_journal(ctx: RequestContext) -> dict:
    tenant_id = await _journal_tenant(ctx)
    p = ctx.params
    entries = await _sandbox(ctx).journal.read(
        tenant_id,
        after=p.get("after", 0),
        limit=p.get("limit", 1000),
        api=p.get("api"),
        operation=p.get("operation"),
        status=p.get("status"),
        since=parse_instant(p["since"]) if "since" in p else None,
        until=parse_instant(p["until"]) if "until" in p else None,
    )
    return {"tenant": tenant_id, "entries": entries}


@package.handler("streamJournal")
async def stream_journal(ctx: RequestContext) -> StreamingResponse:
    tenant_id = await _journal_tenant(ctx)
    journal = _sandbox(ctx).journal
    after = ctx.params.get("after", 0)
    deadline = time.monotonic() + ctx.params.get("seconds", 30)

    async def events():
        nonlocal after
        yield b": following the journal of " + tenant_id.encode() + b"\n\n"
        while True:
            for item in await journal.read(tenant_id, after=after):
                after = item["seq"]
                yield b"event: exchange\nid: %d\ndata: %s\n\n" % (after, orjson.dumps(item))
            if time.monotonic() >= deadline:
                return
            await asyncio.sleep(STREAM_POLL)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


# -- specs --------------------------------------------------------------------------------------
@package.handler("listSpecs")
def list_specs(ctx: RequestContext) -> dict:
    return _sandbox(ctx).index()


@package.handler("getSpec")
def get_spec(ctx: RequestContext) -> Reply:
    name = ctx.params["api"]
    api = next((a for a in _sandbox(ctx).apis if a.name == name), None)
    if api is None:
        raise ApiError(404, detail=f"No API named {name!r}")
    if ctx.media_type == "application/json":
        return Reply(api.doc.raw)
    return Reply(
        yaml.safe_dump(api.doc.raw, sort_keys=False, allow_unicode=True), media_type="application/yaml"
    )
