"""Who is calling: the tenant whose credentials satisfy one of the operation's security
requirements, found through a table of scheme handlers keyed by the kind of scheme.

A requirement that lists several schemes is a combination: every scheme must pass, and all must
name the same tenant (CodaBox V2 asks for a software-company header key and Basic credentials of a
user of that company). Scope templates (`api.{InstituteNo}`) name request parameters and are
checked once those are valid (`require_templates`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from starlette.requests import Request

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.network import host_name, served_beyond_loopback
from sandbox.runtime.scopes import fill_scope, is_scope_template
from sandbox.runtime.services import Services
from sandbox.runtime.tokens import Claims, TokenError, challenge, require_scopes
from sandbox.spec.loader import SpecError


class Attempt:
    """What trying the requirements of one request learned: whether the client presented a key or
    Basic credentials, the first bearer refusal, the first refusal of a secret no tenant holds
    (for schemes whose spec gives that its own status), and the claims of an accepted token."""

    __slots__ = ("claims", "presented", "refusal", "unknown")

    def __init__(self) -> None:
        self.presented = False
        self.refusal: ApiError | None = None
        self.unknown: ApiError | None = None
        self.claims: Claims | None = None


# -- the scheme handlers -----------------------------------------------------------------------------
class Scheme:
    """A security scheme of the spec. `secret` is what the client presented for it (None: nothing);
    `owner` is the tenant it names, if it lets the request in."""

    def __init__(self, name: str, scheme: dict) -> None:
        self.name = name

    def secret(self, request: Request) -> str | None:
        return None

    async def owner(
        self, services: Services, api: ApiRuntime, request: Request, scopes: list[str], attempt: Attempt
    ) -> str | None:
        return None


class RegisteredSecret(Scheme):
    """A secret the client presents as such, registered to one tenant per API and scheme. A spec
    may give a secret that no tenant holds its own status (`x-sandbox-unknown-status: 403`: CodaBox
    forbids a software key it never issued, where a missing one is 401)."""

    def __init__(self, name: str, scheme: dict) -> None:
        super().__init__(name, scheme)
        self.unknown_status: int = scheme.get("x-sandbox-unknown-status", 401)

    def described(self) -> str:
        return f"{self.name} credentials"

    async def owner(
        self, services: Services, api: ApiRuntime, request: Request, scopes: list[str], attempt: Attempt
    ) -> str | None:
        secret = self.secret(request)
        if secret is None:
            return None
        attempt.presented = True
        owner = await services.tenants.owner(api.name, self.name, secret) if secret else None
        if owner is None and self.unknown_status == 403 and attempt.unknown is None:
            attempt.unknown = ApiError(403, errors.FORBIDDEN, f"Forbidden: unknown {self.described()}")
        return owner


class ApiKey(RegisteredSecret):
    """An API key in a header, the query or a cookie."""

    def __init__(self, name: str, scheme: dict) -> None:
        super().__init__(name, scheme)
        self.location, self.key_name = scheme["in"], scheme["name"]

    def described(self) -> str:
        return f"{self.key_name} key"

    def secret(self, request: Request) -> str | None:
        if self.location == "header":
            return request.headers.get(self.key_name) or None
        if self.location == "query":
            return request.query_params.get(self.key_name) or None
        return request.cookies.get(self.key_name) or None


class Basic(RegisteredSecret):
    """HTTP Basic credentials, `user:password`."""

    def secret(self, request: Request) -> str | None:
        kind, _, encoded = request.headers.get("authorization", "").partition(" ")
        if kind.lower() != "basic" or not encoded:
            return None
        try:
            return base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""  # presented, but names no one


class Bearer(Scheme):
    """An OAuth2 access token signed by this sandbox (RFC 6750), carrying the requirement's scopes.
    It has no `secret`: a token names its tenant itself (see `claimed_tenant`)."""

    async def owner(
        self, services: Services, api: ApiRuntime, request: Request, scopes: list[str], attempt: Attempt
    ) -> str | None:
        try:
            claims = await verified_claims(services, request, scopes)
        except ApiError as exc:
            attempt.refusal = attempt.refusal or exc
            return None
        attempt.claims = claims
        return claims.tenant


class Admin(Scheme):
    """The control plane's admin scheme: open while no admin token is set (loopback), else the
    bearer token must be it. It names no tenant. Browsers' cross-site writes are refused either
    way; while it is open, so is a `Host` that names another site (see runtime/network.py)."""

    @staticmethod
    def passes(services: Services, request: Request) -> bool:
        refuse_cross_site(services, request)
        expected = services.admin_token
        if expected is None:
            refuse_foreign_host(services, request)
            if served_beyond_loopback(request.scope):
                raise ApiError(
                    403,
                    errors.FORBIDDEN,
                    "The control plane is served beyond loopback and no admin token is set: "
                    "set SANDBOX_ADMIN_TOKEN (or --admin-token)",
                )
            return True
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        return kind.lower() == "bearer" and hmac.compare_digest(token.encode(), expected.encode())


def refuse_foreign_host(services: Services, request: Request) -> None:
    """421 for a `Host` that names neither an emulated API, nor this machine, nor the address
    served: a page of another site whose DNS name was rebound to this machine."""
    name = host_name(request.headers.get("host", ""))
    if name and not services.hosts.allows(name, request.scope):
        raise ApiError(
            421,
            errors.MISDIRECTED,
            f"Host {name!r} is not served here: the open control plane answers loopback names, the "
            "address served and the real hosts of the emulated APIs",
        )


def refuse_cross_site(services: Services, request: Request) -> None:
    """403 for a browser's request to the control plane from a page of another site: a form or a
    body-less fetch can POST without a CORS preflight, but the browser says where it came from."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("origin")
    fetched_from = request.headers.get("sec-fetch-site", "")
    foreign = origin is not None and (
        origin == "null" or not services.hosts.allows(host_name(origin.partition("://")[2]), request.scope)
    )
    if foreign or fetched_from == "cross-site":
        refusal = f"Cross-site requests to the control plane are refused (Origin {origin})"
        raise ApiError(403, errors.FORBIDDEN, refusal)


