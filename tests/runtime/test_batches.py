"""Store calls that queue up while a batch is out go together in the next one (one SQLite
transaction, one Redis pipeline), and each keeps its own outcome."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis

from sandbox.runtime.batches import Batches
from sandbox.runtime.store_redis import RedisStore
from sandbox.runtime.store_sqlite import SqliteStore


def test_calls_queued_meanwhile_go_in_one_batch_each_with_its_own_outcome() -> None:
    sent: list[list[int]] = []

    async def send(calls: list[int]) -> list:
        sent.append(calls)
        await asyncio.sleep(0)
        return [(ValueError(f"odd {c}"), None) if c % 2 else (None, c * 10) for c in calls]

    async def main() -> list:
        batches: Batches[int] = Batches(send)
        return await asyncio.gather(*(batches.run(n) for n in range(6)), return_exceptions=True)

    outcomes = asyncio.run(main())
    assert [o if isinstance(o, int) else str(o) for o in outcomes] == [0, "odd 1", 20, "odd 3", 40, "odd 5"]
    assert sent == [[0, 1, 2, 3, 4, 5]]


def test_a_failed_batch_fails_each_of_its_calls_and_the_next_batch_runs() -> None:
    async def send(calls: list[str]) -> list:
        if "down" in calls:
            raise ConnectionError("store unreachable")
        return [(None, call) for call in calls]

    async def main() -> tuple:
        batches: Batches[str] = Batches(send)
        failed = await asyncio.gather(batches.run("down"), batches.run("a"), return_exceptions=True)
        return failed, await batches.run("b")

    failed, later = asyncio.run(main())
    assert [type(f) for f in failed] == [ConnectionError, ConnectionError] and later == "b"


def test_sqlite_writes_of_concurrent_requests_share_a_transaction(tmp_path: Path, monkeypatch) -> None:
    store = SqliteStore(tmp_path / "store.db")
    transactions = []
    original = store._in_transaction
    monkeypatch.setattr(
        store, "_in_transaction", lambda db, batch: transactions.append(len(batch)) or original(db, batch)
    )

    async def main() -> list:
        try:
            await store.set("warm", 1)
            counts = await asyncio.gather(*(store.incr("hits") for _ in range(40)))
            broken = store._write(lambda db: db.execute("INSERT INTO nowhere VALUES (1)"))
            outcomes = await asyncio.gather(broken, store.incr("hits"), return_exceptions=True)
            return [sorted(counts), outcomes, await store.get("hits")]
        finally:
            await store.close()

    counts, (broken, counted), total = asyncio.run(main())
    assert counts == list(range(1, 41))
    assert "no such table" in str(broken) and counted == 41 and total == 41  # the failure stayed its own
    assert len(transactions) < 40 and sum(transactions) == 1 + 40 + 2


def test_redis_commands_of_concurrent_requests_share_a_pipeline(redis_url: str) -> None:
    async def main() -> tuple:
        store = RedisStore.from_url(redis_url, namespace="batch-test:")
        pipelines = []
        original = store._send

        async def counted(commands):
            pipelines.append(len(commands))
            return await original(commands)

        store._send = counted
        try:
            counts = await asyncio.gather(*(store.incr("hits") for _ in range(40)))
            await store.append("log", {"n": 1}, 10)
            return sorted(counts), pipelines
        finally:
            await store.close()

    with redis.Redis.from_url(redis_url) as client:
        client.script_flush()  # as after a Redis restart: the scripts are loaded again when missing
    counts, pipelines = asyncio.run(main())
    assert counts == list(range(1, 41))
    assert len(pipelines) < 40 and sum(pipelines) >= 41


def test_redis_calls_go_through_when_the_server_closed_the_store_s_connections(redis_url) -> None:
    async def main() -> list:
        store = RedisStore.from_url(redis_url, namespace="batch-test:")
        try:
            await store.set("kept", 1)
            with redis.Redis.from_url(redis_url) as client:
                assert client.client_kill_filter(_type="normal", skipme=True) >= 1
            return await asyncio.gather(store.get("kept"), store.incr("hits"), store.incr("hits"))
        finally:
            await store.close()

    assert sorted(asyncio.run(main())) == [1, 1, 2]


@pytest.fixture(autouse=True)
def _clean_redis_namespace(request):
    yield
    if "redis_url" in request.fixturenames:
        with redis.Redis.from_url(request.getfixturevalue("redis_url")) as client:
            for key in client.scan_iter("batch-test:*"):
                client.delete(key)


def test_a_batch_that_answers_too_few_calls_fails_them_all_rather_than_leave_one_waiting() -> None:
    async def send(calls: list[str]) -> list:
        return [(None, "only one")]

    async def main() -> list:
        batches: Batches[str] = Batches(send)
        return await asyncio.gather(batches.run("a"), batches.run("b"), return_exceptions=True)

    assert [type(outcome) for outcome in asyncio.run(main())] == [RuntimeError, RuntimeError]
