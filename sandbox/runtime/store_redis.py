"""The store in Redis: the sandboxes on several hosts behind a load balancer share it.

Every key lives under a namespace (`sbx:` unless told otherwise), so the sandbox can share a Redis
with other programs: `sbx:v:<key>` holds a value or counter (a JSON string, so INCRBY works on it),
`sbx:l:<key>` a log (a list of "seq|json", or "seq|" and a recipe, see `Recipe`) and `sbx:n:<key>`
that log's sequence counter, which trimming leaves alone. Each method is one atomic command or Lua
script; `update` is an optimistic transaction (WATCH/MULTI/EXEC).

A round trip costs the client far more than the command: the commands of one method call each
(get, set, add, take, incr, incr_if, append) that queue up while one pipeline is on the wire go
together in the next (not a transaction: each command stays atomic on its own, in the order sent),
packed by hiredis and written and read on a connection the batches keep for themselves, without
redis-py's pipeline object.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import hiredis
import redis.asyncio as redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, ResponseError, WatchError

from sandbox.runtime.batches import Batches, Outcomes
from sandbox.runtime.store import Store, dumps, loads, log_entry, log_value

VALUE, LOG, LOG_COUNTER = "v", "l", "n"
Command = tuple  # a command's name and arguments, as Redis takes them
KINDS = VALUE + LOG + LOG_COUNTER
SCAN_BATCH = 500
# Past this many commands in flight a caller waits for a connection (at most POOL_WAIT seconds)
# rather than failing; `?max_connections=N` in the URL overrides it.
MAX_CONNECTIONS = 50
POOL_WAIT = 10.0

# Only a counter this call created gets the ttl.
_COUNT = """
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
"""
INCR = _COUNT + "return value\n"
# The guard's value, and the count (Lua's false: a nil reply) when the guard held another value.
INCR_IF = (
    """
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
if held ~= tonumber(ARGV[3]) then
  return {held, false}
end
"""
    + _COUNT
    + "return {held, value}\n"
)

APPEND = """
local seq = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], seq .. '|' .. ARGV[1])
local max_len = tonumber(ARGV[2])
if max_len > 0 then
  redis.call('LTRIM', KEYS[1], -max_len, -1)
else
  redis.call('DEL', KEYS[1])
end
return seq
"""

# A log's numbers run without gaps from its first entry, so the entries after `after` start at a
# known index and a reader fetches only what it asked for.
SINCE = """
local first = redis.call('LINDEX', KEYS[1], 0)
if not first then
  return {}
