"""Products: read by id and by SKU (product code), added with an answer of 200 that has their id,
description and price (seed 003 items 4c and 6c)."""

from __future__ import annotations

from decimal import Decimal

from sandbox.apis.accounting import package
from sandbox.apis.accounting.common import administration, created, next_number
from sandbox.apis.accounting.errors import (
    DUPLICATE_SKU,
    UNKNOWN_LEDGER_ACCOUNT,
    UNKNOWN_VAT_CODE,
    not_found,
    refuse,
)
from sandbox.apis.accounting.ledger import money
from sandbox.apis.accounting.views import paged
from sandbox.apis.accounting.world import Administration, record_id
from sandbox.errors import Violation
from sandbox.runtime.context import Reply, RequestContext


async def all_products(ctx: RequestContext, admin: Administration) -> list[dict]:
    return [*admin.products, *await created(ctx, admin, "products")]


@package.handler("listProducts")
async def list_products(ctx: RequestContext) -> Reply:
    found = await all_products(ctx, administration(ctx))
    if "sku" in ctx.params:
        found = [p for p in found if p["sku"] == ctx.params["sku"]]
    return paged(ctx, found)


@package.handler("getProduct")
async def get_product(ctx: RequestContext) -> dict:
    for product in await all_products(ctx, administration(ctx)):
        if product["id"] == ctx.params["product_id"]:
            return product
    raise not_found("product", ctx.params["product_id"])


@package.handler("createProduct")
async def create_product(ctx: RequestContext) -> dict:
    admin, body = administration(ctx), ctx.body
    violations = []
    if admin.vat_rate(body["vat_code"]) is None:
        known = ", ".join(r["code"] for r in admin.vat_rates)
        violations.append(
            Violation(
                "vat_code", UNKNOWN_VAT_CODE.code, f"{body['vat_code']!r} is not a VAT code here ({known})"
            )
        )
    if admin.ledger_account(body["ledger_account_code"]) is None:
        violations.append(
            Violation(
                "ledger_account_code",
                UNKNOWN_LEDGER_ACCOUNT.code,
                f"{body['ledger_account_code']!r} is not a ledger account here",
            )
        )
    if any(p["sku"] == body["sku"] for p in await all_products(ctx, admin)):
        violations.append(
            Violation("sku", DUPLICATE_SKU.code, f"{body['sku']!r} is the SKU of another product")
        )
    if violations:
        raise refuse(violations)
    n = await next_number(ctx, admin.id, "sequence", "products", after=len(admin.products))
    product = {
        "id": record_id("product", n),
        "sku": body["sku"],
        "description": body["description"],
        "price": {"amount": money(Decimal(body["price"])), "currency": admin.currency, "vat_included": False},
        "vat_code": body["vat_code"],
        "ledger_account_code": body["ledger_account_code"],
    }
    await ctx.state.put(admin.id, "products", product["id"], value=product)
    return product
