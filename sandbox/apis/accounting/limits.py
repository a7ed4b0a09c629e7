"""Limits a client can compute (seed 003 item 8): the room left, told without counting, and the
sandbox action that rehearses a real vendor's limit for a tenant."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sandbox.apis.accounting import package
from sandbox.runtime.context import RequestContext
from sandbox.runtime.package import ActionCall


@package.handler("getRateLimit")
async def get_rate_limit(ctx: RequestContext) -> dict:
    room = ctx.exchange.room or await ctx.services.rate_limits.peek(ctx.tenant, ctx.api.name)
    reset_at = datetime.fromtimestamp(int(time.time()) + room.reset, UTC)
    return {
        "limit": room.limit.requests,
        "remaining": room.remaining,
        "window": room.limit.window,
        "reset": room.reset,
        "reset_at": reset_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


PROFILE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["profile"],
    "properties": {
        "profile": {
            "enum": ["generous", "moneybird", "exact-online"],
            "description": "generous: 600 a minute; moneybird: 150 per 5 minutes; exact-online: 60 a minute",
        }
    },
}


@package.action("rate-limit-profile", PROFILE_SCHEMA)
async def rate_limit_profile(call: ActionCall) -> dict:
    """Give the tenant the rate limit of Moneybird, of Exact Online, or the generous default."""
    profile = call.api.fixture["rate_limit_profiles"][call.body["profile"]]
    limits = await call.services.rate_limits.configure(call.tenant, {call.api.name: profile})
    limit = limits[call.api.name]
    return {"profile": call.body["profile"], "requests": limit.requests, "window": limit.window}
