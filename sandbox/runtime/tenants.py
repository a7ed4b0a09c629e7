"""Tenants: every credential belongs to one, and a tenant sees only its own world and state.

Credentials are made from what each spec's security schemes ask for: an API key per `apiKey`
scheme, one OAuth2 client for every `oauth2`/bearer scheme, a username and password per `http
basic` scheme. All of it lives in the store, so every replica sharing the store knows them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.runtime import keys
from sandbox.runtime.scopes import declared_scopes
from sandbox.runtime.store import Store

DEMO_TENANT = "demo"
DEFAULT_TOKEN_LIFETIME = 3600  # seconds
TENANT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@dataclass
class OAuthClient:
    client_id: str
    client_secret: str
    tenant: str
    scopes: list[str]
    redirect_uris: list[str] = field(default_factory=list)

    def allows(self, scopes: list[str]) -> bool:
        return set(scopes) <= set(self.scopes)


@dataclass
class Tenant:
    id: str
    name: str
    created: str  # ISO instant, real time
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)  # api -> scheme -> credential
    expires_when_idle: bool = False  # made through the control plane (for a CI job): goes when unused


class Tenants:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, tenant_id: str) -> Tenant | None:
        raw = await self.store.get(keys.tenant(tenant_id))
        return Tenant(**raw) if raw else None

    async def save(self, tenant: Tenant) -> None:
        """Write a new record whole; `update` changes an existing one without losing concurrent changes."""
        await self.store.set(keys.tenant(tenant.id), asdict(tenant))

    async def update(self, tenant_id: str, change: Callable[[Tenant], None]) -> Tenant | None:
        """Apply `change` to the tenant's record in one atomic step (it may run more than once);
        the record as changed, or None when there is no such tenant (any more)."""

        def changed(raw: dict | None) -> dict | None:
            if raw is None:
                return None
            tenant = Tenant(**raw)
            change(tenant)
            return asdict(tenant)

        raw = await self.store.update(keys.tenant(tenant_id), changed)
        return None if raw is None else Tenant(**raw)

    async def all(self) -> list[Tenant]:
        found = []
        for key in await self.store.keys(keys.TENANTS):
            raw = await self.store.get(key)
            if raw:
                found.append(Tenant(**raw))
        return found

    async def owner(self, api: str, scheme: str, secret: str) -> str | None:
        return await self.store.cache.get(keys.credential(api, scheme, secret))

    async def client(self, client_id: str) -> OAuthClient | None:
        raw = await self.store.get(keys.client(client_id))
        return OAuthClient(**raw) if raw else None

    async def register_client(self, client: OAuthClient) -> None:
        await self.store.set(keys.client(client.client_id), asdict(client))

    async def register_credential(self, api: str, scheme: str, secret: str, tenant_id: str) -> None:
        await self.store.set(keys.credential(api, scheme, secret), tenant_id)
        await self.store.cache.changed()

    async def add_client(
        self, tenant: Tenant, scopes: list[str], redirect_uris: list[str] | None = None
    ) -> OAuthClient | None:
        """One more OAuth2 client of the tenant, listed in its credentials under `oauth2`; None when
        the tenant is deleted meanwhile."""
        client = OAuthClient(
            client_id=f"{tenant.id}-{secrets.token_hex(4)}",
            client_secret=new_secret(),
            tenant=tenant.id,
            scopes=list(dict.fromkeys(scopes)),
            redirect_uris=list(redirect_uris or []),
        )
        # Registered before the tenant lists it: a deletion that takes the record after this
        # update finds the client listed; one that took it before makes the update find nothing.
        await self.register_client(client)

        def listed(record: Tenant) -> None:
            record.credentials.setdefault("oauth2", {})[client.client_id] = asdict(client)

        changed = await self.update(tenant.id, listed)
        if changed is None:
            await self.store.delete(keys.client(client.client_id))
            return None
        tenant.credentials = changed.credentials
        return client

    async def change_scopes(
        self, tenant: Tenant, client_id: str, added: list[str], removed: list[str]
    ) -> OAuthClient | None:
        """Add and remove scopes of one of the tenant's clients; tokens issued before keep theirs."""

        def rescoped(scopes: list[str]) -> list[str]:
            return [s for s in dict.fromkeys([*scopes, *added]) if s not in set(removed)]

        def change(raw: dict | None) -> dict | None:
            if raw is None or raw["tenant"] != tenant.id:
                return raw
            return {**raw, "scopes": rescoped(raw["scopes"])}

        raw = await self.store.update(keys.client(client_id), change)
        if raw is None or raw["tenant"] != tenant.id:
            return None

        def listed(record: Tenant) -> None:
            for schemes in record.credentials.values():
                for credential in schemes.values():
                    if credential.get("client_id") == client_id:
                        credential["scopes"] = list(raw["scopes"])

        changed = await self.update(tenant.id, listed)
        if changed is not None:
            tenant.credentials = changed.credentials
        return OAuthClient(**raw)

    async def delete(self, tenant_id: str) -> bool:
        """The tenant and everything that authenticates as it: API keys, Basic credentials, OAuth2
        clients, and (under its state prefix) refresh tokens, codes and the rest of its state."""
        # Taken first, in one step: a client added concurrently is either in what we took or
        # finds no record to list itself in (and removes itself, see `add_client`).
        raw = await self.store.take(keys.tenant(tenant_id))
        if raw is None:
            return False
        tenant = Tenant(**raw)
        doomed = []
        for api, schemes in tenant.credentials.items():
            for scheme, credential in schemes.items():
                if "client_id" in credential:
                    doomed.append(keys.client(credential["client_id"]))
                else:
                    doomed.append(keys.credential(api, scheme, credential["secret"]))
        await self.store.delete(*doomed, keys.tenant_active(tenant_id))
        await self.store.delete_prefix(keys.state_prefix(tenant_id))
        await self.store.cache.changed()
        return True

    async def mark_active(self, tenant_ids: Iterable[str], idle: float) -> None:
        """Note that these tenants were used: each stays `idle` seconds more before it may expire.
        One deleted since leaves no mark behind."""
        for tenant_id in tenant_ids:
            if await self.store.get(keys.tenant(tenant_id)) is not None:
                await self.store.set(keys.tenant_active(tenant_id), True, ttl=idle)

    async def idle(self, idle: float, now: datetime) -> list[Tenant]:
        """Tenants that expire when idle, made more than `idle` seconds ago and unused since."""
        found = []
        for tenant in await self.all():
            if not tenant.expires_when_idle or tenant.id == DEMO_TENANT:
                continue
            if (now - datetime.fromisoformat(tenant.created)).total_seconds() <= idle:
                continue
            if await self.store.get(keys.tenant_active(tenant.id)) is None:
                found.append(tenant)
        return found


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_hex(16)


