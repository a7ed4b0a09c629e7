"""`Ibanity-Idempotency-Key` on POSTs: the same key with the same body answers what the first
request answered, without doing it again; the same key with another body is refused.

Keys live in the tenant's overlay of the API family, one namespace per API, for a day. Only a
success is kept: a request refused or failed did nothing, so its retry runs again.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import orjson
from starlette.responses import Response

from sandbox.apis.codabox.ibanity.errors import IDEMPOTENCY_CONFLICT, refuse
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.package import ApiPackage, Handler

HEADER = "Ibanity-Idempotency-Key"
KEPT_SECONDS = 24 * 3600


def _digest(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def fingerprint(ctx: RequestContext) -> str:
    """What makes two requests the same request: method, path and body (keys in any order)."""
    body = orjson.dumps(ctx.body, option=orjson.OPT_SORT_KEYS, default=str)
    return _digest(b"\n".join([ctx.request.method.encode(), ctx.request.url.path.encode(), body]))


def _replay(kept: dict[str, Any], sent: str, key: str) -> Reply:
    if kept["fingerprint"] != sent:
        raise refuse(
            IDEMPOTENCY_CONFLICT,
            f"{HEADER} {key} was used before for another request: send a new key for a new request",
            HEADER,
        )
    return Reply(kept["body"], status=kept["status"], media_type=kept["media_type"], headers=kept["headers"])


def idempotent(handler: Handler) -> Handler:
    """Wrap a POST handler so that it honours `Ibanity-Idempotency-Key`."""

    @functools.wraps(handler)
    async def run(ctx: RequestContext) -> Reply | Response:
        key = ctx.request.headers.get(HEADER)
        if not key:
            return await ApiPackage.call(handler, ctx)
        slot = ("idempotency", ctx.api.name, _digest(key.encode()))
        sent = fingerprint(ctx)
        kept = await ctx.state.get(*slot)
        if kept is not None:
            return _replay(kept, sent, key)
        answer = await ApiPackage.call(handler, ctx)
        if isinstance(answer, Reply) and 200 <= answer.status < 300 and not isinstance(answer.body, bytes):
            record = {
                "fingerprint": sent,
                "status": answer.status,
                "body": answer.body,
                "media_type": answer.media_type,
                "headers": answer.headers,
            }
            if not await ctx.state.add(*slot, value=record, ttl=KEPT_SECONDS):
                return _replay(await ctx.state.get(*slot), sent, key)  # a concurrent twin answered first
        return answer

    return run
