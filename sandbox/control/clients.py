"""A tenant's OAuth2 clients: the intake form's "new ClientID" and "extend an existing ClientID"."""

from __future__ import annotations

from sandbox.control import package
from sandbox.control.tenants import known_scopes, known_tenant
from sandbox.errors import ApiError
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.tenants import OAuthClient


def client_view(client: OAuthClient) -> dict:
    return {
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "scopes": client.scopes,
        "redirectUris": client.redirect_uris,
    }


@package.handler("createClient")
async def create_client(ctx: RequestContext) -> Reply:
    """The intake form's "new ClientID": one more OAuth2 client of the tenant."""
    tenant = await known_tenant(ctx)
    known_scopes(ctx, "scopes", ctx.body["scopes"])
    client = await ctx.services.tenants.add_client(tenant, ctx.body["scopes"], ctx.body.get("redirectUris"))
    if client is None:
        raise ApiError(404, detail=f"No tenant {tenant.id!r}")
    return Reply(client_view(client), status=201)


@package.handler("updateClient")
async def update_client(ctx: RequestContext) -> dict:
    """The intake form's "extend an existing ClientID": more (or fewer) scopes for a client."""
    tenant = await known_tenant(ctx)
    added, removed = ctx.body.get("addScopes", []), ctx.body.get("removeScopes", [])
    known_scopes(ctx, "addScopes", added)
    client = await ctx.services.tenants.change_scopes(tenant, ctx.params["client"], added, removed)
    if client is None:
        raise ApiError(404, detail=f"Tenant {tenant.id!r} has no OAuth2 client {ctx.params['client']!r}")
    return client_view(client)
