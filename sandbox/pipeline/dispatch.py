"""Choose the API a request is for: by the Host header of the real service and the base path its
spec's `servers:` give (two APIs may share a host under different base paths), else by the
sandbox's path prefix (`/nbb/...`)."""

from __future__ import annotations

from typing import NamedTuple

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from sandbox import errors
from sandbox.errors import Problem, problem_json
from sandbox.runtime.api import ApiRuntime, describe_apis
from sandbox.spec.loader import SpecError


class Target(NamedTuple):
    api: ApiRuntime
    path: str  # the path inside the API, as its spec writes it
    base_url: str  # where the client reached the API, e.g. https://ws.cbso.nbb.be


class Dispatcher:
    def __init__(self, apis: list[ApiRuntime]) -> None:
        self.apis = apis
        by_address: dict[tuple[str, str], ApiRuntime] = {}
        by_prefix: dict[str, ApiRuntime] = {}
        for api in apis:
            for address in api.addresses:
                other = by_address.setdefault(address, api)
                if other is not api:
                    host, base = address
                    raise SpecError(
                        f"{other.doc.path} and {api.doc.path} both serve https://{host}{base or '/'}: "
                        "give one of them another host or base path in `servers:`"
                    )
            other = by_prefix.setdefault(api.prefix, api)
            if other is not api:
                raise SpecError(
                    f"{other.doc.path} and {api.doc.path} both use the prefix {api.prefix or '/'}: "
                    "give one of them another x-sandbox `prefix`"
                )
        # per host, the longest base path first, so /v2 is tried before the host's root
        self.by_host: dict[str, list[tuple[str, ApiRuntime]]] = {}
        for (host, base), api in sorted(by_address.items(), key=lambda item: -len(item[0][1])):
            self.by_host.setdefault(host, []).append((base, api))
        self.by_prefix = sorted(apis, key=lambda a: -len(a.prefix))

    def choose(self, scope: Scope) -> Target | None:
        path: str = scope["path"]
        host_header, forwarded = _host_and_forwarded_proto(scope)
        host = host_header.rsplit(":", 1)[0].lower() if not host_header.startswith("[") else host_header
        scheme = forwarded or scope.get("scheme", "http")
        served = self.by_host.get(host)
        if served is not None:
            for base, api in served:
                if not base or path == base or path.startswith(base + "/"):
                    return Target(api, path[len(base) :] or "/", f"{scheme}://{host_header}{base}")
        for api in self.by_prefix:
            if path == api.prefix or path.startswith(api.prefix + "/"):
                base_url = f"{scheme}://{host_header}{scope.get('root_path', '')}{api.prefix}"
                return Target(api, path[len(api.prefix) :] or "/", base_url)
        return None

    def outside(self, request: Request, path: str) -> Response:
        """The answer to a path no API serves: the index at `/`, else a 404 naming the prefixes."""
        if path == "/" and request.method == "GET":
            return Response(orjson.dumps(describe_apis(self.apis)), media_type="application/json")
        prefixes = ", ".join(a.prefix for a in self.apis)
        return problem_json(
            Problem(404, errors.UNKNOWN_PATH, f"No API at {path}; the APIs live under {prefixes}")
        )


def _host_and_forwarded_proto(scope: Scope) -> tuple[str, str | None]:
    """The first `Host` and `X-Forwarded-Proto` headers, in one pass over the header list."""
    host = forwarded = None
    for name, value in scope["headers"]:
        if name == b"host" and host is None:
            host = value.decode("latin-1")
        elif name == b"x-forwarded-proto" and forwarded is None:
            forwarded = value.decode("latin-1")
    return host or "", forwarded
