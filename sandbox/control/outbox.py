"""The e-mails the emulated APIs sent a tenant's users (one-time tokens and the like)."""

from __future__ import annotations

from sandbox.control import package
from sandbox.control.tenants import known_tenant
from sandbox.runtime.context import RequestContext


@package.handler("readOutbox")
async def read_outbox(ctx: RequestContext) -> list[dict]:
    tenant = await known_tenant(ctx)
    return await ctx.services.outbox.read(tenant.id, ctx.params.get("api"))
