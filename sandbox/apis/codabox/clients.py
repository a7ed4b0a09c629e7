"""Offices and clients, and ordering CODA and SODA mandates for a client (the ordering paths are the
sandbox's design: CodaBox's are not public), with the sandbox actions of what happens outside the
API: the client signs, the bank activates or refuses, the social secretariat confirms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.apis.codabox import mandates, package, pdfs
from sandbox.apis.codabox.errors import (
    MANDATE_CODES,
    OFFICE_ONLY,
    UNKNOWN_CLIENT,
    UNKNOWN_FIDUCIARY,
    UNKNOWN_MANDATE,
    refuse,
)
from sandbox.apis.codabox.flow import change_mandate, overlay_of
from sandbox.apis.codabox.mandates import MandateError
from sandbox.apis.codabox.users import User, current_user
from sandbox.apis.codabox.views import client_view, mandate_view, office_view
from sandbox.apis.codabox.world import Client, CodaboxWorld, Mandate
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.package import ActionCall


def settled(found: Mandate | MandateError) -> Mandate:
    """The mandate a rule allowed, or the rule's refusal as a `{"detail"}` answer."""
    if isinstance(found, MandateError):
        raise refuse(MANDATE_CODES[found.code], found.detail)
    return found


def visible_clients(world: CodaboxWorld, user: User) -> tuple[Client, ...]:
    return (user.client,) if user.client else world.clients(user.office.id)


def _client(ctx: RequestContext, user: User) -> Client:
    client = next((c for c in visible_clients(ctx.world, user) if c.id == ctx.params["client_id"]), None)
    if client is None:
        raise refuse(UNKNOWN_CLIENT, f"No client {ctx.params['client_id']} in your office")
    return client


@package.handler("listFiduciaries")
async def list_fiduciaries(ctx: RequestContext) -> list[dict]:
    return [office_view((await current_user(ctx)).office)]


@package.handler("getFiduciary")
async def get_fiduciary(ctx: RequestContext) -> dict:
    office = (await current_user(ctx)).office
    if ctx.params["fiduciary_id"] != office.id:
        raise refuse(UNKNOWN_FIDUCIARY, f"No fiduciary {ctx.params['fiduciary_id']} that you may see")
    return office_view(office)


@package.handler("listClients")
async def list_clients(ctx: RequestContext) -> list[dict]:
    user, overlay = await current_user(ctx), await overlay_of(ctx.state)
    return [client_view(ctx, client, overlay) for client in visible_clients(ctx.world, user)]


@package.handler("getClient")
async def get_client(ctx: RequestContext) -> dict:
    client = _client(ctx, await current_user(ctx))
    return client_view(ctx, client, await overlay_of(ctx.state))


async def _accountant(ctx: RequestContext) -> User:
    user = await current_user(ctx)
    if not user.accountant:
        raise refuse(OFFICE_ONLY, "Only the accounting office's software orders mandates")
    return user


async def _ordered(ctx: RequestContext, order: Callable[[dict[str, Any]], Mandate | MandateError]) -> Reply:
    mandate = await change_mandate(ctx.state, lambda overlay: settled(order(overlay)))
    return Reply(mandate_view(ctx, mandate), status=201)


@package.handler("orderCodaMandate")
async def order_coda_mandate(ctx: RequestContext) -> Reply:
    user = await _accountant(ctx)
    client = _client(ctx, user)
    body = ctx.body
    ibans = [str(iban).replace(" ", "").upper() for iban in body["ibans"]]
    now = ctx.now()
    return await _ordered(
        ctx,
        lambda overlay: mandates.order_coda(
            ctx.world, overlay, user.office.id, client.id, body["bank_id"], ibans, now
        ),
    )


@package.handler("orderSodaMandate")
async def order_soda_mandate(ctx: RequestContext) -> Reply:
    user = await _accountant(ctx)
    client = _client(ctx, user)
    now = ctx.now()
    return await _ordered(
        ctx, lambda overlay: mandates.order_soda(ctx.world, overlay, user.office.id, client.id, now)
    )


async def _visible_mandate(ctx: RequestContext) -> Mandate:
    user = await current_user(ctx)
    mandate = mandates.find(ctx.world, await overlay_of(ctx.state), ctx.params["mandate_id"])
    allowed = {c.id for c in visible_clients(ctx.world, user)}
    if mandate is None or mandate.client_id not in allowed or mandate.state_at(ctx.now()) is None:
        raise refuse(UNKNOWN_MANDATE, f"No mandate {ctx.params['mandate_id']} of your clients")
    return mandate


@package.handler("getMandate")
async def get_mandate(ctx: RequestContext) -> dict:
    return mandate_view(ctx, await _visible_mandate(ctx))


@package.handler("getMandatePdf")
async def get_mandate_pdf(ctx: RequestContext) -> Reply:
    mandate = await _visible_mandate(ctx)
    return Reply(pdfs.mandate_pdf(ctx.world, mandate), media_type="application/pdf")


# -- sandbox actions: what happens outside the API ------------------------------------------------------
MANDATE_ID = {"type": "string", "minLength": 1, "maxLength": 64}


async def _apply(call: ActionCall, change) -> dict:
    mandate = await change_mandate(call.state, lambda overlay: settled(change(call.world, overlay)))
    now = call.clock.now()
    return {
        "id": mandate.id,
        "state": mandate.state_at(now),
        "planned": [[since.isoformat(), state] for since, state in mandate.history if since > now],
    }


def _mandate_schema(**extra: dict) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["mandate_id", *extra],
        "properties": {"mandate_id": MANDATE_ID, **extra},
    }


@package.action("sign", _mandate_schema())
async def sign(call: ActionCall) -> dict:
    """The client signs a mandate: the bank activates (or, for a refusing bank, refuses) it days later."""
    return await _apply(call, lambda w, o: mandates.sign(w, o, call.body["mandate_id"], call.clock.now()))


@package.action("activate", _mandate_schema())
async def activate(call: ActionCall) -> dict:
    """The bank activates a signed CODA mandate now."""
    return await _apply(call, lambda w, o: mandates.activate(w, o, call.body["mandate_id"], call.clock.now()))


@package.action(
    "refuse",
    _mandate_schema(
        reason_code={"type": "string", "pattern": "^R-[1-9][0-9]*$"},
        reason={"type": "string", "minLength": 1, "maxLength": 200},
    ),
)
async def refuse_mandate(call: ActionCall) -> dict:
    """The bank refuses a signed CODA mandate now: `problem`, with a reason code other than R-0."""
    body = call.body
    return await _apply(
        call,
        lambda w, o: mandates.refuse(
            w, o, body["mandate_id"], body["reason_code"], body["reason"], call.clock.now()
        ),
    )


@package.action("confirm-social", _mandate_schema())
async def confirm_social(call: ActionCall) -> dict:
    """The social secretariat confirms a requested SODA mandate: files flow from the next month."""
    return await _apply(
        call, lambda w, o: mandates.confirm_social(w, o, call.body["mandate_id"], call.clock.now())
    )


@package.action("archive", _mandate_schema(reason={"type": "string", "minLength": 1, "maxLength": 200}))
async def archive(call: ActionCall) -> dict:
    """The mandate stops now (the client, the bank or the office ends it): `archived`."""
    body = call.body
    return await _apply(
        call, lambda w, o: mandates.archive(w, o, body["mandate_id"], body["reason"], call.clock.now())
    )
