"""Debtors (debiteuren): searched by e-mail, exactly and whatever the case, or by text; added with
an answer of 200 that has their id, name and address (seed 003 items 4a and 6b)."""

from __future__ import annotations

from sandbox.apis.accounting import package
from sandbox.apis.accounting.common import administration, created, next_number
from sandbox.apis.accounting.errors import INVALID_EMAIL, VALIDATION_FAILED, not_found, refuse
from sandbox.apis.accounting.views import paged
from sandbox.apis.accounting.world import Administration, record_id
from sandbox.errors import Violation
from sandbox.runtime.context import Reply, RequestContext


async def all_contacts(ctx: RequestContext, admin: Administration) -> list[dict]:
    return [*admin.contacts, *await created(ctx, admin, "contacts")]


def _matches(contact: dict, text: str) -> bool:
    haystack = (contact["name"], contact["email"], contact["address"]["city"], contact["customer_id"])
    return any(text in value.casefold() for value in haystack)


@package.handler("listContacts")
async def list_contacts(ctx: RequestContext) -> Reply:
    found = await all_contacts(ctx, administration(ctx))
    if "email" in ctx.params:
        wanted = ctx.params["email"].strip().casefold()
        found = [c for c in found if c["email"].casefold() == wanted]
    if "query" in ctx.params:
        text = ctx.params["query"].strip().casefold()
        found = [c for c in found if _matches(c, text)]
    return paged(ctx, found)


@package.handler("getContact")
async def get_contact(ctx: RequestContext) -> dict:
    for contact in await all_contacts(ctx, administration(ctx)):
        if contact["id"] == ctx.params["contact_id"]:
            return contact
    raise not_found("debtor", ctx.params["contact_id"])


def checked_email(address: str) -> str:
    """The address in its normal form; a Violation when it is not one mail can be sent to."""
    # imported here: its module compiles its grammar, a tenth of the sandbox's start-up
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise refuse([Violation("email", INVALID_EMAIL.code, str(exc))]) from exc


@package.handler("createContact")
async def create_contact(ctx: RequestContext) -> dict:
    admin = administration(ctx)
    body = ctx.body
    if not body.get("company_name") and not body.get("lastname"):
        raise refuse([Violation("company_name", VALIDATION_FAILED.code, "give a company_name or a lastname")])
    mail = checked_email(body["email"])
    n = await next_number(ctx, admin.id, "sequence", "contacts", after=len(admin.contacts))
    contact = {
        "id": record_id("contact", n),
        "customer_id": str(1000 + n),
        "name": body.get("company_name") or " ".join(filter(None, (body.get("firstname"), body["lastname"]))),
        "company_name": body.get("company_name"),
        "firstname": body.get("firstname"),
        "lastname": body.get("lastname"),
        "address": body["address"],
        "email": mail,
        "phone": body.get("phone"),
        "tax_number": body.get("tax_number"),
        "created_at": ctx.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    await ctx.state.put(admin.id, "contacts", contact["id"], value=contact)
    return contact
