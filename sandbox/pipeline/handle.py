"""Run the operation's handler, or answer with data generated from its response schema when the
API has no handler for it. An answer its handler declares pure (`kept_by`) is kept by the
process, as sent, until the store's generation moves (see runtime/cache.py)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import orjson
from starlette.responses import Response

from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.journal import journaled_body
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


class Kept:
    """An answer as rendered, before the headers every answer gets, with its journal body."""

    __slots__ = ("body", "journal_body", "raw_headers", "status")

    def __init__(self, response: Response) -> None:
        self.body = bytes(response.body)
        self.status = response.status_code
        self.raw_headers = tuple(response.raw_headers)
        self.journal_body = journaled_body(self.body, response.headers.get("content-type", ""))

    def response(self) -> Response:
        return _KeptResponse(self)


class _KeptResponse(Response):
    """A kept answer sent again: what `Response.__init__` made of it the first time, taken as it
    stands rather than made anew."""

    def __init__(self, kept: Kept) -> None:
        self.status_code = kept.status
        self.body = kept.body
        self.raw_headers = list(kept.raw_headers)
        self.background = None


def answer_key(ctx: RequestContext) -> Hashable | None:
    """The key of the answer to this request, if its handler declares it pure."""
    kept_by: Callable | None = ctx.api.package.kept_by.get(ctx.operation.operation_id)
    if kept_by is None or ctx.body is not None:
        return None
    params = orjson.dumps(ctx.params, option=orjson.OPT_SORT_KEYS)
    return (
        ctx.api.name,
        ctx.tenant,
        ctx.operation.operation_id,
        params,
        ctx.base_url,
        ctx.media_type,
        kept_by(ctx),
    )


def kept(ctx: RequestContext, key: Hashable) -> Kept | None:
    return ctx.store.cache.answer(key)


def keep(ctx: RequestContext, key: Hashable, response: Response) -> Kept | None:
    if type(response) is not Response or not 200 <= response.status_code < 300:
        return None  # streamed, faulty or refused answers are made anew each time
    answer = Kept(response)
    ctx.store.cache.keep_answer(key, answer, len(answer.body))
    return answer
