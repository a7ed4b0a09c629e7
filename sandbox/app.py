"""build_app(settings) -> Starlette: every API found in specs/, reachable by prefix or real Host."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.runtime import errors
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.clock import Clock, Clocks
from sandbox.runtime.errors import Problem, problem_json
from sandbox.runtime.faults import Faults
from sandbox.runtime.jobs import Jobs
from sandbox.runtime.journal import Journal
from sandbox.runtime.package import ApiPackage
from sandbox.runtime.ratelimit import RateLimiter
from sandbox.runtime.store import open_store
from sandbox.runtime.tenants import Tenants, register_demo_tenant, state_prefix
from sandbox.runtime.tokens import TokenService, revoked_key
from sandbox.settings import ENGINE_FIXTURES, ENGINE_SPECS, Settings
from sandbox.spec.loader import SpecError, load_specs, load_yaml


class Sandbox:
    """The ASGI core: picks the API by the Host header of the real service, else by path prefix."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = open_store(settings.store)
        self.tenants = Tenants(self.store)
        self.clocks = Clocks(self.store)
        self.tokens = TokenService(self.store, self.tenants, self.clocks)
        self.faults = Faults(self.store)
        self.jobs = Jobs(self.store, self.faults)
        self.journal = Journal(self.store, settings.journal_size)
        self.admin_token = settings.admin_token
        self.apis: list[ApiRuntime] = []
        for doc in load_specs(settings.specs_dir, *(p for p in ENGINE_SPECS if p.is_file())):
            meta = doc.meta
            if "api" not in meta or "handlers" not in meta:
                raise SpecError(f"{doc.path}: x-sandbox needs 'api' and 'handlers'")
            package: ApiPackage = importlib.import_module(meta["handlers"]).package
            fixture = self._fixture(meta.get("fixture"))
            self.apis.append(
                ApiRuntime(doc, package, fixture, sandbox=self, seed=settings.seed, strict=settings.strict)
            )
        self.rate_limits = RateLimiter(
            self.store,
            {api.name: api.fixture.get("rate_limit") or {} for api in self.apis if api.rate_limited},
        )
        self.by_host = {host: api for api in self.apis for host in api.hosts}
        self.by_prefix = sorted(self.apis, key=lambda a: -len(a.prefix))
        self._started = False
        self._starting = asyncio.Lock()

    async def start(self) -> None:
        """Once, before the first request: the default clock and the documented demo tenant."""
        async with self._starting:
            if self._started:
                return
            if self.settings.now is not None:
                await self.clocks.save(None, Clock(self.settings.now, frozen=self.settings.frozen))
            await register_demo_tenant(self.tenants, self.apis)
            self._started = True

    async def reset_state(self, tenant_id: str) -> None:
        """Forget what a tenant did (journal, faults, limits, clock, refresh tokens); keep its
        credentials, and keep revoked access tokens revoked."""
        prefix = state_prefix(tenant_id)
        kept = revoked_key(tenant_id, "")
        await self.store.delete(*[key for key in await self.store.keys(prefix) if not key.startswith(kept)])

    def _fixture(self, name: str | None) -> dict:
        if not name:
            return {}
        path: Path = self.settings.fixtures_dir / name
        if not path.is_file():
            path = ENGINE_FIXTURES / name  # the engine's own APIs keep their fixtures beside the package
        return load_yaml(path) or {}

    def api(self, name: str) -> ApiRuntime:
        return next(a for a in self.apis if a.name == name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._started:
            await self.start()
        request = Request(scope, receive)
        path: str = scope["path"]
        host_header = request.headers.get("host", "")
        host = host_header.rsplit(":", 1)[0].lower() if not host_header.startswith("[") else host_header
        scheme = request.headers.get("x-forwarded-proto") or scope.get("scheme", "http")
        api = self.by_host.get(host)
        if api is not None:
            response = await api.handle(request, path, f"{scheme}://{host_header}")
        else:
            for api in self.by_prefix:
                if path == api.prefix or path.startswith(api.prefix + "/"):
                    base = f"{scheme}://{host_header}{scope.get('root_path', '')}{api.prefix}"
                    response = await api.handle(request, path[len(api.prefix) :] or "/", base)
                    break
            else:
                response = self._outside(request, path)
        await response(scope, receive, send)

    def _outside(self, request: Request, path: str) -> Response:
        if path == "/" and request.method == "GET":
            return Response(orjson.dumps(self.index()), media_type="application/json")
        prefixes = ", ".join(a.prefix for a in self.apis)
        return problem_json(
            Problem(404, errors.UNKNOWN_PATH, f"No API at {path}; the APIs live under {prefixes}")
        )

    def index(self) -> dict:
        return {
            "sandbox": "API sandbox",
            "apis": [
                {
                    "api": api.name,
                    "title": api.title,
                    "prefix": api.prefix,
                    "hosts": api.hosts,
                    "spec": f"/__sandbox/specs/{api.name}",
                    "operations": len(api.operations),
                }
                for api in self.apis
            ],
        }


class _Dispatch:
    """Middleware that gives every HTTP request to the sandbox (Starlette keeps lifespan)."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.sandbox(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def build_app(settings: Settings | None = None) -> Starlette:
    sandbox = Sandbox(settings or Settings.from_env())
    app = Starlette(middleware=[Middleware(_Dispatch, sandbox=sandbox)])
    app.state.sandbox = sandbox
    return app
