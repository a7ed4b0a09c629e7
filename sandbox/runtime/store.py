"""Where tenants, credentials and state live: one small async interface, three backends.

`memory://` (default, one process), `sqlite:///path` (survives restarts; workers on one host share
it), `redis://host:port` (hosts behind a load balancer share it). Values are JSON documents.
"""

from __future__ import annotations

import functools
import marshal
import time
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

import orjson

from sandbox.runtime.cache import StoreCache


class Store(ABC):
    """Every method is atomic on its own; `ttl` is in seconds of real time."""

    # other processes may write it: what a process keeps of it must be checked against its
    # generation before a request counts, answers or writes anything (see StoreCache)
    shared = True

    @abstractmethod
    async def get(self, key: str) -> Any | None: ...

    @abstractmethod
    async def set(self, key: str, value: Any, ttl: float | None = None) -> None: ...

    @abstractmethod
    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Set only if absent; True when this call set it."""

    @abstractmethod
    async def update(self, key: str, change: Callable[[Any | None], Any], ttl: float | None = None) -> Any:
        """Read-modify-write as one step: store what `change` makes of the current value (None
        when absent) and return it; when it returns None the key is deleted. No concurrent writer,
        in this process or another, is lost. `change` may run more than once (a backend retries it
        when another writer came first), so it must compute from its argument only; an exception
        it raises leaves the key as it was."""

    @abstractmethod
    async def take(self, key: str) -> Any | None:
        """Get and delete in one step: of two concurrent takers, one gets the value."""

    @abstractmethod
    async def delete(self, *keys: str) -> None: ...

    @abstractmethod
    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add to a counter (0 when absent) and return it; `ttl` applies when the counter is created."""

    @abstractmethod
    async def incr_if(self, key: str, ttl: float | None, guard: str, expected: int) -> tuple[int, int | None]:
        """As `incr(key, 1, ttl)` while the counter `guard` holds `expected` (0 when absent), in one
        step: the guard's value, and the count or None when the guard held another value (then
        nothing was counted)."""

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

    async def append_later(self, key: str, make: Callable[[], Any], max_len: int, size: int) -> int:
        """As `append` of `make()`, whose sequence number is handed out now; a store may call `make`
        only when the entry is first read, and never for one trimming drops unread. `size` is
        what `make` holds on to, in bytes. The shared stores keep a `Recipe`'s arguments, which
        the reading process makes the entry from, and call any other `make` at once."""
        return await self.append(key, make(), max_len)

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


# name -> (make, lean): what makes a log entry from a recipe's arguments, in every process, and
# what cuts those arguments down to what `make` reads before a shared store keeps them
MAKERS: dict[str, tuple[Callable[[tuple], Any], Callable[[tuple], tuple]]] = {}
# JSON never starts with a NUL byte: a log value that does is a recipe
RECIPE_MARK = b"\0"
# marshal's format of Python 3.4 on, which every later version reads: hosts on different versions
# may share a store
MARSHAL_VERSION = 4


def register_maker(name: str, make: Callable[[tuple], Any], lean: Callable[[tuple], tuple]) -> None:
    MAKERS[name] = (make, lean)


class Recipe:
    """A log entry still to be made: a maker registered under `maker` (in every process that reads
    the log) and its arguments (of the types `marshal` writes). The memory store makes the entry
    when it is first read; the shared stores keep the arguments, so that a reader in any process
    makes the same entry from them."""

    __slots__ = ("args", "maker")

    def __init__(self, maker: str, args: tuple) -> None:
        self.maker = maker
        self.args = args

    def __call__(self) -> Any:
        return MAKERS[self.maker][0](self.args)


def log_value(make: Callable[[], Any]) -> bytes:
    """A log entry as a shared store keeps it: a recipe's lean arguments, or the entry made now."""
    if type(make) is Recipe:
        try:
            args = marshal.dumps(MAKERS[make.maker][1](make.args), MARSHAL_VERSION)
        except ValueError:  # an argument marshal cannot write: make the entry now
            return dumps(make())
        return RECIPE_MARK + make.maker.encode() + RECIPE_MARK + args
    return dumps(make())


