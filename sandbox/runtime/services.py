"""The services every stage and handler uses, built once by the app and handed down explicitly."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field

from sandbox.runtime import keys
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.clock import Clock, Clocks
from sandbox.runtime.faults import Faults
from sandbox.runtime.housekeeping import JOURNAL_SHARE
from sandbox.runtime.jobs import Jobs
from sandbox.runtime.journal import Journal
from sandbox.runtime.network import HostRule
from sandbox.runtime.outbox import Outbox
from sandbox.runtime.ratelimit import RateLimiter
from sandbox.runtime.store import Store, open_store
from sandbox.runtime.tenants import Tenants, register_demo_tenant
from sandbox.runtime.tokens import TokenService
from sandbox.runtime.worlds import Worlds
from sandbox.settings import Settings


@dataclass
class Services:
    settings: Settings
    store: Store
    tenants: Tenants
    clocks: Clocks
    tokens: TokenService
    faults: Faults
    jobs: Jobs
    journal: Journal
    outbox: Outbox
    rate_limits: RateLimiter
    worlds: Worlds
    apis: list[ApiRuntime]
    _started: bool = field(default=False, repr=False)
    _starting: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def admin_token(self) -> str | None:
        return self.settings.admin_token

    @functools.cached_property
    def hosts(self) -> HostRule:
        return HostRule([host for api in self.apis for host in api.hosts], self.settings.host)

    def api(self, name: str) -> ApiRuntime | None:
        return next((api for api in self.apis if api.name == name), None)

    @property
    def started(self) -> bool:
        return self._started

    async def start(self) -> None:
        """Once, before the first request: the default clock and the documented demo tenant."""
        async with self._starting:
            if self._started:
                return
            if self.settings.now is not None:
                await self.clocks.save(None, Clock(self.settings.now, frozen=self.settings.frozen))
            await register_demo_tenant(self.tenants, self.apis)
            self._started = True

    async def reset_tenant(self, tenant_id: str) -> None:
        """Forget what a tenant did (journal, faults, limits, clock, refresh tokens, overlay, its
        worlds); keep its credentials, and keep revoked access tokens revoked."""
        kept = keys.reset_keeps(tenant_id)
        doomed = [
            key for key in await self.store.keys(keys.state_prefix(tenant_id)) if not key.startswith(kept)
        ]
        await self.store.delete(*doomed)
        await self.store.cache.changed()
        self.worlds.drop(tenant_id)

    async def delete_tenant(self, tenant_id: str) -> bool:
        self.worlds.drop(tenant_id)
        return await self.tenants.delete(tenant_id)


def open_services(settings: Settings, apis: list[ApiRuntime]) -> Services:
    """The services of one sandbox over the store that `settings.store` names."""
    store = open_store(settings.store, max_log_bytes=settings.max_memory // JOURNAL_SHARE)
    tenants = Tenants(store)
    clocks = Clocks(store)
    faults = Faults(store)
    return Services(
        settings=settings,
        store=store,
        tenants=tenants,
        clocks=clocks,
        tokens=TokenService(store, tenants, clocks),
        faults=faults,
        jobs=Jobs(store, faults),
        journal=Journal(store, settings.journal_size),
        outbox=Outbox(store),
        rate_limits=RateLimiter(
            store, {api.name: api.fixture.get("rate_limit") or {} for api in apis if api.rate_limited}
        ),
        worlds=Worlds(settings.seed, settings.world_cache),
        apis=apis,
    )
