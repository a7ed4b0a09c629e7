"""The token service on its own: keys shared through the store, tokens tied to their client."""

import asyncio
from datetime import UTC, datetime

import pytest

from sandbox.runtime import keys
from sandbox.runtime.clock import Clock, Clocks
from sandbox.runtime.store import MemoryStore
from sandbox.runtime.tenants import OAuthClient, Tenants
from sandbox.runtime.tokens import TokenError, TokenService

CLIENT = OAuthClient("c-1", "secret", "t-1", ["read", "write"])


def service(store: MemoryStore) -> TokenService:
    return TokenService(store, Tenants(store), Clocks(store))


async def _with_client(store: MemoryStore) -> None:
    await Tenants(store).register_client(CLIENT)
    await Clocks(store).save(None, Clock(datetime(2026, 11, 17, 9, tzinfo=UTC), frozen=True))


def test_replicas_sharing_a_store_sign_with_one_key():
    async def run():
        store = MemoryStore()
        await _with_client(store)
        first, second = service(store), service(store)
        body = await first.issue(CLIENT, ["read"], refresh=False)
        claims = await second.verify(body["access_token"])
        assert (claims.tenant, claims.client_id, claims.scopes) == ("t-1", "c-1", ["read"])
        assert claims.expires == datetime(2026, 11, 17, 10, tzinfo=UTC)
        assert await first.jwks() == await second.jwks()

    asyncio.run(run())


def test_a_token_of_another_sandbox_is_refused():
    async def run():
        ours, theirs = MemoryStore(), MemoryStore()
        await _with_client(ours)
        await _with_client(theirs)
        body = await service(theirs).issue(CLIENT, ["read"], refresh=False)
        with pytest.raises(TokenError, match="not signed by this sandbox"):
            await service(ours).verify(body["access_token"])

    asyncio.run(run())


def test_tokens_die_with_their_client():
    async def run():
        store = MemoryStore()
        await _with_client(store)
        tokens = service(store)
        body = await tokens.issue(CLIENT, ["read"], refresh=False)
        await store.delete(keys.client(CLIENT.client_id))
        with pytest.raises(TokenError, match="client of this access token no longer exists"):
            await tokens.verify(body["access_token"])

    asyncio.run(run())


def test_another_client_can_neither_revoke_nor_refresh_the_tokens():
    async def run():
        store = MemoryStore()
        await _with_client(store)
        tokens = service(store)
        body = await tokens.issue(CLIENT, ["read"], refresh=True)
        intruder = OAuthClient("c-2", "other", "t-1", ["read"])
        await tokens.revoke(body["access_token"], intruder)
        await tokens.revoke(body["refresh_token"], intruder)
        with pytest.raises(TokenError, match="unknown, already used or revoked"):
            await tokens.refresh(intruder, body["refresh_token"], None)
        assert (await tokens.verify(body["access_token"])).client_id == "c-1"
        assert "refresh_token" in await tokens.refresh(CLIENT, body["refresh_token"], None)

    asyncio.run(run())
