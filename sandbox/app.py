"""The composition root: build the services, load the specs into APIs, mount the pipeline."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.control.console import Console
from sandbox.pipeline import Pipeline
from sandbox.runtime import housekeeping
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.exchange import OneLineFaults
from sandbox.runtime.package import ApiPackage
from sandbox.runtime.services import Services, open_services
from sandbox.settings import ENGINE_FIXTURES, ENGINE_SPECS, Settings
from sandbox.spec.loader import SpecError, load_specs, load_yaml
from sandbox.startup import server_start


def load_apis(settings: Settings) -> list[ApiRuntime]:
    """Every spec in the specs folder (and the engine's own), each bound to its package and fixture."""
    apis = []
    for doc in load_specs(settings.specs_dir, *(p for p in ENGINE_SPECS if p.is_file())):
        if "handlers" not in doc.meta:
            raise SpecError(f"{doc.path}: x-sandbox needs 'api' and 'handlers'")
        package: ApiPackage = importlib.import_module(doc.meta["handlers"]).package
        apis.append(ApiRuntime(doc, package, _fixture(settings, doc.meta.get("fixture"))))
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
        same_world = other.package.create_world is api.package.create_world and other.fixture == api.fixture
        if not same_world:
            raise SpecError(
                f"{other.doc.path} and {api.doc.path} are both of family {api.family!r} but build "
                "their worlds differently (another world factory or fixture)"
            )


def build_services(settings: Settings) -> Services:
    return open_services(settings, load_apis(settings))


class _Dispatch:
    """Middleware that gives every HTTP request to the pipeline (Starlette keeps lifespan)."""

    def __init__(self, app: ASGIApp, pipeline: Pipeline) -> None:
        self.app = app
        self.pipeline = pipeline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.pipeline(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def build_app(settings: Settings | None = None) -> Starlette:
    services = build_services(settings or Settings.from_env())
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, OneLineFaults) for f in server_log.filters):
        server_log.addFilter(OneLineFaults())
    pipeline = Pipeline(services)
    pipeline.outside = Console(services, otherwise=pipeline.outside)
    app = Starlette(
        middleware=[Middleware(_Dispatch, pipeline=pipeline)],
        lifespan=lambda _app: housekeeping.running(services),
    )
    app.state.services = services
    return app


def app_from_env() -> Starlette:
    """The app of one worker process of `sandbox serve --workers N`, from SANDBOX_* variables."""
    with server_start():
        return build_app(Settings.from_env())
