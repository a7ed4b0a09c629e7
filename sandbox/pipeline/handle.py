"""Run the operation's handler, or answer with data generated from its response schema when the
API has no handler for it."""

from __future__ import annotations

from starlette.responses import Response

from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.package import ApiPackage
from sandbox.spec.generate import generate_response


async def run(ctx: RequestContext, path: str) -> Reply | Response:
    api = ctx.api
    handler = api.package.handlers.get(ctx.operation.operation_id)
    if handler is not None:
        return await ApiPackage.call(handler, ctx)
    seed = f"{ctx.services.settings.seed}:{ctx.tenant}"
    made = generate_response(api.doc, ctx.operation, ctx.media_type, seed=seed, path=path)
    return Reply(made.body, status=made.status, media_type=made.media_type)