def log_entry(raw: bytes) -> Any:
    """A log value of a shared store as read: a recipe is made, as JSON holds it (so lists, not
    tuples), the same entry whatever process reads it."""
    if raw[:1] != RECIPE_MARK:
        return loads(raw)
    name, _, args = raw[1:].partition(RECIPE_MARK)
    return loads(dumps(MAKERS[name.decode()][0](marshal.loads(args))))


def _packed(value: Any) -> bytes:
    """A value as the memory store keeps it. orjson's bytes hold on to its whole working buffer
    (4 kB for a number, 32 kB for a 3 kB journal entry); a copy of the exact size does not."""
    return memoryview(dumps(value)).tobytes()


# How often the memory store drops expired values nobody reads again (such as the counters of
# rate-limit windows that have passed), in seconds.
PURGE_EVERY = 60.0


class _Later:
    """A log entry of the memory store still to be made, and what it holds on to meanwhile."""

    __slots__ = ("make", "size")

    def __init__(self, make: Callable[[], Any], size: int) -> None:
        self.make = make
        self.size = size


def _weight(raw: bytes | _Later) -> int:
    return raw.size if type(raw) is _Later else len(raw)


class _Log:
    """A bounded log of the memory store, with what its entries weigh."""

    __slots__ = ("bytes", "entries", "later", "seq")

    def __init__(self, max_len: int) -> None:
        self.entries: deque[tuple[int, bytes | _Later]] = deque(maxlen=max_len)
        self.seq = 0  # outlives the entries trimming drops, so a number is never handed out twice
        self.bytes = 0
        self.later = False  # some entries are still to be made

    def drop_oldest(self) -> int:
        _, raw = self.entries.popleft()
        weight = _weight(raw)
        self.bytes -= weight
        return weight

    def make_entries(self) -> int:
        """Make the entries still to be made; returns the change in what the log weighs."""
        if not self.later:
            return 0
        before = self.bytes
        made = deque(maxlen=self.entries.maxlen)
        for seq, raw in self.entries:
            made.append((seq, _packed(raw.make()) if type(raw) is _Later else raw))
        self.entries, self.later = made, False
        self.bytes = sum(len(raw) for _, raw in made)
        return self.bytes - before


