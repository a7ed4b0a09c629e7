"""Who may call: the tenant's mode, software company X's registration as a recognised user and
its acceptance of the user agreement, the end user Y the token carries, and Y's mandates for
data owners Z. The steps outside the API (registering, accepting, granting and revoking
mandates, switching modes) are sandbox actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sandbox.apis.fod import package
from sandbox.apis.fod.errors import (
    AGREEMENT_NOT_ACCEPTED,
    NO_END_USER,
    NOT_MANDATARY,
    NOT_REGISTERED,
    REGISTRATION_CLOSED,
)
from sandbox.apis.fod.onhold import CLOSED_MESSAGES, MODES, ON_HOLD, RETRY_AFTER, mode, on_hold_error
from sandbox.apis.fod.world import DOCUMENTS, VAT, FodWorld, Mandate
from sandbox.errors import ApiError
from sandbox.runtime.context import RequestContext, TenantScope
from sandbox.runtime.package import ActionCall
from sandbox.worlds.calendar import local_day

NUMBER = {"type": "string", "pattern": "^[0-1][0-9]{9}$"}


@dataclass(frozen=True)
class EndUser:
    number: str  # Y's enterprise number
    day: date  # today on the tenant clock, in Brussels


async def end_user(ctx: RequestContext) -> EndUser:
    """The end user of a request in preview mode, once X is registered and has accepted the
    agreement; in on_hold mode, the on-hold answer."""
    if await mode(ctx.state) == ON_HOLD:
        raise on_hold_error(ctx.request.headers.get("accept-language"))
    onboarding = await ctx.state.get("onboarding", default={})
    if not onboarding.get("registered"):
        raise ApiError(
            403,
            NOT_REGISTERED.code,
            "The software company is not registered as a recognised user: its legal representative "
            "registers it first (sandbox action register-company)",
        )
    if not onboarding.get("agreementAccepted"):
        raise ApiError(
            403,
            AGREEMENT_NOT_ACCEPTED.code,
            "The user agreement is not accepted: accept it before connecting "
            "(sandbox action accept-agreement)",
        )
    world: FodWorld = ctx.world
    subject = ctx.claims.subject if ctx.claims else ""
    if subject not in world.parties:
        raise ApiError(
            403,
            NO_END_USER.code,
            f"The token names no known end user ({subject!r}): get it with the authorization code grant "
            "and PKCE, login_hint set to the end user's enterprise number",
        )
    return EndUser(subject, local_day(ctx.now()))


async def mandate(scope: TenantScope, mandatary: str, owner: str) -> Mandate | None:
    """The mandate Y -> Z as the world has it, unless an action granted or revoked it since."""
    changed = await scope.state.get("mandate", mandatary, owner)
    if changed is None:
        return scope.world.mandates.get((mandatary, owner))
    if changed["revoked"]:
        return None
    until = date.fromisoformat(changed["until"]) if changed.get("until") else None
    return Mandate(mandatary, owner, tuple(changed["kinds"]), until)


async def mandates_of(scope: TenantScope, mandatary: str, kind: str, day: date) -> list[str]:
    """The owners Y holds a mandate of `kind` for on `day`."""
    world: FodWorld = scope.world
    owners = []
    for owner in world.parties:
        if (
            owner != mandatary
            and (found := await mandate(scope, mandatary, owner))
            and found.holds(kind, day)
        ):
            owners.append(owner)
    return owners


async def may_act_for(scope: TenantScope, user: EndUser, owner: str, kind: str) -> bool:
    if user.number == owner:
        return True
    found = await mandate(scope, user.number, owner)
    return found is not None and found.holds(kind, user.day)


def missing_mandate(user: EndUser, owner: str, kind: str) -> ApiError:
    return ApiError(
        403,
        NOT_MANDATARY.code,
        f"End user {user.number} holds no {kind} mandate for {owner} on {user.day.isoformat()}: the owner "
        f"grants it (sandbox action grant-mandate)",
    )


# -- sandbox actions ---------------------------------------------------------------------------------
async def _mode_required(call: ActionCall) -> None:
    if await mode(call.state) == ON_HOLD:
        raise ApiError(
            503, REGISTRATION_CLOSED.code, CLOSED_MESSAGES["en"], headers={"Retry-After": str(RETRY_AFTER)}
        )


@package.action(
    "set-mode",
    {
        "type": "object",
        "required": ["mode"],
        "additionalProperties": False,
        "properties": {"mode": {"enum": list(MODES)}},
    },
)
async def set_mode(call: ActionCall) -> dict:
    """Switch the tenant between on_hold (today's reality, the default) and preview (what is announced)."""
    await call.state.put("mode", value=call.body["mode"])
    return {"mode": call.body["mode"]}


@package.action(
    "register-company",
    {
        "type": "object",
        "required": ["enterpriseNumber", "legalRepresentative"],
        "additionalProperties": False,
        "properties": {
            "enterpriseNumber": NUMBER,
            "legalRepresentative": {"type": "string", "minLength": 1},
        },
    },
)
async def register_company(call: ActionCall) -> dict:
    """The software company's legal representative registers it as a recognised user."""
    await _mode_required(call)
    record = await call.state.get("onboarding", default={})
    record["registered"] = {**call.body, "at": call.clock.now().isoformat()}
    await call.state.put("onboarding", value=record)
    return {"registered": True, "agreementAccepted": bool(record.get("agreementAccepted"))}


@package.action("accept-agreement", {"type": "object", "additionalProperties": False, "properties": {}})
async def accept_agreement(call: ActionCall) -> dict:
    """The registered company accepts the user agreement; its OAuth2 client then connects."""
    await _mode_required(call)
    record = await call.state.get("onboarding", default={})
    if not record.get("registered"):
        raise ApiError(403, NOT_REGISTERED.code, "Register the company (register-company) before accepting")
    record["agreementAccepted"] = call.clock.now().isoformat()
    await call.state.put("onboarding", value=record)
    tenant = await call.services.tenants.get(call.tenant)
    client = (tenant.credentials.get(call.api.name) or {}).get("fod", {}) if tenant else {}
    return {"registered": True, "agreementAccepted": True, "clientId": client.get("client_id")}


MANDATE = {
    "type": "object",
    "required": ["mandatary", "owner"],
    "additionalProperties": False,
    "properties": {
        "mandatary": NUMBER,
        "owner": NUMBER,
        "kinds": {"type": "array", "items": {"enum": [DOCUMENTS, VAT]}, "minItems": 1, "uniqueItems": True},
        "until": {"type": "string", "format": "date"},
    },
}


@package.action("grant-mandate", MANDATE)
async def grant_mandate(call: ActionCall) -> dict:
    """Data owner Z grants mandatary Y a mandate (documents and/or vat), until a day or for good."""
    body = call.body
    record = {"revoked": False, "kinds": body.get("kinds", [DOCUMENTS, VAT]), "until": body.get("until")}
    await call.state.put("mandate", body["mandatary"], body["owner"], value=record)
    return {"mandatary": body["mandatary"], "owner": body["owner"], **record}


@package.action("revoke-mandate", MANDATE)
async def revoke_mandate(call: ActionCall) -> dict:
    """Data owner Z revokes Y's mandate."""
    body = call.body
    await call.state.put("mandate", body["mandatary"], body["owner"], value={"revoked": True})
    return {"mandatary": body["mandatary"], "owner": body["owner"], "revoked": True}