class Unsupported(Scheme):
    """A scheme kind the sandbox has no handler for: it never lets a request in."""


SCHEME_HANDLERS: dict[str, type[Scheme]] = {
    "apiKey": ApiKey,
    "http:basic": Basic,
    "http:bearer": Bearer,
    "oauth2": Bearer,
    "openIdConnect": Bearer,
}


def scheme_kind(scheme: dict) -> str:
    kind = scheme.get("type", "")
    return f"http:{scheme.get('scheme', '').lower()}" if kind == "http" else kind


def scheme_handler(name: str, scheme: dict) -> Scheme:
    if scheme.get("x-sandbox-admin"):
        return Admin(name, scheme)
    return SCHEME_HANDLERS.get(scheme_kind(scheme), Unsupported)(name, scheme)


# -- requirements: one scheme, or a combination of schemes that must agree ---------------------------
@dataclass(frozen=True)
class Requirement:
    checks: tuple[tuple[Scheme, list[str]], ...]  # each scheme with the plain scopes it must carry
    templates: tuple[str, ...]  # scope templates, filled from the request's parameters
    admin: bool  # every scheme is the admin scheme

    async def owner(
        self, services: Services, api: ApiRuntime, request: Request, attempt: Attempt
    ) -> str | None:
        tenant = None
        for index, (scheme, scopes) in enumerate(self.checks):
            owner = await scheme.owner(services, api, request, scopes, attempt)
            if not owner or (tenant and owner != tenant):
                # half a combination was still presented: its 401 says the credentials are wrong
                rest = self.checks[index + 1 :]
                attempt.presented = attempt.presented or any(s.secret(request) is not None for s, _ in rest)
                return None
            tenant = owner
        return tenant


