"""What the console's pages show of the APIs, read from their specs and fixtures once at start-up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sandbox.runtime.api import ApiRuntime
from sandbox.spec.xsandbox import FIDELITY_LEVELS


@dataclass(frozen=True)
class DemoCredential:
    scheme: str
    kind: str  # how the scheme is used: "apiKey", "basic" or "oauth2"
    where: str  # the header or query parameter of a key, else ""
    values: tuple[tuple[str, str], ...]  # (label, value) pairs a person copies


@dataclass(frozen=True)
class ApiView:
    name: str
    title: str
    prefix: str
    hosts: list[str]
    operations: int
    handled: int
    fidelity: list[tuple[str, int]]  # (level, operations) in the order verified, inferred, invented
    demo: list[DemoCredential]
    journaled: bool


def _scheme_kind(scheme: dict) -> str:
    if scheme.get("type") == "apiKey":
        return "apiKey"
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return "basic"
    return "oauth2"


def _demo_credentials(api: ApiRuntime) -> list[DemoCredential]:
    found = []
    for name, credential in (api.fixture.get("demo_credentials") or {}).items():
        scheme = api.security_schemes.get(name, {})
        kind = _scheme_kind(scheme)
        if isinstance(credential, dict):
            values = (("client_id", credential["client_id"]), ("client_secret", credential["client_secret"]))
        elif kind == "basic":
            username, _, password = str(credential).partition(":")
            values = (("username", username), ("password", password))
        else:
            values = (("key", str(credential)),)
        where = f"{scheme.get('in', '')} {scheme.get('name', '')}".strip() if kind == "apiKey" else ""
        found.append(DemoCredential(name, kind, where, values))
    return found


def api_view(api: ApiRuntime) -> ApiView:
    levels = Counter(op.fidelity.level if op.fidelity else "unlabelled" for op in api.operations)
    return ApiView(
        name=api.name,
        title=api.title,
        prefix=api.prefix,
        hosts=api.hosts,
        operations=len(api.operations),
        handled=sum(op.operation_id in api.package.handlers for op in api.operations),
        fidelity=[(level, levels[level]) for level in (*FIDELITY_LEVELS, "unlabelled") if levels[level]],
        demo=_demo_credentials(api),
        journaled=api.journaled,
    )


def addresses(apis: list[ApiRuntime]) -> list[dict]:
    """Where each real host (and base path) lives in the sandbox, so the docs can point a spec's
    absolute URLs (servers, token URLs) at this sandbox."""
    return [
        {"host": host, "base": base, "prefix": api.prefix} for api in apis for host, base in api.addresses
    ]
