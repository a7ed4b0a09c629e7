"""Who a request acts for, and the token flow that gives an invoicing software's user its credentials.

The tenant's own Basic credentials (the demo's `demo-accountant`) are the user of the first office,
as accounting software signs in. Credentials from the token flow are a client's, as invoicing
software signs in: they are registered as Basic credentials of the tenant and remembered in the
overlay under `users`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass

from stdnum.be import vat

from sandbox.apis.codabox import package
from sandbox.apis.codabox.errors import INVALID_VAT, TOKEN_UNKNOWN, UNKNOWN_VAT, refuse
from sandbox.apis.codabox.world import Client, CodaboxWorld, Office
from sandbox.runtime.context import Reply, RequestContext


@dataclass(frozen=True)
class User:
    office: Office
    client: Client | None = None  # set for an invoicing software's user

    @property
    def accountant(self) -> bool:
        return self.client is None


def basic_username(ctx: RequestContext) -> str:
    kind, _, encoded = ctx.request.headers.get("authorization", "").partition(" ")
    if kind.lower() != "basic":
        return ""
    try:
        return base64.b64decode(encoded, validate=True).decode().partition(":")[0]
    except (binascii.Error, UnicodeDecodeError):
        return ""


async def current_user(ctx: RequestContext) -> User:
    world: CodaboxWorld = ctx.world
    known = await ctx.state.get("users", basic_username(ctx))
    client = world.client(known["client_id"]) if known else None
    if client is None:
        return User(world.offices[0])
    office = world.office(client.office_id) or world.offices[0]
    return User(office, client)


@package.handler("requestAccessToken")
async def request_access_token(ctx: RequestContext) -> Reply:
    given = str(ctx.body.get("vat", ""))
    if not given.strip().upper().startswith("BE") or not vat.is_valid(given):
        raise refuse(INVALID_VAT, f"{given!r} is not a valid Belgian VAT number (BE0123456749)")
    number = vat.compact(given)
    client = ctx.world.client_by_enterprise_number(number)
    if client is None:
        raise refuse(UNKNOWN_VAT, f"No CodaBox client with VAT number BE{number}")
    token = secrets.token_urlsafe(24)
    await ctx.state.put("access-tokens", token, value={"client_id": client.id})
    await ctx.services.outbox.send(
        ctx.tenant,
        ctx.api.name,
        to=client.contact_email,
        subject="Your CodaBox access token",
        body=f"Dear {client.contact_name},\n\nGive this one-time token to your invoicing software: {token}\n",
        when=ctx.now(),
        token=token,
        vat=f"BE{number}",
    )
    return Reply(
        {"detail": f"A one-time token was e-mailed to the contact address of BE{number}"}, status=201
    )


@package.handler("getCredentials")
async def get_credentials(ctx: RequestContext) -> dict:
    token = ctx.params["token"]
    granted = await ctx.store.take(ctx.state.key("access-tokens", token))
    if granted is None:
        raise refuse(TOKEN_UNKNOWN, "Not found: the token is unknown or was used already")
    username, password = f"{ctx.tenant}-{secrets.token_hex(6)}", secrets.token_urlsafe(18)
    await ctx.services.tenants.register_credential(
        ctx.api.name, "basic", f"{username}:{password}", ctx.tenant
    )
    await ctx.state.put("users", username, value={"client_id": granted["client_id"]})
    return {"username": username, "password": password}
