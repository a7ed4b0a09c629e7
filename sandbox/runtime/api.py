"""One emulated API as the engine serves it: its compiled spec, its package, its fixture, and where
clients reach it. Plain data; the pipeline does the work. What only a request to the API needs (its
package, its compiled operations and routes) is made on first use, so a server starts without
making it for every API."""

from __future__ import annotations

import functools
import importlib
from typing import Any
from urllib.parse import urlsplit

from sandbox.runtime.package import ApiPackage
from sandbox.spec.loader import SpecDocument, SpecError
from sandbox.spec.operations import Operation, compile_operations
from sandbox.spec.router import Router


def server_addresses(doc: SpecDocument) -> list[tuple[str, str]]:
    """(host, base path) of every absolute URL in the spec's `servers:`, then every host that
    `x-sandbox.hosts` adds (base path `""`), each once."""
    found: list[tuple[str, str]] = []
    for server in doc.raw.get("servers", []):
        url = server.get("url", "") if isinstance(server, dict) else ""
        if "{" in url:
            continue  # a templated server names no one host
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            found.append((parts.hostname.lower(), parts.path.rstrip("/")))
    found += [(host.lower(), "") for host in doc.meta.get("hosts", [])]
    return list(dict.fromkeys(found))


class ApiRuntime:
    def __init__(self, doc: SpecDocument, fixture: dict) -> None:
        meta = doc.meta
        if "api" not in meta or "handlers" not in meta:
            raise SpecError(f"{doc.path}: x-sandbox needs 'api' and 'handlers'")
        self.doc = doc
        self.name: str = meta["api"]
        # specs of one family (Informat's three APIs) share one world per tenant
        self.family: str = meta.get("family", self.name)
        self.prefix: str = meta.get("prefix", "/" + self.name).rstrip("/")
        self.addresses = server_addresses(doc)
        self.hosts: list[str] = list(dict.fromkeys(host for host, _ in self.addresses))
        self.title: str = doc.raw.get("info", {}).get("title", self.name)
        self.unacceptable_status: int = int(meta.get("unacceptable-status", 406))
        self.request_id_header: str | None = meta.get("request-id-header")
        self.journaled: bool = meta.get("journal", True)
        self.rate_limited: bool = meta.get("rate-limit", True)
        self.max_body: int | None = meta.get("max-body")  # if its real service states a limit
        # ASP.NET services bind query parameters whatever their case (`schoolyear` = `schoolYear`)
        self.query_case_insensitive: bool = meta.get("query-case-insensitive", False)
        # Production services mostly ignore a query parameter they do not use; refusing one would
        # break a client on the sandbox that works in production, so it is reported instead.
        self.refuses_unknown_query: bool = meta.get("unknown-query", "report") == "refuse"
        self.handlers_module: str = meta["handlers"]
        self.fixture = fixture
        self.ignores_accept: bool = meta.get("accept") == "ignore"
        self.security_schemes: dict[str, dict] = doc.raw.get("components", {}).get("securitySchemes", {})
        # security schemes by name, filled when the pipeline mounts the API, and each operationId's
        # compiled security requirements, filled when first needed
        self.schemes: dict[str, Any] = {}
        self.guards: dict[str, Any] | None = None

    @functools.cached_property
    def package(self) -> ApiPackage:
        return importlib.import_module(self.handlers_module).package

    @functools.cached_property
    def operations(self) -> list[Operation]:
        return compile_operations(self.doc, self.name)

    @functools.cached_property
    def router(self) -> Router:
        return Router(self.operations, self.doc.meta.get("trailing-slash") == "optional")

    def __repr__(self) -> str:
        return f"ApiRuntime({self.name!r}, prefix={self.prefix!r})"


def describe_apis(apis: list[ApiRuntime]) -> dict:
    """What `GET /` and `GET /__sandbox/specs` answer: every API, where it lives, its spec."""
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
            for api in apis
        ],
    }
