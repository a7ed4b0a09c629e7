"""The way of a request, one module per stage, in the order a request meets them:

    dispatch      choose the API (Host + base path, or the path prefix)
    limits        request line, headers, declared body length  414 / 431 / 413
    host          one valid Host (RFC 9112 §3.2)              400
    route         match the operation in its spec             404 / 405
    authenticate  the tenant behind the credentials           401 / 403
    throttle      the tenant's rate limit for the API         429 + Retry-After
    faults        what the tenant switched on                 latency, 5xx, dropped connection
    decode        the body, by its media type                 400 / 415
    validate      parameters, scope templates, body, Accept   400 / 403 / 406
    handle        the handler, or data generated from the spec
    respond       the HTTP response (+ strict check), request id and rate-limit headers
    record        the journal entry

`serve` runs them as one straight line of calls. Validation reads the parameters before the body
is decoded, so a request that breaks both hears about its parameters first.
"""

from __future__ import annotations

import logging
import time

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox import errors
from sandbox.errors import ApiError, Problem
from sandbox.pipeline import (
    authenticate,
    decode,
    dispatch,
    faults,
    handle,
    host,
    limits,
    record,
    respond,
    route,
    throttle,
    validate,
)
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.cache import Stale
from sandbox.runtime.context import RequestContext
from sandbox.runtime.exchange import ClientClosed, DroppedConnection, Exchange, malformed
from sandbox.runtime.request import SandboxRequest
from sandbox.runtime.services import Services
from sandbox.runtime.tenants import DEMO_TENANT

STAGES = (
    dispatch,
    limits,
    host,
    route,
    authenticate,
    throttle,
    faults,
    decode,
    validate,
    handle,
    respond,
    record,
)

log = logging.getLogger("sandbox")


class Pipeline:
    """The ASGI callable of every HTTP request to the sandbox."""

    def __init__(self, services: Services) -> None:
        self.services = services
        for api in services.apis:
            authenticate.mount(api)
        self.dispatcher = dispatch.Dispatcher(services.apis)
        # what answers a path no API serves (the web console, composed in by the app); only reached
        # once dispatch found no API, so it adds nothing to an API request's way
        self.outside: ASGIApp = self._index

    async def _index(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.dispatcher.outside(Request(scope, receive), scope["path"])
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.services.started:
            await self.services.start()
        settings = self.services.settings
        receiver = limits.BoundedReceive(receive, scope, settings.max_body)
        request = SandboxRequest(scope, receiver)
        target = self.dispatcher.choose(scope)
        if target is None:
            store = self.services.store
            if store.shared:  # else every change went through this process's cache, which adopted it
                await store.cache.refresh()
            await self.outside(scope, receive, send)
            return
        receiver.limit = target.api.max_body or settings.max_body
        response = await serve(target.api, self.services, request, target.path, target.base_url)
        await response(scope, receive, send)


async def serve(api: ApiRuntime, services: Services, request: Request, path: str, base_url: str) -> Response:
    """One request to one API: every stage after dispatch, then the journal."""
    started, clock_start = time.time(), time.perf_counter()
    store = services.store
    # On a shared store the request is first judged on what this process kept, which the store
    # confirms before anything is counted or answered; if it does not, once more on what it holds.
    exchange = Exchange(unconfirmed=store.cache.generation if store.shared else None)
    try:
        try:
            response = await _through(api, services, request, path, base_url, exchange)
        except Stale:
            exchange = Exchange()
            response = await _through(api, services, request, path, base_url, exchange)
    except ApiError as exc:
        response = api.package.render_error(exc.problem)
    except ClientDisconnect:
        log.info(
            "%s %s: the client closed the connection before the answer", request.method, request.url.path
        )
        response = ClientClosed()
    except Exception:
        log.exception("%s %s failed", request.method, request.url.path)
        response = api.package.render_error(
            Problem(500, errors.SERVER_ERROR, "The sandbox failed on this request; see its log.")
        )
    respond.finish(api, request, response, exchange)
    if api.journaled:
        duration = time.perf_counter() - clock_start
        await record.exchange(api, services, request, exchange, response, started, duration)
    return response


async def _through(
    api: ApiRuntime, services: Services, request: Request, path: str, base_url: str, exchange: Exchange
) -> Response:
    try:
        settings = services.settings
        limits.check_head(request.scope, settings.max_request_line, settings.max_headers)
        host.check(request.scope, exchange)
        respond.check_request_id(api, request)
        match = route.operation(api, request.method, path)
        op = match.operation
        limits.check_body(request, op)
        exchange.operation_id = op.operation_id
        owner, templates, claims = await authenticate.identify(api, services, op.operation_id, request)
    except ApiError:
        await throttle.confirm(services, exchange)
        exchange.tenant = await authenticate.claimed_tenant(api, services, request)
        raise
    fired: faults.Fired = []
    if owner is not None:
        exchange.tenant = owner
        exchange.room = await throttle.take(services, owner, api, op, exchange)
    await throttle.confirm(services, exchange)
    if owner is not None:
        fired = await faults.triggered(services, owner, api, op.operation_id, exchange)
        if fired and await faults.before_handler(fired):
            return DroppedConnection()
    tenant = owner or DEMO_TENANT
    params = validate.parameters(api, op, request, match.path_params, exchange)
    authenticate.require_templates(claims, templates, params)
    media_type, decoded = await decode.body(op, request)
    body = validate.body(op, media_type, decoded)
    negotiated = validate.accept(api, op, request)
    ctx = RequestContext(
        request=request,
        operation=op,
        api=api,
        services=services,
        tenant=tenant,
        params=params,
        body=body,
        media_type=negotiated,
        base_url=base_url,
        clock=await services.clocks.get(tenant),
        exchange=exchange,
        claims=claims,
    )
    exchange.clock = ctx.now()  # written out when the journal entry is made
    key = handle.answer_key(ctx)
    answer = None if key is None else handle.kept(ctx, key)
    if answer is not None:
        response = answer.response()
    else:
        reply = await handle.run(ctx, path)
        response = respond.render(op, reply, negotiated, services.settings.strict)
        answer = None if key is None else handle.keep(ctx, key, response)
    if answer is not None:
        exchange.journal_body = (answer.body, answer.journal_body)
    if fired and faults.malforms(fired):
        return malformed(response)
    return response
