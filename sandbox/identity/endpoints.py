"""The authorization server's operations; each is served at its own path and at IdentityServer's
`/connect/...` path, where Informat's clients look."""

from __future__ import annotations

from sandbox.identity import pages
from sandbox.identity.clients import authenticate_client
from sandbox.identity.codes import (
    CHALLENGE_METHODS,
    CONSENT_LIFETIME,
    UnsafeRedirect,
    exchange_code,
    issue_code,
    parse_scope,
    read_authorization_request,
    recall_request,
    remember_request,
    scope_refusal,
)
from sandbox.identity.errors import (
    ACCESS_DENIED,
    INVALID_GRANT,
    INVALID_SCOPE,
    NO_STORE,
    UNSUPPORTED_GRANT_TYPE,
    invalid_request,
    oauth_error,
    render_error,
)
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.package import ApiPackage
from sandbox.runtime.scopes import declared_scopes
from sandbox.runtime.tokens import ScopeNotGranted, TokenError

package = ApiPackage(render_error=render_error)

UNBOUND_DECISION = (
    "This consent decision answers no authorization request shown in the last "
    f"{CONSENT_LIFETIME // 60} minutes: start again at the authorization endpoint"
)
GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


@package.handler("token")
@package.handler("connectToken")
async def token(ctx: RequestContext) -> Reply:
    form: dict[str, str] = ctx.body
    client = await authenticate_client(ctx)
    tokens = ctx.services.tokens
    grant_type = form["grant_type"]
    scopes = parse_scope(form.get("scope"))
    if grant_type == "client_credentials":
        if scopes is not None and (refusal := scope_refusal(client, scopes)):
            raise oauth_error(400, INVALID_SCOPE, refusal)
        body = await tokens.issue(client, scopes or list(client.scopes), refresh=False, issuer=ctx.base_url)
    elif grant_type == "authorization_code":
        body = await exchange_code(tokens, client, form, ctx.base_url)
    elif grant_type == "refresh_token":
        if not form.get("refresh_token"):
            raise invalid_request("refresh_token is required for grant_type refresh_token")
        try:
            body = await tokens.refresh(client, form["refresh_token"], scopes, issuer=ctx.base_url)
        except ScopeNotGranted as exc:
            raise oauth_error(400, INVALID_SCOPE, exc.description) from exc
        except TokenError as exc:
            raise oauth_error(400, INVALID_GRANT, exc.description) from exc
    else:
        raise oauth_error(
            400, UNSUPPORTED_GRANT_TYPE, f"grant_type {grant_type!r} is not one of: {', '.join(GRANT_TYPES)}"
        )
    return Reply(body, headers=NO_STORE)


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(body, status=status, media_type="text/html", headers=headers or {})


def _redirect(location: str) -> Reply:
    return _html(pages.redirecting(location), 302, {"Location": location, "Cache-Control": "no-store"})


@package.handler("authorize")
@package.handler("connectAuthorize")
async def authorize(ctx: RequestContext) -> Reply:
    """The consent page for a valid request; errors go back to the client when it is safe to."""
    try:
        request = await read_authorization_request(ctx.services.tenants, ctx.params)
    except UnsafeRedirect as exc:
        return _html(pages.refusal(exc.description), 400)
    if request.error:
        return _redirect(request.redirect(error=request.error, error_description=request.error_description))
    await remember_request(ctx.services.store, request)
    tenant = await ctx.services.tenants.get(request.client.tenant)
    action = ctx.base_url + ctx.operation.path
    return _html(pages.consent(request, action, tenant.name if tenant else request.client.tenant))


@package.handler("decideConsent")
@package.handler("connectDecideConsent")
async def decide_consent(ctx: RequestContext) -> Reply:
    """The consent form posts back the request itself, so it is checked again before any redirect."""
    form: dict[str, str] = ctx.body
    try:
        request = await read_authorization_request(ctx.services.tenants, form)
    except UnsafeRedirect as exc:
        return _html(pages.refusal(exc.description), 400)
    if request.error:
        return _redirect(request.redirect(error=request.error, error_description=request.error_description))
    if not await recall_request(ctx.services.store, request):
        return _html(pages.refusal(UNBOUND_DECISION), 400)
    if form["decision"] != "approve":
        return _redirect(request.redirect(error=ACCESS_DENIED, error_description="The user denied access"))
    code = await issue_code(ctx.services.tokens, request)
    return _redirect(request.redirect(code=code))


@package.handler("revoke")
@package.handler("connectRevocation")
async def revoke(ctx: RequestContext) -> Reply:
    client = await authenticate_client(ctx)
    await ctx.services.tokens.revoke(ctx.body["token"], client)
    return Reply(b"", headers=NO_STORE)


@package.handler("discovery")
def discovery(ctx: RequestContext) -> dict:
    base = ctx.base_url
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "revocation_endpoint": f"{base}/revoke",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": list(CHALLENGE_METHODS),
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "scopes_supported": declared_scopes(ctx.services.apis),
    }


@package.handler("jwks")
@package.handler("connectJwks")
async def jwks(ctx: RequestContext) -> dict:
    return await ctx.services.tokens.jwks()
