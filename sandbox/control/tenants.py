"""Tenants: create, read, rename, reset and delete them."""

from __future__ import annotations

from sandbox.control import package
from sandbox.errors import ApiError, Violation
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.scopes import unknown_scopes
from sandbox.runtime.tenants import DEMO_TENANT, Tenant, create_tenant


async def known_tenant(ctx: RequestContext, tenant_id: str | None = None) -> Tenant:
    """The tenant the request names (its `tenant` parameter by default); 404 if there is none."""
    tenant_id = tenant_id or ctx.params["tenant"]
    tenant = await ctx.services.tenants.get(tenant_id)
    if tenant is None:
        raise ApiError(404, detail=f"No tenant {tenant_id!r}")
    return tenant


def known_scopes(ctx: RequestContext, field: str, scopes: list[str]) -> None:
    unknown = unknown_scopes(ctx.services.apis, scopes)
    if unknown:
        message = "is not a scope any API declares: " + ", ".join(unknown)
        raise ApiError(400, detail="Unknown scopes", violations=[Violation(field, "enum", message)])


def tenant_view(tenant: Tenant) -> dict:
    return {
        "id": tenant.id,
        "name": tenant.name,
        "created": tenant.created,
        "tokenLifetime": tenant.token_lifetime,
        "credentials": tenant.credentials,
    }


@package.handler("listTenants")
async def list_tenants(ctx: RequestContext) -> list[dict]:
    return [
        {k: v for k, v in tenant_view(t).items() if k != "credentials"}
        for t in await ctx.services.tenants.all()
    ]


@package.handler("createTenant")
async def create(ctx: RequestContext) -> Reply:
    body = ctx.body or {}
    if "scopes" in body:
        known_scopes(ctx, "scopes", body["scopes"])
    tenant = await create_tenant(
        ctx.services.tenants,
        ctx.services.apis,
        name=body.get("name"),
        scopes=body.get("scopes"),
        redirect_uris=body.get("redirectUris"),
        **({"token_lifetime": body["tokenLifetime"]} if "tokenLifetime" in body else {}),
    )
    return Reply(tenant_view(tenant), status=201)


@package.handler("getTenant")
async def get_tenant(ctx: RequestContext) -> dict:
    return tenant_view(await known_tenant(ctx))


@package.handler("updateTenant")
async def update_tenant(ctx: RequestContext) -> dict:
    tenant = await known_tenant(ctx)

    def renamed(record: Tenant) -> None:
        record.name = ctx.body.get("name", record.name)
        record.token_lifetime = ctx.body.get("tokenLifetime", record.token_lifetime)

    changed = await ctx.services.tenants.update(tenant.id, renamed)
    if changed is None:
        raise ApiError(404, detail=f"No tenant {tenant.id!r}")
    return tenant_view(changed)


@package.handler("deleteTenant")
async def delete_tenant(ctx: RequestContext) -> Reply:
    tenant = await known_tenant(ctx)
    if tenant.id == DEMO_TENANT:
        raise ApiError(400, detail="The documented demo tenant stays; reset it instead")
    await ctx.services.delete_tenant(tenant.id)
    return Reply(None, status=204)


@package.handler("resetTenant")
async def reset_tenant(ctx: RequestContext) -> dict:
    tenant = await known_tenant(ctx)
    await ctx.services.reset_tenant(tenant.id)
    return tenant_view(tenant)
