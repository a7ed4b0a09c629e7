"""The store in one SQLite file: survives restarts, and the worker processes of one host share it.

WAL mode lets readers run beside the one writer; every read-modify-write runs in a `BEGIN IMMEDIATE`
transaction, so it is atomic across processes too. Expiry times are epoch seconds (real time, the
same in every process and after a restart); an expired row is invisible and purged now and then.

A hand-off to a thread costs more than a point read, so `get` reads on the event loop's own
connection (in WAL mode a reader never waits for a writer). The writes that queue up meanwhile
go together: one transaction for the lot, each in its own savepoint, so each stays atomic and one
failing leaves the others alone. That transaction runs on the event loop too when the write lock
is free at once (a transaction of a few small writes takes tens of microseconds, less than the
hand-off); when another connection holds it, it runs in the writer thread, which waits for it.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sandbox.runtime.batches import Batches, Outcomes
from sandbox.runtime.store import Store, dumps, loads, log_entry, log_value

T = TypeVar("T")

# How long a write waits for another process's write before giving up with "database is locked".
BUSY_TIMEOUT = 5.0
PURGE_EVERY = 60.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    expires REAL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires) WHERE expires IS NOT NULL;
CREATE TABLE IF NOT EXISTS logs (
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_counters (
    key TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
"""

LIVE = "(expires IS NULL OR expires > :now)"
# One statement: a live counter grows (its value is JSON text, kept as a blob as every value is);
# an absent or expired one starts anew, with a new expiry.
INCR = f"""
INSERT INTO kv (key, value, expires) VALUES (:key, :raw, :expires)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN {LIVE} THEN CAST(CAST(CAST(CAST(value AS TEXT) AS INTEGER) + :amount AS TEXT) AS BLOB)
        ELSE :raw END,
    expires = CASE WHEN {LIVE} THEN expires ELSE :expires END
RETURNING value
"""
# Not LIKE: it ignores case and treats % and _ as wildcards.
UNDER_PREFIX = "key >= :prefix AND substr(key, 1, :length) = :prefix"