class MemoryStore(Store):
    """One process's memory. Values are stored serialised, so no caller shares a mutable object.

    `max_log_bytes` bounds what all logs together hold (journals of every tenant): past it, the
    oldest entries of the log least recently appended to go first."""

    shared = False

    def __init__(self, max_log_bytes: int | None = None) -> None:
        self._values: dict[str, tuple[bytes, float | None]] = {}
        self._logs: OrderedDict[str, _Log] = OrderedDict()  # least recently appended first
        self._log_bytes = 0
        self.max_log_bytes = max_log_bytes
        self._next_purge = time.monotonic() + PURGE_EVERY

    @property
    def log_bytes(self) -> int:
        """What the entries of every log weigh together, in bytes."""
        return self._log_bytes

    def _live(self, key: str) -> bytes | None:
        found = self._values.get(key)
        if found is None:
            return None
        raw, expires = found
        if expires is not None and expires <= time.monotonic():
            del self._values[key]
            return None
        return raw

    def _expiry(self, ttl: float | None) -> float | None:
        if ttl is None:
            return None
        now = time.monotonic()
        if now >= self._next_purge:
            self.purge_expired()
        return now + ttl

    def purge_expired(self) -> int:
        """Drop every expired value; returns how many. Values with a ttl are written through
        `_expiry`, which calls this now and then, so they cannot pile up unread."""
        now = time.monotonic()
        expired = [key for key, (_, expires) in self._values.items() if expires is not None and expires < now]
        for key in expired:
            del self._values[key]
        self._next_purge = now + PURGE_EVERY
        return len(expired)

    async def get(self, key: str) -> Any | None:
        return loads(self._live(key))

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._values[key] = (_packed(value), self._expiry(ttl))

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        if self._live(key) is not None:
            return False
        self._values[key] = (_packed(value), self._expiry(ttl))
        return True

    async def update(self, key: str, change: Callable[[Any | None], Any], ttl: float | None = None) -> Any:
        # No await between the read and the write: nothing else runs in between.
        value = change(loads(self._live(key)))
        if value is None:
            self._values.pop(key, None)
        else:
            self._values[key] = (_packed(value), self._expiry(ttl))
        return value

    async def take(self, key: str) -> Any | None:
        raw = self._live(key)
        self._values.pop(key, None)
        return loads(raw)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._values.pop(key, None)
            self._forget_log(key)

    def _forget_log(self, key: str) -> None:
        log = self._logs.pop(key, None)
        if log is not None:
            self._log_bytes -= log.bytes

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        raw = self._live(key)
        if raw is None:
            value, expires = amount, self._expiry(ttl)
        else:
            value, expires = loads(raw) + amount, self._values[key][1]
        self._values[key] = (b"%d" % value, expires)  # an integer's JSON, without orjson's buffer
        return value

    async def incr_if(self, key: str, ttl: float | None, guard: str, expected: int) -> tuple[int, int | None]:
        held = loads(self._live(guard)) or 0
        return held, (await self.incr(key, 1, ttl) if held == expected else None)

    async def keys(self, prefix: str) -> list[str]:
        live = [k for k in list(self._values) if k.startswith(prefix) and self._live(k) is not None]
        return sorted(live + [k for k in self._logs if k.startswith(prefix)])

    async def delete_prefix(self, prefix: str) -> int:
        doomed = [k for k in self._values if k.startswith(prefix)]
        logs = [k for k in self._logs if k.startswith(prefix)]
        for key in doomed:
            del self._values[key]
        for key in logs:
            self._forget_log(key)
        return len(doomed) + len(logs)

    async def append(self, key: str, value: Any, max_len: int) -> int:
        return self._append(key, _packed(value), max_len)

    async def append_later(self, key: str, make: Callable[[], Any], max_len: int, size: int) -> int:
        return self._append(key, _Later(make, size), max_len)

    def _append(self, key: str, raw: bytes | _Later, max_len: int) -> int:
        log = self._logs.get(key)
        if log is None:
            log = self._logs[key] = _Log(max_len)
        else:
            self._logs.move_to_end(key)
        if log.entries.maxlen != max_len:
            kept = list(log.entries)[-max_len:] if max_len else []
            weight = sum(_weight(raw) for _, raw in kept)
            self._log_bytes -= log.bytes - weight
            log.bytes = weight
            log.entries = deque(kept, maxlen=max_len)
        if max_len and len(log.entries) == max_len:
            self._log_bytes -= log.drop_oldest()
        log.seq += 1
        if max_len:
            weight = _weight(raw)
            log.entries.append((log.seq, raw))
            log.later = log.later or type(raw) is _Later
            log.bytes += weight
            self._log_bytes += weight
        self._keep_logs_within_budget()
        return log.seq

    def _keep_logs_within_budget(self) -> None:
        if self.max_log_bytes is None:
            return
        for log in self._logs.values():
            while self._log_bytes > self.max_log_bytes and log.entries:
                self._log_bytes -= log.drop_oldest()
            if self._log_bytes <= self.max_log_bytes:
                return

    async def since(self, key: str, after: int = 0, limit: int = 1000) -> list[tuple[int, Any]]:
        log = self._logs.get(key)
        if log is None:
            return []
        self._log_bytes += log.make_entries()
        self._keep_logs_within_budget()
        picked = [(seq, raw) for seq, raw in log.entries if seq > after][:limit]
        return [(seq, loads(raw)) for seq, raw in picked]


def open_store(url: str, *, max_log_bytes: int | None = None) -> Store:
    """`memory://`, `sqlite:///path/to/file.db` or `redis://host:port[/db]`; `max_log_bytes` bounds
    the logs of the memory store, which hold them in this process's memory (the others on disk or
    in Redis, whose own limits apply)."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "memory":
        return MemoryStore(max_log_bytes)
    if scheme == "sqlite":
        from sandbox.runtime.store_sqlite import SqliteStore

        return SqliteStore.from_url(url)
    if scheme in ("redis", "rediss"):
        from sandbox.runtime.store_redis import RedisStore

        return RedisStore.from_url(url)
    raise ValueError(f"unknown store {url!r}: use memory://, sqlite:///path or redis://host:port")
