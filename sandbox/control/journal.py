"""The journal of a tenant's exchanges: read with filters, or followed live (Server-Sent Events)."""

from __future__ import annotations

import asyncio
import time

import orjson
from starlette.responses import StreamingResponse

from sandbox.control import package
from sandbox.control.tenants import known_tenant
from sandbox.runtime.clock import parse_instant
from sandbox.runtime.context import RequestContext
from sandbox.runtime.journal import UNATTRIBUTED
from sandbox.runtime.tenants import DEMO_TENANT

STREAM_POLL = 0.25  # seconds between two looks at the journal while streaming


async def _journal_tenant(ctx: RequestContext) -> str:
    tenant_id = ctx.params.get("tenant", DEMO_TENANT)
    if tenant_id != UNATTRIBUTED:
        await known_tenant(ctx, tenant_id)
    return tenant_id


@package.handler("readJournal")
async def read_journal(ctx: RequestContext) -> dict:
    tenant_id = await _journal_tenant(ctx)
    p = ctx.params
    entries = await ctx.services.journal.read(
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
    journal = ctx.services.journal
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