class SqliteStore(Store):
    """One connection per store, used by one thread at a time so the event loop never waits on disk."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None
        self._reader_lock = threading.Lock()
        self._loop_writer: sqlite3.Connection | None = None  # never waits for the write lock
        self._next_purge = 0.0
        self._batches: Batches[Callable[[sqlite3.Connection], Any]] = Batches(self._write_batch)

    @classmethod
    def from_url(cls, url: str) -> SqliteStore:
        """`sqlite:///abs/path.db` (three slashes: an absolute path) or `sqlite://relative.db`."""
        scheme, _, path = url.partition("://")
        if scheme.lower() != "sqlite" or not path:
            raise ValueError(f"store {url!r}: write sqlite:///absolute/path.db or sqlite://relative.db")
        folder = Path(path).parent
        if not folder.is_dir():
            raise ValueError(f"store {url!r}: folder {folder} does not exist; create it first")
        return cls(path)

    async def get(self, key: str) -> Any | None:
        with self._reader_lock:
            if self._reader is None:
                self._reader = self._connect()
            return loads(_live_value(self._reader, key))

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        raw, expires = dumps(value), _expiry(ttl)
        await self._write(lambda db: _put(db, key, raw, expires))

    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        raw, expires = dumps(value), _expiry(ttl)

        def add(db: sqlite3.Connection) -> bool:
            if _live_value(db, key) is not None:
                return False
            _put(db, key, raw, expires)
            return True

        return await self._write(add)

    async def update(self, key: str, change: Callable[[Any | None], Any], ttl: float | None = None) -> Any:
        def update(db: sqlite3.Connection) -> Any:
            value = change(loads(_live_value(db, key)))
            if value is None:
                db.execute("DELETE FROM kv WHERE key = ?", (key,))
            else:
                _put(db, key, dumps(value), _expiry(ttl))
            return value

        return await self._write(update)

    async def take(self, key: str) -> Any | None:
        def take(db: sqlite3.Connection) -> bytes | None:
            raw = _live_value(db, key)
            db.execute("DELETE FROM kv WHERE key = ?", (key,))
            return raw

        return loads(await self._write(take))

    async def delete(self, *keys: str) -> None:
        def delete(db: sqlite3.Connection) -> None:
            for table in ("kv", "logs", "log_counters"):
                db.executemany(f"DELETE FROM {table} WHERE key = ?", [(key,) for key in keys])

        if keys:
            await self._write(delete)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        return await self._write(lambda db: _incr(db, key, amount, ttl))

    async def incr_if(self, key: str, ttl: float | None, guard: str, expected: int) -> tuple[int, int | None]:
        def incr_if(db: sqlite3.Connection) -> tuple[int, int | None]:
            held = loads(_live_value(db, guard)) or 0
            return held, (_incr(db, key, 1, ttl) if held == expected else None)

        return await self._write(incr_if)

    async def keys(self, prefix: str) -> list[str]:
        sql = (
            f"SELECT key FROM kv WHERE {UNDER_PREFIX} AND {LIVE}"
            f" UNION SELECT key FROM log_counters WHERE {UNDER_PREFIX} ORDER BY key"
        )
        where = {"prefix": prefix, "length": len(prefix), "now": time.time()}
        rows = await self._read(lambda db: db.execute(sql, where).fetchall())
        return [key for (key,) in rows]

    async def delete_prefix(self, prefix: str) -> int:
        def delete_prefix(db: sqlite3.Connection) -> int:
            where = {"prefix": prefix, "length": len(prefix)}
            db.execute(f"DELETE FROM logs WHERE {UNDER_PREFIX}", where)
            values = db.execute(f"DELETE FROM kv WHERE {UNDER_PREFIX}", where).rowcount
            return values + db.execute(f"DELETE FROM log_counters WHERE {UNDER_PREFIX}", where).rowcount

        return await self._write(delete_prefix)

    async def append(self, key: str, value: Any, max_len: int) -> int:
        return await self._append(key, dumps(value), max_len)

    async def append_later(self, key: str, make: Callable[[], Any], max_len: int, size: int) -> int:
        return await self._append(key, log_value(make), max_len)

    async def _append(self, key: str, raw: bytes, max_len: int) -> int:
        def append(db: sqlite3.Connection) -> int:
            # The counter outlives the rows that trimming drops, so a number is never handed out twice.
            (seq,) = db.execute(
                "INSERT INTO log_counters (key, seq) VALUES (?, 1)"
                " ON CONFLICT (key) DO UPDATE SET seq = seq + 1 RETURNING seq",
                (key,),
            ).fetchone()
            db.execute("INSERT INTO logs (key, seq, value) VALUES (?, ?, ?)", (key, seq, raw))
            db.execute("DELETE FROM logs WHERE key = ? AND seq <= ?", (key, seq - max_len))
            return seq

        return await self._write(append)

    async def since(self, key: str, after: int = 0, limit: int = 1000) -> list[tuple[int, Any]]:
        sql = "SELECT seq, value FROM logs WHERE key = ? AND seq > ? ORDER BY seq LIMIT ?"
        rows = await self._read(lambda db: db.execute(sql, (key, after, max(limit, 0))).fetchall())
        return [(seq, log_entry(raw)) for seq, raw in rows]

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
        with self._reader_lock:
            for db in (self._reader, self._loop_writer):
                if db is not None:
                    db.close()
            self._reader = self._loop_writer = None

    async def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """One statement needs no transaction: SQLite runs each atomically."""
        return await asyncio.to_thread(self._with_db, work)

    async def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return await self._batches.run(work)

    async def _write_batch(self, batch: list[Callable[[sqlite3.Connection], Any]]) -> Outcomes:
        outcomes = self._on_loop(batch)
        if outcomes is not None:
            return outcomes
        return await asyncio.to_thread(self._with_db, functools.partial(self._in_transaction, batch=batch))

    def _on_loop(self, batch: list[Callable[[sqlite3.Connection], Any]]) -> Outcomes | None:
        """The batch's outcomes, written on the event loop's thread; None when the write lock was
        taken (nothing was written then)."""
        with self._reader_lock:
            if self._loop_writer is None:
                self._loop_writer = self._connect()
                self._loop_writer.execute("PRAGMA busy_timeout = 0")
            try:
                return self._in_transaction(self._loop_writer, batch)
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
                    return None
                raise

    def _in_transaction(
        self, db: sqlite3.Connection, batch: list[Callable[[sqlite3.Connection], Any]]
    ) -> Outcomes:
        # IMMEDIATE takes the write lock before reading, so no other process writes in between.
        db.execute("BEGIN IMMEDIATE")
        try:
            try:
                outcomes: Outcomes = [(None, work(db)) for work in batch]
            except Exception as error:
                # Calls rarely fail: rather than a savepoint for each, undo the lot and run them
                # again each in its own, so that one failing leaves the others alone.
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if len(batch) == 1:
                    return [(error, None)]
                db.execute("BEGIN IMMEDIATE")
                outcomes = _each_in_a_savepoint(db, batch)
            if time.monotonic() >= self._next_purge:
                db.execute("DELETE FROM kv WHERE expires <= ?", (time.time(),))
                self._next_purge = time.monotonic() + PURGE_EVERY
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return outcomes

    def _with_db(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            if self._db is None:
                self._db = self._connect()
            return work(self._db)

    def _connect(self) -> sqlite3.Connection:
        # Opened on first use, not in __init__: a connection must not cross a fork of uvicorn workers.
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                # Switching a new file to WAL fails at once, without waiting, while another
                # process is doing the same: so wait here.
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(SCHEMA)
                break
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    db.close()
                    raise
                time.sleep(0.01)
        # With WAL, NORMAL loses no committed write when the process dies, only on power loss.
        db.execute("PRAGMA synchronous = NORMAL")
        return db


def _each_in_a_savepoint(
    db: sqlite3.Connection, batch: list[Callable[[sqlite3.Connection], Any]]
) -> Outcomes:
    outcomes: Outcomes = []
    for work in batch:
        db.execute("SAVEPOINT one")
        try:
            outcomes.append((None, work(db)))
        except Exception as error:
            db.execute("ROLLBACK TO one")
            outcomes.append((error, None))
        db.execute("RELEASE one")
    return outcomes


def _expiry(ttl: float | None) -> float | None:
    return None if ttl is None else time.time() + ttl


def _live_value(db: sqlite3.Connection, key: str) -> bytes | None:
    row = db.execute(
        f"SELECT value FROM kv WHERE key = :key AND {LIVE}", {"key": key, "now": time.time()}
    ).fetchone()
    return None if row is None else row[0]


def _incr(db: sqlite3.Connection, key: str, amount: int, ttl: float | None) -> int:
    where = {"key": key, "amount": amount, "raw": dumps(amount), "expires": _expiry(ttl), "now": time.time()}
    (raw,) = db.execute(INCR, where).fetchone()
    return loads(raw)


def _put(db: sqlite3.Connection, key: str, raw: bytes, expires: float | None) -> None:
    db.execute("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)", (key, raw, expires))
