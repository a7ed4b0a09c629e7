"""The composition root: build the services, load the specs into APIs, mount the pipeline."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.kept import files_stamp, kept_beside, module_file
from sandbox.pipeline import Pipeline, authenticate
from sandbox.runtime import housekeeping
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.exchange import OneLineFaults
from sandbox.runtime.services import Services, open_services
from sandbox.settings import ENGINE_FIXTURES, ENGINE_SPECS, Settings
from sandbox.spec import formats, loader, operations, router, xsandbox
from sandbox.spec import validate as schema_validate
from sandbox.spec.loader import SpecError, load_specs, load_yaml
from sandbox.startup import server_start


def load_apis(settings: Settings) -> list[ApiRuntime]:
    """Every spec in the specs folder (and the engine's own), each bound to its package and fixture."""
    apis = [
        ApiRuntime(doc, _fixture(settings, doc.meta.get("fixture")))
        for doc in load_specs(settings.specs_dir, *(p for p in ENGINE_SPECS if p.is_file()))
    ]
    _check_families(apis)
    return apis


def _fixture(settings: Settings, name: str | None) -> dict:
    if not name:
        return {}
    path: Path = settings.fixtures_dir / name
    if not path.is_file():
        path = ENGINE_FIXTURES / name  # the engine's own APIs keep their fixtures beside the package
    return load_yaml(path) or {}


def _check_families(apis: list[ApiRuntime]) -> None:
    """The specs of one family share one world per tenant, so they must build it the same way."""
    first: dict[str, ApiRuntime] = {}
    for api in apis:
        other = first.setdefault(api.family, api)
        if other.fixture != api.fixture or not _same_world_factory(other, api):
            raise SpecError(
                f"{other.doc.path} and {api.doc.path} are both of family {api.family!r} but build "
                "their worlds differently (another world factory or fixture)"
            )


def _same_world_factory(one: ApiRuntime, other: ApiRuntime) -> bool:
    """Whether two APIs' packages build their worlds with one factory. Importing a package (CodaBox's,
    Informat's) is a good part of a start, so the answer is kept by the stamp of the two packages'
    files (see sandbox/kept.py), and they are imported only when those files changed."""
    if one.handlers_module == other.handlers_module:
        return True
    files = [module_file(one.handlers_module), module_file(other.handlers_module)]

    def same() -> bool:
        return one.package.create_world is other.package.create_world

    if None in files:
        return same()
    kept_as = f"world-factory-{one.name}-{other.name}"
    return kept_beside(one.doc.path.parent, kept_as, files_stamp(*files), same)


@functools.cache
def _checking_code() -> bytes:
    """The stamp of the code that decides whether a spec compiles (see `_check_compiles`)."""
    checking = (loader, operations, router, schema_validate, formats, xsandbox, authenticate)
    libraries = (module_file(name) for name in ("jsonschema", "jsonschema_rs", "referencing"))
    return files_stamp(*(module.__file__ for module in checking), *libraries)


def _check_compiles(api: ApiRuntime) -> None:
    """A broken spec stops the start, so what can fail on one (its operations, their schemas and
    validators, its routes, its security requirements) is compiled at start-up, unless these bytes
    of the spec compiled under this code before (kept in `__pycache__` beside it, see sandbox/kept.py):
    then each part is compiled when the API is first called, and a start makes none of it."""

    made = False

    def compiled() -> bool:
        nonlocal made
        made = True
        authenticate.guards(api)
        return api.router is not None

    kept_beside(
        api.doc.path.parent, f"checked-{api.doc.path.name}", api.doc.digest + _checking_code(), compiled
    )
    # kept: its schemas passed the metaschema under this code, and need not be held to it again
    # when the API is first called (which would import the metaschema's checker for nothing)
    api.doc.schemas_checked = not made


def build_services(settings: Settings) -> Services:
    return open_services(settings, load_apis(settings))


class SandboxApp(Starlette):
    """Starlette keeps the lifespan (and what else is not HTTP); every HTTP request goes straight
    to the pipeline, which answers its own failures in each API's error shape, so no middleware
    stands between (an error escaping the web console still ends as the server's plain 500)."""

    def __init__(self, pipeline: Pipeline, **options: Any) -> None:
        super().__init__(**options)
        self.pipeline = pipeline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["app"] = self
            await self.pipeline(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


class _Console:
    """The web console, for the paths no API serves. Its package (and with it the control plane's)
    is imported when such a path is first asked for: a request to an API never needs it."""

    def __init__(self, services: Services, otherwise: ASGIApp) -> None:
        self.services = services
        self.otherwise = otherwise
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            from sandbox.control.console import Console

            self.app = Console(self.services, otherwise=self.otherwise)
        await self.app(scope, receive, send)


def build_app(settings: Settings | None = None) -> Starlette:
    services = build_services(settings or Settings.from_env())
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, OneLineFaults) for f in server_log.filters):
        server_log.addFilter(OneLineFaults())
    pipeline = Pipeline(services)
    for api in services.apis:
        _check_compiles(api)
    pipeline.outside = _Console(services, otherwise=pipeline.outside)
    app = SandboxApp(pipeline, lifespan=lambda _app: housekeeping.running(services))
    app.state.services = services
    return app


def app_from_env() -> Starlette:
    """The app of one worker process of `sandbox serve --workers N`, from SANDBOX_* variables."""
    with server_start():
        return build_app(Settings.from_env())
