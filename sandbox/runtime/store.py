"""Where tenants, credentials and state live: one small async interface, three backends.

`memory://` (default, one process), `sqlite:///path` (survives restarts; workers on one host share
it), `redis://host:port` (hosts behind a load balancer share it). Values are JSON documents.
"""

from __future__ import annotations

import functools
import time
from abc import ABC, abstractmethod
from collections import deque
from typing import Any

import orjson

from sandbox.runtime.cache import StoreCache


class Store(ABC):
    """Every method is atomic on its own; `ttl` is in seconds of real time."""

    @abstractmethod
    async def get(self, key: str) -> Any | None: ...

    @abstractmethod
    async def set(self, key: str, value: Any, ttl: float | None = None) -> None: ...

    @abstractmethod
    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Set only if absent; True when this call set it."""

    @abstractmethod
    async def take(self, key: str) -> Any | None:
        """Get and delete in one step: of two concurrent takers, one gets the value."""

    @abstractmethod
    async def delete(self, *keys: str) -> None: ...

    @abstractmethod
    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add to a counter (0 when absent) and return it; `ttl` applies when the counter is created."""

    @abstractmethod
    async def keys(self, prefix: str) -> list[str]:
        """Keys starting with `prefix`, sorted."""

    @abstractmethod
    async def delete_prefix(self, prefix: str) -> int:
        """Delete every key (values, counters and logs) starting with `prefix`; returns how many."""

    @abstractmethod
    async def append(self, key: str, value: Any, max_len: int) -> int:
        """Append to a bounded log (oldest dropped past `max_len`); returns the entry's sequence
        number, which grows by one per append to this key and never repeats."""

    @abstractmethod
    async def since(self, key: str, after: int = 0, limit: int = 1000) -> list[tuple[int, Any]]:
        """Log entries with a sequence number above `after`, oldest first."""

    @functools.cached_property
    def cache(self) -> StoreCache:
        """What this process keeps of the store between requests."""
        return StoreCache(self)

    async def close(self) -> None:  # noqa: B027 - a backend without connections has nothing to close
        """Release connections."""


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def loads(raw: bytes | str | None) -> Any:
    return None if raw is None else orjson.loads(raw)


def _packed(value: Any) -> bytes:
    """A value as the memory store keeps it. orjson's bytes hold on to its whole working buffer
    (4 kB for a number, 32 kB for a 3 kB journal entry); a copy of the exact size does not."""
    return memoryview(dumps(value)).tobytes()


class MemoryStore(Store):
    """One process's memory. Values are stored serialised, so no caller shares a mutable object."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[bytes, float | None]] = {}
        self._logs: dict[str, tuple[deque[tuple[int, bytes]], list[int]]] = {}

    def _live(self, key: str) -> bytes | None:
        found = self._values.get(key)
        if found is None:
            return None
        raw, expires = found
        if expires is not None and expires <= time.monotonic():
            del self._values[key]
            return None
        return raw

    @staticmethod
    def _expiry(ttl: float | None) -> float | None:
        return None if ttl is None else time.monotonic() + ttl

    async def get(self, key: str) -> Any | None:
        return loads(self._live(key))

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._values[key] = (_packed(value), self._expiry(ttl))

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        if self._live(key) is not None:
            return False
        self._values[key] = (_packed(value), self._expiry(ttl))
        return True

    async def take(self, key: str) -> Any | None:
        raw = self._live(key)
        self._values.pop(key, None)
        return loads(raw)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._values.pop(key, None)
            self._logs.pop(key, None)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        raw = self._live(key)
        if raw is None:
            value, expires = amount, self._expiry(ttl)
        else:
            value, expires = loads(raw) + amount, self._values[key][1]
        self._values[key] = (_packed(value), expires)
        return value

    async def keys(self, prefix: str) -> list[str]:
        live = [k for k in list(self._values) if k.startswith(prefix) and self._live(k) is not None]
        return sorted(live + [k for k in self._logs if k.startswith(prefix)])

    async def delete_prefix(self, prefix: str) -> int:
        doomed = [k for k in self._values if k.startswith(prefix)]
        logs = [k for k in self._logs if k.startswith(prefix)]
        for key in doomed:
            del self._values[key]
        for key in logs:
            del self._logs[key]
        return len(doomed) + len(logs)

    async def append(self, key: str, value: Any, max_len: int) -> int:
        entries, counter = self._logs.setdefault(key, (deque(maxlen=max_len), [0]))
        if entries.maxlen != max_len:
            entries = deque(entries, maxlen=max_len)
            self._logs[key] = (entries, counter)
        counter[0] += 1
        entries.append((counter[0], _packed(value)))
        return counter[0]

    async def since(self, key: str, after: int = 0, limit: int = 1000) -> list[tuple[int, Any]]:
        found = self._logs.get(key)
        if found is None:
            return []
        picked = [(seq, raw) for seq, raw in found[0] if seq > after][:limit]
        return [(seq, loads(raw)) for seq, raw in picked]


def open_store(url: str) -> Store:
    """`memory://`, `sqlite:///path/to/file.db` or `redis://host:port[/db]`."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "memory":
        return MemoryStore()
    if scheme == "sqlite":
        from sandbox.runtime.store_sqlite import SqliteStore

        return SqliteStore.from_url(url)
    if scheme in ("redis", "rediss"):
        from sandbox.runtime.store_redis import RedisStore

        return RedisStore.from_url(url)
    raise ValueError(f"unknown store {url!r}: use memory://, sqlite:///path or redis://host:port")
