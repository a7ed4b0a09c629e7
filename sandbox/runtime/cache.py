"""What one process keeps of the store between requests: the records every request reads and
that change rarely (credentials, clocks, rate limits, faults), and answers that are pure
functions of what a request asks.

Every change to such a record bumps one generation counter in the store (`changed`), and a process
forgets everything it kept under an older generation once it reads a newer one. A request to an
API is judged on what the process keeps, and the counter is read before anything is counted,
answered or written: in the same step as its rate-limit count (`incr_if_current`, no round trip of
its own) or alone (`confirm`). When the counter moved since the request came, nothing was counted;
the request is judged again (`Stale`) on what the store holds now. So a change made through any
process that shares the store holds on every process from the next request on, and a tenant reset
(a change too) forgets the answers kept for it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from sandbox.runtime import keys

if TYPE_CHECKING:
    from sandbox.runtime.store import Store

T = TypeVar("T")

# Bytes of answers kept per process: answers are a few kB each, so thousands fit.
ANSWER_BUDGET = 8 * 1024 * 1024
_ABSENT = object()
# what the cache holds before it read the store's counter (which is never negative)
UNREAD = -1


class Stale(Exception):
    """The store changed since the process kept what a request was judged on; the cache adopted
    the store's generation, so the request is to be judged again."""


class StoreCache:
    def __init__(self, store: Store, answer_budget: int = ANSWER_BUDGET) -> None:
        self.store = store
        self.generation = UNREAD
        self._records: dict[tuple[str, Callable | None], Any] = {}
        self._answers: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._answer_bytes = 0
        self.answer_budget = answer_budget

    async def refresh(self) -> None:
        """Before a request that no API serves (the control plane, the console): forget what an
        older generation kept."""
        self._adopt(await self.store.get(keys.GENERATION) or 0)

    async def confirm(self, seen: int) -> None:
        """Raise `Stale` unless the store's generation is still `seen`, the cache's when a request came."""
        generation = await self.store.get(keys.GENERATION) or 0
        if generation != seen:
            raise self._moved(generation)

    async def incr_if_current(self, key: str, ttl: float | None, seen: int) -> int:
        """`store.incr(key, 1, ttl)` while the store's generation is still `seen`; else `Stale`."""
        generation, count = await self.store.incr_if(key, ttl, keys.GENERATION, seen)
        if count is None:  # nothing was counted
            raise self._moved(generation)
        return count

    def _moved(self, generation: int) -> Stale:
        self._adopt(generation)
        return Stale()

    async def changed(self) -> None:
        """After a write to a cached record: every process forgets it at its next request."""
        self._adopt(await self.store.incr(keys.GENERATION))

    def _adopt(self, generation: int) -> None:
        if generation != self.generation:
            self.generation = generation
            self._records.clear()
            self._answers.clear()
            self._answer_bytes = 0

    async def get(self, key: str, convert: Callable[[Any], T] | None = None) -> T | Any:
        """The record at `key` (through `convert`, once per generation); callers must not change it."""
        slot = (key, convert)
        found = self._records.get(slot, _ABSENT)
        if found is _ABSENT:
            generation = self.generation
            found = await self.store.get(key)
            if convert is not None:
                found = convert(found)
            if generation == self.generation:  # else a change in this process overtook the read
                self._records[slot] = found
        return found

    @property
    def answers_kept(self) -> int:
        return len(self._answers)

    def answer(self, key: Hashable) -> Any | None:
        found = self._answers.get(key)
        if found is None:
            return None
        self._answers.move_to_end(key)
        return found[0]

    def keep_answer(self, key: Hashable, value: Any, size: int) -> None:
        if key in self._answers or size > self.answer_budget // 16:  # large ones would push out many
            return
        self._answers[key] = (value, size)
        self._answer_bytes += size
        while self._answer_bytes > self.answer_budget:
            _, (_, dropped) = self._answers.popitem(last=False)
            self._answer_bytes -= dropped
