"""Rate limits per tenant and API, in fixed windows of real time (a client waits in real time,
whatever the sandbox clock says). Every answer carries headers a client can compute its room from."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import NamedTuple

from sandbox.errors import RATE_LIMITED, ApiError
from sandbox.runtime import keys
from sandbox.runtime.store import Store

DEFAULT = {"requests": 1200, "window": 60}


@dataclass(frozen=True)
class Limit:
    requests: int
    window: int  # seconds

    @cached_property
    def raw_values(self) -> tuple[bytes, bytes]:
        """The `RateLimit-Limit` and `RateLimit-Policy` values, as every answer under it sends them."""
        return b"%d" % self.requests, b"%d;w=%d" % (self.requests, self.window)


class Room(NamedTuple):  # made for every counted request: a tuple is the cheapest to make
    limit: Limit
    remaining: int
    reset: int  # seconds until the window ends

    def headers(self) -> dict[str, str]:
        # IETF draft-ietf-httpapi-ratelimit-headers, with the policy spelled out
        return {
            "RateLimit-Limit": str(self.limit.requests),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit.requests};w={self.limit.window}",
        }

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """`headers()` as an answer's raw header list holds them."""
        limit, policy = self.limit.raw_values
        return [
            (b"ratelimit-limit", limit),
            (b"ratelimit-remaining", b"%d" % self.remaining),
            (b"ratelimit-reset", b"%d" % self.reset),
            (b"ratelimit-policy", policy),
        ]


class RateLimiter:
    def __init__(self, store: Store, defaults: dict[str, dict]) -> None:
        self.store = store
        self.defaults = defaults  # api -> {"requests", "window"} from each API's fixture

    def _limit(self, api: str, own: dict) -> Limit:
        """The tenant's own setting for `api`, over the API's default, over the sandbox's."""
        return Limit(**{**DEFAULT, **self.defaults.get(api, {}), **own.get(api, {})})

    def _limits_of(self, own: dict | None) -> dict[str, Limit]:
        """Every API's limit that differs from the sandbox's default, from the tenant's own setting."""
        own = own or {}
        return {api: self._limit(api, own) for api in {*self.defaults, *own}}

    async def limits(self, tenant: str) -> dict[str, Limit]:
        """The tenant's limit for every API."""
        own = await self.store.get(keys.rate_limits(tenant)) or {}
        return {api: self._limit(api, own) for api in self.defaults}

    async def configure(self, tenant: str, changes: dict[str, dict]) -> dict[str, Limit]:
        def changed(current: dict | None) -> dict:
            own = dict(current or {})
            for api, limit in changes.items():
                own[api] = asdict(Limit(**{**asdict(self._limit(api, own)), **limit}))
            return own

        await self.store.update(keys.rate_limits(tenant), changed)
        await self.store.cache.changed()
        return await self.limits(tenant)

    async def reset(self, tenant: str) -> None:
        await self.store.delete(keys.rate_limits(tenant))
        await self.store.cache.changed()

    async def take(self, tenant: str, api: str, unconfirmed: int | None = None) -> Room:
        """Count one request; past the limit, raise the 429 with `Retry-After`. With `unconfirmed`,
        the cache's generation the request was judged on, the count is taken only while the store's
        is the same, else `Stale` is raised (see StoreCache)."""
        return await self._count(tenant, api, counted=True, unconfirmed=unconfirmed)

    async def peek(self, tenant: str, api: str) -> Room:
        """The room left, without counting a request or refusing one."""
        return await self._count(tenant, api, counted=False)

    async def _count(self, tenant: str, api: str, counted: bool, unconfirmed: int | None = None) -> Room:
        # the tenant's limits, made once per generation of the cache
        limits = await self.store.cache.get(keys.rate_limits(tenant), self._limits_of)
        limit = limits.get(api) or self._limit(api, {})
        now = time.time()
        window_start = int(now // limit.window) * limit.window
        window = keys.rate_window(tenant, api, limit.window, window_start)
        if counted and unconfirmed is not None:
            count = await self.store.cache.incr_if_current(window, limit.window + 1, unconfirmed)
        elif counted:
            count = await self.store.incr(window, ttl=limit.window + 1)
        else:
            count = int(await self.store.get(window) or 0)
        reset = max(1, math.ceil(window_start + limit.window - now))
        room = Room(limit, max(0, limit.requests - count), reset)
        if counted and count > limit.requests:
            raise ApiError(
                429,
                RATE_LIMITED,
                f"Rate limit is exceeded. Try again in {reset} seconds.",
                headers={**room.headers(), "Retry-After": str(reset)},
            )
        return room
