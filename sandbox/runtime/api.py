"""One emulated API at run time: the way of a request through its spec, auth and handlers."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson
from starlette.datastructures import MultiDict
from starlette.requests import Request
from starlette.responses import Response

from sandbox.runtime import errors, journal
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.errors import ApiError, Problem, Violation
from sandbox.runtime.exchange import DroppedConnection, Exchange, malformed
from sandbox.runtime.faults import Fault, delay, retry_after
from sandbox.runtime.journal import UNATTRIBUTED
from sandbox.runtime.package import ApiPackage
from sandbox.runtime.scopes import fill_scope, is_scope_template
from sandbox.runtime.tenants import DEMO_TENANT
from sandbox.runtime.tokens import authenticate_bearer, require_scopes
from sandbox.spec.generate import generate_response
from sandbox.spec.loader import SpecDocument
from sandbox.spec.negotiate import negotiate
from sandbox.spec.operations import Operation, compile_operations, is_json_media_type
from sandbox.spec.router import Router
from sandbox.spec.validate import violations

if TYPE_CHECKING:
    from sandbox.app import Sandbox

log = logging.getLogger("sandbox")


class ApiRuntime:
    def __init__(
        self,
        doc: SpecDocument,
        package: ApiPackage,
        fixture: dict,
        *,
        sandbox: Sandbox,
        seed: str,
        strict: bool,
    ) -> None:
        meta = doc.meta
        self.doc = doc
        self.name: str = meta["api"]
        self.prefix: str = meta.get("prefix", "/" + self.name).rstrip("/")
        self.hosts: list[str] = [h.lower() for h in meta.get("hosts", [])]
        self.title: str = doc.raw.get("info", {}).get("title", self.name)
        self.unacceptable_status: int = int(meta.get("unacceptable-status", 406))
        self.request_id_header: str | None = meta.get("request-id-header")
        self.journaled: bool = meta.get("journal", True)
        self.rate_limited: bool = meta.get("rate-limit", True)
        # ASP.NET services bind query parameters whatever their case (`schoolyear` = `schoolYear`)
        self.query_case_insensitive: bool = meta.get("query-case-insensitive", False)
        self.package = package
        self.fixture = fixture
        self.seed = seed
        self.strict = strict
        self.sandbox = sandbox
        self._worlds: dict[str, Any] = {}
        self.operations = compile_operations(doc, self.name)
        self.router = Router(self.operations)
        self.security_schemes: dict[str, dict] = doc.raw.get("components", {}).get("securitySchemes", {})

    # -- per-tenant state ------------------------------------------------------------------
    def world_for(self, tenant: str) -> Any:
        world = self._worlds.get(tenant)
        if world is None:
            if self.package.create_world is None:
                raise RuntimeError(f"{self.name} has no world")
            world = self._worlds[tenant] = self.package.create_world(self.seed, tenant, self.fixture)
        return world

    # -- the way of a request --------------------------------------------------------------
    async def handle(self, request: Request, path: str, base_url: str) -> Response:
        started, clock_start = time.time(), time.perf_counter()
        exchange = Exchange()
        request_id = None
        if self.request_id_header:
            request_id = request.headers.get(self.request_id_header) or str(uuid.uuid4())
        try:
            response = await self._handle(request, path, base_url, exchange)
        except ApiError as exc:
            response = self.package.render_error(exc.problem)
        except Exception:
            log.exception("%s %s failed", request.method, request.url.path)
            response = self.package.render_error(
                Problem(500, errors.SERVER_ERROR, "The sandbox failed on this request; see its log.")
            )
        if request_id:
            response.headers[self.request_id_header] = request_id
        if exchange.room is not None:
            response.headers.update(exchange.room.headers())
        if self.journaled:
            await self._record(request, exchange, response, started, time.perf_counter() - clock_start)
        return response

    async def _record(
        self, request: Request, exchange: Exchange, response: Response, started: float, duration: float
    ) -> None:
        clock = exchange.clock
        if clock is None and exchange.tenant is not None:  # refused before its handler read the clock
            clock = (await self.sandbox.clocks.get(exchange.tenant)).now().isoformat()
        await self.sandbox.journal.record(
            exchange.tenant or UNATTRIBUTED,
            journal.entry(
                api=self.name,
                operation_id=exchange.operation_id,
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                request_headers=list(request.headers.items()),
                request_body=await request.body(),
                status=0 if isinstance(response, DroppedConnection) else response.status_code,
                response_headers=[(k.decode(), v.decode()) for k, v in response.raw_headers],
                response_body=bytes(response.body),
                started=started,
                duration=duration,
                fault=exchange.fault,
                clock=clock,
            ),
        )

    async def _handle(self, request: Request, path: str, base_url: str, exchange: Exchange) -> Response:
        match = self.router.match(request.method, path)
        if match.operation is None:
            exchange.tenant = await self._claimed_tenant(request)
            if match.allowed:
                raise ApiError(
                    405,
                    errors.METHOD_NOT_ALLOWED,
                    f"{request.method} is not allowed here; allowed: {', '.join(match.allowed)}",
                    headers={"Allow": ", ".join(match.allowed)},
                )
            raise ApiError(404, errors.UNKNOWN_PATH, f"No operation at {path}")
        op = match.operation
        exchange.operation_id = op.operation_id
        try:
            owner, scope_templates = await self._authenticate(op, request)
        except ApiError:
            exchange.tenant = await self._claimed_tenant(request)
            raise
        faults: list[tuple[Fault, int]] = []
        if owner is not None:
            exchange.tenant = owner
            if self.rate_limited:
                exchange.room = await self.sandbox.rate_limits.take(owner, self.name)
            faults = await self.sandbox.faults.triggered(owner, self.name, op.operation_id)
            exchange.fault = ",".join(f.kind for f, _ in faults) or None
            for fault, nth_use in faults:
                if fault.kind == "latency":
                    await delay(fault, nth_use)
                elif fault.kind == "status":
                    detail = "A fault switched on for this tenant answered this call"
                    raise ApiError(fault.status, "fault", detail, headers=retry_after(fault.status))
                elif fault.kind == "drop":
                    return DroppedConnection()
        tenant = owner or DEMO_TENANT
        params = self._parameters(op, request, match.path_params)
        if scope_templates:  # checked once the parameters they name are known to be valid
            require_scopes(request.state.token_claims, [fill_scope(t, params) for t in scope_templates])
        body = await self._body(op, request)
        media_type = negotiate(request.headers.get("accept"), op.produces)
        if op.produces and media_type is None:
            raise ApiError(
                self.unacceptable_status,
                errors.NOT_ACCEPTABLE,
                f"Accept {request.headers.get('accept')!r} names none of: {', '.join(op.produces)}",
            )
        ctx = RequestContext(
            request=request,
            operation=op,
            api=self,
            tenant=tenant,
            params=params,
            body=body,
            media_type=media_type,
            base_url=base_url,
            clock=await self.sandbox.clocks.get(tenant),
            exchange=exchange,
        )
        exchange.clock = ctx.now().isoformat()
        handler = self.package.handlers.get(op.operation_id)
        if handler is not None:
            reply = await ApiPackage.call(handler, ctx)
        else:
            reply = generate_response(self.doc, op, media_type, seed=f"{self.seed}:{tenant}", path=path)
        response = self._respond(op, reply, media_type)
        if any(f.kind == "malformed" for f, _ in faults):
            return malformed(response)
        return response

    async def _authenticate(self, op: Operation, request: Request) -> tuple[str | None, list[str]]:
        """The tenant whose credential satisfies one of the operation's security requirements
        (None when the operation asks for no credentials), and the scope templates of that
        requirement, which name request parameters and are checked once those are validated."""
        if not op.security:
            return None, []
        presented = False
        bearer_refusal: ApiError | None = None
        for requirement in op.security:
            if not requirement or all(self._admin_passes(name, request) for name in requirement):
                return None, []
            tenant = None
            templates: list[str] = []
            for scheme_name, scopes in requirement.items():
                scheme = self.security_schemes.get(scheme_name, {})
                bearer = scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
                if scheme.get("type") == "oauth2" or (bearer and not scheme.get("x-sandbox-admin")):
                    templates += [s for s in scopes if is_scope_template(s)]
                    fixed = [s for s in scopes if not is_scope_template(s)]
                    try:
                        owner = await authenticate_bearer(self.sandbox, request, fixed)
                    except ApiError as exc:
                        owner, bearer_refusal = None, bearer_refusal or exc
                else:
                    secret = self._secret(scheme_name, request)
                    presented = presented or secret is not None
                    owner = secret and await self.sandbox.tenants.owner(self.name, scheme_name, secret)
                if not owner or (tenant and owner != tenant):
                    tenant = None
                    break
                tenant = owner
            if tenant:
                return tenant, templates
        if bearer_refusal is not None and not presented:
            raise bearer_refusal
        if presented:
            detail = "The credentials are not valid for this operation"
            raise ApiError(401, errors.INVALID_CREDENTIALS, detail)
        raise ApiError(401, errors.MISSING_CREDENTIALS, "This operation needs credentials")

    async def _claimed_tenant(self, request: Request) -> str | None:
        """The tenant a refused credential belongs to (an expired token, a key of another product,
        a call to a path the API does not have), so the refusal is journaled where that tenant's
        client will look for it."""
        if not self.journaled:
            return None
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        if kind.lower() == "bearer" and token.strip():
            return await self.sandbox.tokens.claimed_tenant(token.strip())
        for scheme_name in self.security_schemes:
            secret = self._secret(scheme_name, request)
            owner = secret and await self.sandbox.tenants.owner(self.name, scheme_name, secret)
            if owner:
                return owner
        return None

    def _admin_passes(self, scheme_name: str, request: Request) -> bool:
        """The control plane's admin scheme: open while no admin token is set (loopback),
        else the bearer token must be it."""
        scheme = self.security_schemes.get(scheme_name, {})
        if not scheme.get("x-sandbox-admin"):
            return False
        expected = self.sandbox.admin_token
        if expected is None:
            return True
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        return kind.lower() == "bearer" and hmac.compare_digest(token.encode(), expected.encode())

    def _secret(self, scheme_name: str, request: Request) -> str | None:
        """What the client presented for an API-key or Basic scheme (`user:password`)."""
        scheme = self.security_schemes.get(scheme_name, {})
        if scheme.get("type") == "apiKey":
            source = {"header": request.headers, "query": request.query_params, "cookie": request.cookies}
            return source[scheme["in"]].get(scheme["name"]) or None
        if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "basic":
            kind, _, encoded = request.headers.get("authorization", "").partition(" ")
            if kind.lower() != "basic" or not encoded:
                return None
            try:
                return base64.b64decode(encoded, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return ""
        return None

    def _parameters(self, op: Operation, request: Request, path_params: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        found: list[Violation] = []
        query = request.query_params
        if self.query_case_insensitive:
            by_name = {p.name.lower(): p.name for p in op.parameters if p.location == "query"}
            query = MultiDict([(by_name.get(k.lower(), k), v) for k, v in query.multi_items()])
        for param in op.parameters:
            raw: str | list[str] | None
            if param.location == "path":
                raw = path_params.get(param.name)
            elif param.location == "query":
                many = query.getlist(param.name)
                raw = (many if len(many) > 1 else many[0]) if many else None
            elif param.location == "header":
                raw = request.headers.get(param.name)
            else:
                raw = request.cookies.get(param.name)
            if raw is None:
                if param.required:
                    found.append(Violation(param.name, "required", "is required"))
                continue
            value = param.coerce(raw)
            if param.validator is not None:
                found.extend(violations(param.validator, value, param.name))
            values[param.name] = value
        known = op.query_names
        for name in query:
            if name not in known:
                listed = ", ".join(sorted(known)) or "none"
                message = f"is not a query parameter of this operation (known: {listed})"
                found.append(Violation(name, "unknown", message))
        if found:
            found.sort(key=lambda v: (v.field, v.rule))
            raise ApiError(
                400, errors.INVALID_REQUEST, "The request has invalid parameters", violations=found
            )
        return values

    async def _body(self, op: Operation, request: Request) -> Any:
        if op.body is None:
            return None
        raw = await request.body()
        if not raw:
            if op.body.required:
                raise ApiError(
                    400,
                    errors.INVALID_REQUEST,
                    "The request body is missing",
                    violations=[Violation("body", "required", "is required")],
                )
            return None
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type not in op.body.validators:
            raise ApiError(
                415,
                errors.UNSUPPORTED_MEDIA_TYPE,
                f"Content-Type {content_type or '(none)'!r} is not one of: {', '.join(op.body.validators)}",
            )
        body = self._parse_body(content_type, raw)
        validator = op.body.validators[content_type]
        if validator is not None:
            found = violations(validator, body, "")
            if found:
                raise ApiError(400, errors.INVALID_REQUEST, "The request body is invalid", violations=found)
        return body

    @staticmethod
    def _parse_body(content_type: str, raw: bytes) -> Any:
        if is_json_media_type(content_type):
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise ApiError(
                    400,
                    errors.INVALID_REQUEST,
                    "The request body is not valid JSON",
                    violations=[Violation("body", "json", f"is not valid JSON: {exc}")],
                ) from exc
        if content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return raw

    def _respond(self, op: Operation, reply: Reply | Response, negotiated: str | None) -> Response:
        if isinstance(reply, Response):  # a handler that streams builds its own response
            return reply
        media_type = reply.media_type or negotiated
        body = reply.body
        is_raw = isinstance(body, bytes | str)
        if self.strict:
            self._check_reply(op, reply, media_type)
        if body is None and reply.status in (204, 304):
            content = b""
        elif is_raw:
            content = body.encode() if isinstance(body, str) else body
        else:
            content = orjson.dumps(body)
        return Response(content, status_code=reply.status, media_type=media_type, headers=reply.headers)

    def _check_reply(self, op: Operation, reply: Reply, media_type: str | None) -> None:
        spec = op.response(reply.status)
        if spec is None:
            self._strict_failure(op, [Violation("status", "documented", f"{reply.status} is not documented")])
        if not spec.content:
            return
        if media_type not in spec.content:
            self._strict_failure(
                op, [Violation("Content-Type", "documented", f"{media_type} is not documented")]
            )
        validator = spec.content[media_type]
        if validator is not None and not isinstance(reply.body, bytes | str):
            found = violations(validator, reply.body, "body")
            if found:
                self._strict_failure(op, found)

    @staticmethod
    def _strict_failure(op: Operation, found: list[Violation]) -> None:
        log.error("strict mode: %s answered against its spec: %s", op.operation_id, found)
        raise ApiError(
            500,
            errors.SERVER_ERROR,
            f"Strict mode: the sandbox's answer to {op.operation_id} breaks the spec",
            violations=found,
        )