async def register_demo_tenant(tenants: Tenants, apis) -> Tenant:
    """The documented demo tenant, with the credentials each API's fixture lists under
    `demo_credentials` (a string per API key or Basic scheme, a client per OAuth2 scheme)."""
    documented: dict[str, dict[str, Any]] = {}
    for api in apis:
        for scheme, credential in (api.fixture.get("demo_credentials") or {}).items():
            if isinstance(credential, dict):
                if credential.get("scopes") == "*":
                    credential = {**credential, "scopes": declared_scopes(apis)}
                client = OAuthClient(tenant=DEMO_TENANT, **credential)
                await tenants.register_client(client)
                documented.setdefault(api.name, {})[scheme] = asdict(client)
            else:
                await tenants.register_credential(api.name, scheme, str(credential), DEMO_TENANT)
                documented.setdefault(api.name, {})[scheme] = {"secret": str(credential)}

    # Every replica does this at start-up: merged in one step, it keeps clients added through the
    # control plane meanwhile.
    def merged(raw: dict | None) -> dict:
        tenant = Tenant(**raw) if raw else Tenant(DEMO_TENANT, "Documented demo tenant", _now_iso())
        for api_name, schemes in documented.items():
            tenant.credentials.setdefault(api_name, {}).update(schemes)
        return asdict(tenant)

    return Tenant(**await tenants.store.update(keys.tenant(DEMO_TENANT), merged))


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


async def create_tenant(
    tenants: Tenants,
    apis,
    *,
    name: str | None = None,
    scopes: list[str] | None = None,
    redirect_uris: list[str] | None = None,
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
) -> Tenant:
    """A fresh tenant with a credential for every security scheme of every API: an API key per
    key scheme, a username and password per Basic scheme, and one OAuth2 client (scopes as asked,
    else every declared scope) for every OAuth2 or bearer scheme."""
    tenant_id = "t-" + secrets.token_hex(6)
    tenant = Tenant(
        id=tenant_id,
        name=name or tenant_id,
        created=_now_iso(),
        token_lifetime=token_lifetime,
        expires_when_idle=True,
    )
    client = OAuthClient(
        client_id=f"{tenant_id}-client",
        client_secret=new_secret(),
        tenant=tenant_id,
        scopes=list(scopes) if scopes is not None else declared_scopes(apis),
        redirect_uris=list(redirect_uris or []),
    )
    for api in apis:
        for scheme_name, scheme in api.security_schemes.items():
            kind = scheme.get("type")
            if scheme.get("x-sandbox-admin"):
                continue
            if kind == "apiKey":
                secret = new_secret()
                await tenants.register_credential(api.name, scheme_name, secret, tenant_id)
                credential = {"in": scheme["in"], "name": scheme["name"], "secret": secret}
            elif kind == "http" and scheme.get("scheme", "").lower() == "basic":
                username, password = f"{tenant_id}-{api.name}", new_secret()
                await tenants.register_credential(api.name, scheme_name, f"{username}:{password}", tenant_id)
                credential = {"username": username, "password": password, "secret": f"{username}:{password}"}
            elif kind in ("oauth2", "openIdConnect", "http"):
                credential = asdict(client)
            else:
                continue
            tenant.credentials.setdefault(api.name, {})[scheme_name] = credential
    await tenants.register_client(client)
    tenant.credentials.setdefault("oauth2", {})["client"] = asdict(client)
    await tenants.save(tenant)
    return tenant