def requirement(schemes: dict[str, Scheme], listed: dict[str, list[str]], where: str) -> Requirement:
    checks, templates = [], []
    for name, scopes in listed.items():
        if name not in schemes:
            raise SpecError(f"{where}: security names the unknown scheme {name!r}")
        checks.append((schemes[name], [s for s in scopes if not is_scope_template(s)]))
        if isinstance(schemes[name], Bearer):
            templates += [s for s in scopes if is_scope_template(s)]
    admin = bool(checks) and all(isinstance(scheme, Admin) for scheme, _ in checks)
    return Requirement(tuple(checks), tuple(templates), admin)


def mount(api: ApiRuntime) -> None:
    """The API's security schemes, at start-up; its operations' requirements are compiled with
    its operations (see `guards`)."""
    api.schemes = {name: scheme_handler(name, scheme) for name, scheme in api.security_schemes.items()}


def guards(api: ApiRuntime) -> dict[str, tuple[Requirement, ...]]:
    """Each operation's security requirements, compiled once, when first needed."""
    if api.guards is None:
        api.guards = {
            op.operation_id: tuple(
                requirement(api.schemes, listed, f"{api.doc.path}: {op.operation_id}")
                for listed in op.security
            )
            for op in api.operations
        }
    return api.guards


# -- the stage ---------------------------------------------------------------------------------------
OPEN: tuple[str | None, tuple[str, ...], Claims | None] = (None, (), None)


async def identify(
    api: ApiRuntime, services: Services, operation_id: str, request: Request
) -> tuple[str | None, tuple[str, ...], Claims | None]:
    """(tenant, scope templates, token claims) of the requirement the request satisfies; the
    tenant is None when the operation asks for no credentials. Else 401, or the bearer's 401/403."""
    guard = guards(api)[operation_id]
    if not guard:
        return OPEN
    attempt = Attempt()
    for needed in guard:
        if not needed.checks or (needed.admin and Admin.passes(services, request)):
            return OPEN
        attempt.claims = None
        tenant = await needed.owner(services, api, request, attempt)
        if tenant:
            return tenant, needed.templates, attempt.claims
    if attempt.refusal is not None and not attempt.presented:
        raise attempt.refusal
    if attempt.unknown is not None:
        raise attempt.unknown
    if attempt.presented:
        raise ApiError(401, errors.INVALID_CREDENTIALS, "The credentials are not valid for this operation")
    raise ApiError(401, errors.MISSING_CREDENTIALS, "This operation needs credentials")


def require_templates(claims: Claims | None, templates: tuple[str, ...], params: dict) -> None:
    """403 unless the token carries each scope template filled with the request's parameters."""
    if templates and claims is not None:
        require_scopes(claims, [fill_scope(t, params) for t in templates])


async def verified_claims(services: Services, request: Request, scopes: list[str]) -> Claims:
    """The claims of the request's Bearer token (RFC 6750), which must carry `scopes`."""
    kind, _, token = request.headers.get("authorization", "").partition(" ")
    if kind.lower() != "bearer":
        # No Bearer credentials at all: RFC 6750 §3.1 says the challenge carries no error code.
        raise ApiError(
            401,
            errors.MISSING_CREDENTIALS,
            "This operation needs an OAuth2 Bearer token",
            headers={"WWW-Authenticate": challenge()},
        )
    try:
        claims = await services.tokens.verify(token.strip())
    except TokenError as exc:
        raise ApiError(
            401,
            errors.INVALID_CREDENTIALS,
            exc.description,
            headers={"WWW-Authenticate": challenge("invalid_token", exc.description)},
        ) from exc
    require_scopes(claims, scopes)
    return claims


async def claimed_tenant(api: ApiRuntime, services: Services, request: Request) -> str | None:
    """The tenant a refused credential belongs to (an expired token, a key of another product,
    a call to a path the API does not have), so the refusal is journaled where that tenant's
    client will look for it."""
    if not api.journaled:
        return None
    kind, _, token = request.headers.get("authorization", "").partition(" ")
    if kind.lower() == "bearer" and token.strip():
        return await services.tokens.claimed_tenant(token.strip())
    for name, scheme in api.schemes.items():
        secret = scheme.secret(request)
        owner = secret and await services.tenants.owner(api.name, name, secret)
        if owner:
            return owner
    return None
