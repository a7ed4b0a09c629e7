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


# (base path or prefix, it followed by "/", matches every path, the API, its base URL)
Candidate = tuple[str, str, bool, ApiRuntime, str]
# the most (Host, scheme, root path) combinations whose candidates are kept
MAX_PLACES = 256


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
        # by (Host, scheme, root path): the candidates, with the base URL each would be reached at
        self._candidates: dict[tuple[str, str, str], list[Candidate]] = {}

    def choose(self, scope: Scope) -> Target | None:
        path: str = scope["path"]
        host_header, forwarded = _host_and_forwarded_proto(scope)
        where = (host_header, forwarded or scope.get("scheme", "http"), scope.get("root_path", ""))
        candidates = self._candidates.get(where)
        if candidates is None:
            if len(self._candidates) >= MAX_PLACES:  # Host is the client's to write: keep a bound
                self._candidates.clear()
            candidates = self._candidates[where] = self._candidates_at(*where)
        for base, under, any_path, api, base_url in candidates:
            if any_path or path == base or path.startswith(under):
                return Target(api, path[len(base) :] or "/", base_url)
        return None

    def _candidates_at(self, host_header: str, scheme: str, root_path: str) -> list[Candidate]:
        """What a request reaching `host_header` may be for, in the order they are tried: the APIs
        served at that host, longest base path first, then every API by its path prefix."""
        host = host_header.rsplit(":", 1)[0].lower() if not host_header.startswith("[") else host_header
        served = [
            (base, base + "/", not base, api, f"{scheme}://{host_header}{base}")
            for base, api in self.by_host.get(host, ())
        ]
        prefixed = [
            (api.prefix, api.prefix + "/", False, api, f"{scheme}://{host_header}{root_path}{api.prefix}")
            for api in self.by_prefix
        ]
        return served + prefixed

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
