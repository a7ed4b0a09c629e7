"""Each API family's deterministic world per tenant, built on first use and kept in a bounded cache.

A world is a pure function of (seed, tenant, fixture), so dropping one costs only the time to build
it again: the cache is bounded (least recently used goes first), and a deleted or reset tenant's
worlds are dropped at once.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.runtime.api import ApiRuntime

DEFAULT_CAPACITY = 256  # worlds kept per process; each is lazy, so most hold little


class Worlds:
    def __init__(self, seed: str, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("the world cache must hold at least one world")
        self.seed = seed
        self.capacity = capacity
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def get(self, api: ApiRuntime, tenant: str) -> Any:
        key = (api.family, tenant)
        world = self._cache.get(key)
        if world is not None:
            self._cache.move_to_end(key)
            return world
        if api.package.create_world is None:
            raise RuntimeError(f"{api.name} has no world")
        world = self._cache[key] = api.package.create_world(self.seed, tenant, api.fixture)
        if len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return world

    def evict_oldest(self, count: int) -> int:
        """Forget the `count` least recently used worlds (they are rebuilt when next asked for)."""
        evicted = min(count, len(self._cache))
        for _ in range(evicted):
            self._cache.popitem(last=False)
        return evicted

    def drop(self, tenant: str) -> int:
        """Forget every world of `tenant`; returns how many there were."""
        doomed = [key for key in self._cache if key[1] == tenant]
        for key in doomed:
            del self._cache[key]
        return len(doomed)

    def __len__(self) -> int:
        return len(self._cache)