end
local start = math.max(0, tonumber(ARGV[1]) - tonumber(string.match(first, '^%d+')) + 1)
return redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
"""


class RedisStore(Store):
    def __init__(self, client: redis.Redis, namespace: str = "sbx:") -> None:
        self._redis = client
        self._namespace = namespace
        self._incr = client.register_script(INCR)
        self._incr_if = client.register_script(INCR_IF)
        self._append = client.register_script(APPEND)
        self._since = client.register_script(SINCE)
        self._batches: Batches[Command] = Batches(self._pipelined)
        self._connection: redis.Connection | None = None
        self._connection_loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_url(cls, url: str, namespace: str = "sbx:") -> RedisStore:
        """`redis://host:port[/db]` or `rediss://` for TLS."""
        options: dict[str, Any] = {"max_connections": MAX_CONNECTIONS, "timeout": POOL_WAIT}
        if url.lower().startswith("redis://"):  # TLS and Unix sockets keep their own connection class
            options["connection_class"] = _HiredisPacked
        pool = redis.BlockingConnectionPool.from_url(url, **options)
        return cls(redis.Redis.from_pool(pool), namespace)

    def _key(self, kind: str, key: str) -> str:
        return f"{self._namespace}{kind}:{key}"

    async def get(self, key: str) -> Any | None:
        return loads(await self._queued(("GET", self._key(VALUE, key))))

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        await self._queued(("SET", self._key(VALUE, key), dumps(value), *_expiring(ttl)))

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        return bool(await self._queued(("SET", self._key(VALUE, key), dumps(value), *_expiring(ttl), "NX")))

    async def update(self, key: str, change: Callable[[Any | None], Any], ttl: float | None = None) -> Any:
        # Optimistic: WATCH makes EXEC fail when another client wrote the key since we read it;
        # then read and change again. Each round some writer wins, so the retries end.
        name = self._key(VALUE, key)
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(name)
                    value = change(loads(await pipe.get(name)))
                    pipe.multi()
                    if value is None:
                        pipe.delete(name)
                    else:
                        pipe.set(name, dumps(value), px=_milliseconds(ttl))
                    await pipe.execute()
                    return value
                except WatchError:
                    continue

    async def take(self, key: str) -> Any | None:
        return loads(await self._queued(("GETDEL", self._key(VALUE, key))))

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.unlink(*(self._key(kind, key) for key in keys for kind in KINDS))

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        return int(
            await self._queued(
                _script(self._incr, [self._key(VALUE, key)], [amount, _milliseconds(ttl) or ""])
            )
        )

    async def incr_if(self, key: str, ttl: float | None, guard: str, expected: int) -> tuple[int, int | None]:
        keys = [self._key(VALUE, key), self._key(VALUE, guard)]
        args = [1, _milliseconds(ttl) or "", expected]
        held, count = await self._queued(_script(self._incr_if, keys, args))
        return held, count

    async def keys(self, prefix: str) -> list[str]:
        # A log always has its counter, even when max_len=0 left its list empty (and so absent).
        return sorted(await self._scan(prefix, VALUE + LOG_COUNTER))

    async def delete_prefix(self, prefix: str) -> int:
        found = sorted(await self._scan(prefix, KINDS))
        deleted = 0
        for start in range(0, len(found), SCAN_BATCH):
            # One MULTI per batch: a key's value, log and counter vanish together.
            async with self._redis.pipeline(transaction=True) as pipe:
                for key in found[start : start + SCAN_BATCH]:
                    pipe.unlink(self._key(VALUE, key))
                    pipe.unlink(self._key(LOG, key), self._key(LOG_COUNTER, key))
                removed = await pipe.execute()
            deleted += sum(1 for count in removed if count)
        return deleted

    async def append(self, key: str, value: Any, max_len: int) -> int:
        return await self._append_raw(key, dumps(value), max_len)

    async def append_later(self, key: str, make: Callable[[], Any], max_len: int, size: int) -> int:
        return await self._append_raw(key, log_value(make), max_len)

    async def _append_raw(self, key: str, raw: bytes, max_len: int) -> int:
        keys = [self._key(LOG, key), self._key(LOG_COUNTER, key)]
        return int(await self._queued(_script(self._append, keys, [raw, max_len])))

    async def since(self, key: str, after: int = 0, limit: int = 1000) -> list[tuple[int, Any]]:
        if limit < 1:  # LRANGE would read a range ending at -1 as "to the end"
            return []
        entries = await self._since(keys=[self._key(LOG, key)], args=[after, limit])
        found = []
        for entry in entries:
            seq, _, raw = entry.partition(b"|")
            found.append((int(seq), log_entry(raw)))
        return found

    async def close(self) -> None:
        if self._connection is not None and self._connection_loop is asyncio.get_running_loop():
            await self._connection.disconnect()
        self._connection = None
        await self._redis.aclose()

    async def _queued(self, command: Command) -> Any:
        """The reply to one command, sent in the next pipeline."""
        return await self._batches.run(command)

    async def _pipelined(self, commands: list[Command]) -> Outcomes:
        replies = await self._send(commands)
        unknown = [index for index, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if unknown:  # a Redis restarted since: its scripts are gone, and those commands did not run
            for script in (self._incr, self._incr_if, self._append, self._since):
                await self._redis.script_load(script.script)
            for index, reply in zip(unknown, await self._send([commands[i] for i in unknown]), strict=True):
                replies[index] = reply
        return [(reply, None) if isinstance(reply, Exception) else (None, reply) for reply in replies]

    async def _send(self, commands: list[Command]) -> list[Any]:
        """Each command's reply, or the error Redis answered it with, in order. Written and read
        on the batches' own connection without redis-py's pipeline (its per-command bookkeeping cost
        more than the round trip); as that pipeline did, a batch whose connection failed is sent
        once more on a new one."""
        try:
            return await self._send_once(commands)
        except redis.ConnectionError:
            return await self._send_once(commands)

    async def _send_once(self, commands: list[Command]) -> list[Any]:
        connection = await self._batch_connection()
        try:
            # one timeout for the batch rather than one per reply
            async with asyncio.timeout(connection.socket_timeout):
                await connection.send_packed_command(connection.pack_commands(commands))
                replies: list[Any] = []
                for _ in commands:
                    try:
                        replies.append(await connection.read_response(timeout=math.inf))
                    except ResponseError as error:
                        replies.append(error)
                return replies
        except BaseException:
            self._connection = None
            await connection.disconnect(nowait=True)  # replies may be left unread: never reuse it
            raise

    async def _batch_connection(self) -> redis.Connection:
        """The connection the batches take turns on (one batch is out at a time per event loop): a
        connection of the pool, taken and given back for every batch, cost more than a batch of
        a few commands."""
        loop = asyncio.get_running_loop()
        if self._connection is None or self._connection_loop is not loop:
            self._connection = self._redis.connection_pool.make_connection()
            self._connection_loop = loop
        if not self._connection.is_connected:
            await self._connection.connect()
        return self._connection

    async def _scan(self, prefix: str, kinds: str) -> set[str]:
        """Keys under `prefix` of those `kinds`; SCAN may name a key twice."""
        pattern = f"{_glob_escape(self._namespace)}[{kinds}]:{_glob_escape(prefix)}*"
        skip = len(self._namespace) + len(VALUE) + 1
        return {raw.decode()[skip:] async for raw in self._redis.scan_iter(match=pattern, count=SCAN_BATCH)}


class _HiredisPacked(redis.Connection):
    """Commands packed by hiredis, in C: redis-py packs them in Python, at a cost per argument
    that is a good part of what a store call costs this process. hiredis writes numbers as
    redis-py does (a float as its repr); what it does not take (None, which redis-py refuses with
    its own error) goes the Python way."""

    def pack_command(self, *args: Any) -> list[bytes]:
        name = args[0]
        # as redis-py: a name with literal arguments in it ("SCRIPT LOAD") is sent as several
        if (" " if isinstance(name, str) else b" ") in name:
            args = (*name.split(), *args[1:])
        try:
            return [hiredis.pack_command(args)]
        except TypeError:
            return super().pack_command(*args)


def _script(script: AsyncScript, keys: list[str], args: list[Any]) -> Command:
    # By its hash alone: loading it each time would cost a SCRIPT EXISTS per pipeline.
    return ("EVALSHA", script.sha, len(keys), *keys, *args)


def _expiring(ttl: float | None) -> tuple:
    """SET's options for a value that expires after `ttl` seconds (none: it never does)."""
    return () if ttl is None else ("PX", _milliseconds(ttl))


def _milliseconds(ttl: float | None) -> int | None:
    # Redis refuses an expiry of 0; rounding up, a value never expires before its ttl.
    return None if ttl is None else max(1, math.ceil(ttl * 1000))


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "\\*?[]" else char for char in text)
