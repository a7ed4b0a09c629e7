"""One contract for every store backend: what `Store` documents, each backend does."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio

from sandbox.runtime.store import MemoryStore, Recipe, Store, dumps, open_store, register_maker
from sandbox.runtime.store_redis import RedisStore, _HiredisPacked
from sandbox.runtime.store_sqlite import SqliteStore

Scenario = Callable[[Store], Awaitable[Any]]
OnStore = Callable[[Scenario], Any]

SHORT_TTL = 0.2
PAST_SHORT_TTL = 0.35


def run_on(open_backend: Callable[[], Store], scenario: Scenario) -> Any:
    """Each scenario gets its own event loop, and a store opened and closed inside it."""

    async def main() -> Any:
        store = open_backend()
        try:
            return await scenario(store)
        finally:
            await store.close()

    return asyncio.run(main())


@pytest.fixture(params=["memory", "sqlite", "redis"])
def on_store(request: pytest.FixtureRequest, tmp_path: Path) -> OnStore:
    if request.param == "memory":
        memory = MemoryStore()  # one instance for the test: its state is all it has
        return lambda scenario: run_on(lambda: memory, scenario)
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path}/store.db"
    else:
        url = request.getfixturevalue("redis_url")
        with redis.Redis.from_url(url) as client:
            client.flushdb()
    return lambda scenario: run_on(lambda: open_store(url), scenario)


DOCUMENTS = [
    {"name": "Brouwerij Ça Va", "vat": "BE0123456749", "lines": [{"amount": "12.10"}], "paid": False},
    ["a", 1, 2.5, None, True],
    "plain text",
    42,
    -3.75,
    False,
]


def test_values_come_back_as_the_json_that_was_stored(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        for number, document in enumerate(DOCUMENTS):
            await store.set(f"doc:{number}", document)
        assert [await store.get(f"doc:{number}") for number in range(len(DOCUMENTS))] == DOCUMENTS
        await store.set("doc:0", {"replaced": True})
        assert await store.get("doc:0") == {"replaced": True}
        assert await store.get("doc:missing") is None
        assert await store.get("dossier:ünïcødé/1") is None
        await store.set("dossier:ünïcødé/1", "ok")
        assert await store.get("dossier:ünïcødé/1") == "ok"

    on_store(scenario)


def test_a_value_expires_after_its_ttl(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        await store.set("token:short", "abc", ttl=SHORT_TTL)
        await store.set("token:long", "def", ttl=60)
        await store.set("token:forever", "ghi")
        assert await store.get("token:short") == "abc"
        await asyncio.sleep(PAST_SHORT_TTL)
        assert await store.get("token:short") is None
        assert await store.take("token:short") is None
        assert await store.keys("token:") == ["token:forever", "token:long"]

    on_store(scenario)


def test_set_without_ttl_makes_an_expiring_value_permanent(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        await store.set("k", 1, ttl=SHORT_TTL)
        await store.set("k", 2)
        await asyncio.sleep(PAST_SHORT_TTL)
        assert await store.get("k") == 2

    on_store(scenario)


def test_add_sets_only_an_absent_key(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        assert await store.add("nonce:1", {"first": True}) is True
        assert await store.add("nonce:1", {"first": False}) is False
        assert await store.get("nonce:1") == {"first": True}
        assert await store.add("nonce:2", "once", ttl=SHORT_TTL) is True
        assert await store.add("nonce:2", "twice") is False
        await asyncio.sleep(PAST_SHORT_TTL)
        assert await store.add("nonce:2", "after expiry") is True
        assert await store.get("nonce:2") == "after expiry"

    on_store(scenario)


def test_of_concurrent_adders_exactly_one_wins(on_store: OnStore) -> None:
    async def scenario(store: Store) -> list[bool]:
        return await asyncio.gather(*(store.add("lock", number) for number in range(50)))

    assert sorted(on_store(scenario)) == [False] * 49 + [True]


def test_take_returns_a_value_once(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        await store.set("code:1", {"client": "vendor"})
        assert await store.take("code:1") == {"client": "vendor"}
        assert await store.take("code:1") is None
        assert await store.get("code:1") is None
        assert await store.take("code:never") is None

    on_store(scenario)


def test_of_concurrent_takers_exactly_one_gets_the_value(on_store: OnStore) -> None:
    async def scenario(store: Store) -> list[Any]:
        await store.set("code:1", "secret")
        return await asyncio.gather(*(store.take("code:1") for _ in range(50)))

    taken = on_store(scenario)
    assert [value for value in taken if value is not None] == ["secret"]


def test_update_stores_what_the_change_makes_of_the_current_value(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        assert await store.update("list", lambda current: [*(current or []), "a"]) == ["a"]
        assert await store.update("list", lambda current: [*(current or []), "b"]) == ["a", "b"]
        assert await store.get("list") == ["a", "b"]
        assert await store.update("list", lambda current: None) is None
        assert await store.get("list") is None
        assert await store.update("absent", lambda current: current) is None
        assert await store.keys("absent") == []
        assert await store.update("brief", lambda current: 1, ttl=SHORT_TTL) == 1
        await asyncio.sleep(PAST_SHORT_TTL)
        assert await store.get("brief") is None

    on_store(scenario)


class Refused(Exception):
    pass


def test_update_whose_change_raises_leaves_the_value_as_it_was(on_store: OnStore) -> None:
    def refuse(current: Any) -> Any:
        raise Refused(current)

    async def scenario(store: Store) -> None:
        await store.set("balance", 10)
        with pytest.raises(Refused):
            await store.update("balance", refuse)
        assert await store.get("balance") == 10
        assert await store.update("balance", lambda current: current - 3) == 7

    on_store(scenario)


def test_a_call_failing_among_others_sent_together_fails_alone_and_the_others_count_once(
    on_store: OnStore,
) -> None:
    def refuse(current: Any) -> Any:
        raise Refused(current)

    async def scenario(store: Store) -> list:
        await store.set("balance", 10)
        outcomes = await asyncio.gather(
            store.incr("hits"),
            store.append("log", {"n": 1}, max_len=10),
            store.update("balance", refuse),
            store.incr("hits"),
            store.set("other", 1),
            return_exceptions=True,
        )
        assert isinstance(outcomes[2], Refused)
        kept = [await store.get(key) for key in ("hits", "balance", "other")]
        return [outcomes[:2], outcomes[3:], kept, await store.since("log")]

    assert on_store(scenario) == [[1, 1], [2, None], [2, 10, 1], [(1, {"n": 1})]]


def test_concurrent_updates_are_all_kept(on_store: OnStore) -> None:
    async def appended(store: Store, number: int) -> None:
        await asyncio.sleep(0)
        await store.update("list", lambda current: [*(current or []), number])

    async def scenario(store: Store) -> list[int]:
        await asyncio.gather(*(appended(store, number) for number in range(40)))
        return await store.get("list")

    assert sorted(on_store(scenario)) == list(range(40))


def test_incr_counts_from_zero_by_any_amount(on_store: OnStore) -> None:
    async def scenario(store: Store) -> list[int]:
        return [
            await store.incr("hits"),
            await store.incr("hits"),
            await store.incr("hits", 10),
            await store.incr("hits", -4),
            await store.get("hits"),
        ]

    assert on_store(scenario) == [1, 2, 12, 8, 8]


def test_incr_ttl_applies_only_when_the_counter_is_created(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        assert await store.incr("window", ttl=SHORT_TTL) == 1
        assert await store.incr("window", ttl=60) == 2
        await asyncio.sleep(PAST_SHORT_TTL)
        assert await store.get("window") is None
        assert await store.incr("window", 5, ttl=60) == 5
        await store.set("plain", 7)
        assert await store.incr("plain", ttl=SHORT_TTL) == 8
        await asyncio.sleep(PAST_SHORT_TTL)
        assert await store.get("plain") == 8

    on_store(scenario)


def test_incr_if_counts_only_while_the_guard_holds_what_is_expected(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        # an absent guard holds 0; a guard that no counter ever holds (-1) never lets it count
        assert await store.incr_if("window", SHORT_TTL, "generation", 0) == (0, 1)
        assert await store.incr_if("window", 60, "generation", -1) == (0, None)
        assert await store.incr("generation", 3) == 3
        assert await store.incr_if("window", 60, "generation", 0) == (3, None)
        assert await store.get("window") == 1  # refused calls counted nothing
        assert await store.incr_if("window", 60, "generation", 3) == (3, 2)
        await asyncio.sleep(PAST_SHORT_TTL)  # the ttl of the call that created the counter
        assert await store.get("window") is None
        assert await store.incr_if("window", SHORT_TTL, "generation", 3) == (3, 1)
        assert await store.get("generation") == 3  # the guard is only read

    on_store(scenario)


def test_concurrent_guarded_increments_are_all_counted(on_store: OnStore) -> None:
    async def scenario(store: Store) -> tuple[list, int]:
        await store.set("generation", 7)
        results = await asyncio.gather(*(store.incr_if("hits", None, "generation", 7) for _ in range(50)))
        return sorted(results), await store.get("hits")

    assert on_store(scenario) == ([(7, n) for n in range(1, 51)], 50)


def test_concurrent_increments_are_all_counted(on_store: OnStore) -> None:
    async def scenario(store: Store) -> tuple[list[int], int]:
        results = await asyncio.gather(*(store.incr("hits") for _ in range(100)))
        return sorted(results), await store.get("hits")

    assert on_store(scenario) == (list(range(1, 101)), 100)


def test_delete_removes_values_counters_and_logs(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        await store.set("a", 1)
        await store.incr("b")
        await store.append("c", "entry", max_len=10)
        await store.set("d", 4)
        await store.delete("a", "b", "c", "never-was")
        await store.delete()
        assert await store.get("a") is None
        assert await store.get("b") is None
        assert await store.since("c") == []
        assert await store.keys("") == ["d"]

    on_store(scenario)


def test_keys_are_sorted_and_only_under_the_prefix(on_store: OnStore) -> None:
    # Glob and LIKE characters in a prefix are literal, and case counts.
    stored = ["t1:b", "t1:a", "t1:a:2", "t10:x", "T1:up", "t1*:star", "t1?:q", "t1[x]:br", "t1%:pct", "t1_:u"]

    async def scenario(store: Store) -> dict[str, list[str]]:
        for key in stored:
            await store.set(key, key)
        await store.append("t1:log", "entry", max_len=5)
        await store.incr("t1:counter")
        prefixes = ["t1:", "t1", "t1*", "t1?", "t1[x]", "t1%", "t1_", "T1", "nothing", ""]
        return {prefix: await store.keys(prefix) for prefix in prefixes}

    everything = sorted([*stored, "t1:log", "t1:counter"])
    assert on_store(scenario) == {
        "t1:": ["t1:a", "t1:a:2", "t1:b", "t1:counter", "t1:log"],
        "t1": [key for key in everything if key.startswith("t1")],
        "t1*": ["t1*:star"],
        "t1?": ["t1?:q"],
        "t1[x]": ["t1[x]:br"],
        "t1%": ["t1%:pct"],
        "t1_": ["t1_:u"],
        "T1": ["T1:up"],
        "nothing": [],
        "": everything,
    }


def test_delete_prefix_removes_values_counters_and_logs_under_it_only(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        await store.set("tenant:a:debtor:1", {"name": "x"})
        await store.incr("tenant:a:hits")
        await store.append("tenant:a:journal", "entry", max_len=10)
        await store.set("tenant:ab:debtor:1", "other tenant")
        await store.append("tenant:ab:journal", "other tenant", max_len=10)
        await store.set("tenant:b:debtor:1", "other tenant")
        assert await store.delete_prefix("tenant:a:") == 3
        assert await store.keys("tenant:a:") == []
        assert await store.get("tenant:a:debtor:1") is None
        assert await store.since("tenant:a:journal") == []
        assert await store.keys("") == ["tenant:ab:debtor:1", "tenant:ab:journal", "tenant:b:debtor:1"]
        assert await store.since("tenant:ab:journal") == [(1, "other tenant")]
        assert await store.delete_prefix("tenant:a:") == 0
        # A deleted log starts again: its numbers belonged to what was deleted.
        assert await store.append("tenant:a:journal", "new", max_len=10) == 1

    on_store(scenario)


def test_append_keeps_the_newest_entries_and_numbers_never_repeat(on_store: OnStore) -> None:
    async def scenario(store: Store) -> None:
        assert [await store.append("journal", {"n": n}, max_len=3) for n in range(1, 6)] == [1, 2, 3, 4, 5]
        assert await store.since("journal") == [(3, {"n": 3}), (4, {"n": 4}), (5, {"n": 5})]
        assert await store.append("journal", {"n": 6}, max_len=3) == 6
        assert await store.since("journal") == [(4, {"n": 4}), (5, {"n": 5}), (6, {"n": 6})]
        assert await store.append("other", "first", max_len=3) == 1
        assert await store.since("other") == [(1, "first")]

    on_store(scenario)


def test_concurrent_appends_get_distinct_numbers(on_store: OnStore) -> None:
    async def scenario(store: Store) -> tuple[list[int], list[int]]:
        numbers = await asyncio.gather(*(store.append("journal", n, max_len=100) for n in range(50)))
        entries = await store.since("journal")
        return sorted(numbers), [seq for seq, _ in entries]

    assert on_store(scenario) == (list(range(1, 51)), list(range(1, 51)))


def test_since_returns_entries_after_a_number_up_to_a_limit(on_store: OnStore) -> None:
    async def scenario(store: Store) -> dict[str, list[tuple[int, Any]]]:
        for n in range(1, 11):
            await store.append("feed", f"e{n}", max_len=8)  # keeps 3..10
        return {
            "all": await store.since("feed"),
            "after 5": await store.since("feed", after=5),
            "after 5, 2": await store.since("feed", after=5, limit=2),
            "after 1, 2": await store.since("feed", after=1, limit=2),
            "after 10": await store.since("feed", after=10),
            "after 99": await store.since("feed", after=99),
            "limit 0": await store.since("feed", limit=0),
            "missing": await store.since("no-such-feed"),
        }

    assert on_store(scenario) == {
        "all": [(n, f"e{n}") for n in range(3, 11)],
        "after 5": [(n, f"e{n}") for n in range(6, 11)],
        "after 5, 2": [(6, "e6"), (7, "e7")],
        "after 1, 2": [(3, "e3"), (4, "e4")],
        "after 10": [],
        "after 99": [],
        "limit 0": [],
        "missing": [],
    }


# SQLite: what the file promises beyond one process's memory.

INCREMENT_200_TIMES = """
import asyncio, sys
from sandbox.runtime.store_sqlite import SqliteStore

async def main():
    store = SqliteStore(sys.argv[1])
    for _ in range(200):
        await store.incr("shared")
    await store.close()

asyncio.run(main())
"""


def test_sqlite_processes_sharing_a_file_lose_no_increment(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    workers = [
        subprocess.Popen([sys.executable, "-c", INCREMENT_200_TIMES, str(path)], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()
    assert run_on(lambda: SqliteStore(path), lambda store: store.get("shared")) == 400


APPEND_100_TIMES = """
import asyncio, sys
from sandbox.runtime.store_sqlite import SqliteStore

async def main():
    stores = [SqliteStore(sys.argv[1]), SqliteStore(sys.argv[1])]
    async def append(n):
        await stores[n % 2].update("shared", lambda current: [*(current or []), f"{sys.argv[2]}-{n}"])
    await asyncio.gather(*(append(n) for n in range(100)))
    for store in stores:
        await store.close()

asyncio.run(main())
"""


def test_sqlite_processes_and_connections_sharing_a_file_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    workers = [
        subprocess.Popen([sys.executable, "-c", APPEND_100_TIMES, str(path), name], stderr=subprocess.PIPE)
        for name in ("one", "other")
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors.decode()
    kept = run_on(lambda: SqliteStore(path), lambda store: store.get("shared"))
    assert sorted(kept) == sorted(f"{name}-{n}" for name in ("one", "other") for n in range(100))


def test_sqlite_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/kept.db"

    async def write(store: Store) -> None:
        await store.set("debtor:1", {"name": "Vanderbeke"})
        await store.set("token", "t", ttl=60)
        await store.incr("hits", 3)
        for n in range(1, 5):
            await store.append("journal", n, max_len=2)

    async def read_back(store: Store) -> list[Any]:
        return [
            await store.get("debtor:1"),
            await store.get("token"),
            await store.get("hits"),
            await store.since("journal"),
            await store.append("journal", 5, max_len=2),
        ]

    run_on(lambda: open_store(url), write)
    assert run_on(lambda: open_store(url), read_back) == [{"name": "Vanderbeke"}, "t", 3, [(3, 3), (4, 4)], 5]


def test_sqlite_url_names_an_absolute_or_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SqliteStore.from_url(f"sqlite://{tmp_path}/a.db").path == tmp_path / "a.db"
    monkeypatch.chdir(tmp_path)
    assert SqliteStore.from_url("sqlite://relative.db").path == Path("relative.db")
    with pytest.raises(ValueError, match="does not exist"):
        SqliteStore.from_url(f"sqlite://{tmp_path}/no/such/folder.db")


# Redis: the namespace keeps the sandbox's keys apart from anyone else's in the same Redis.


def test_redis_keys_live_under_the_namespace(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
        client.set("foreign", "not ours")

        async def scenario(store: Store) -> None:
            await store.set("k", 1)
            await store.incr("n")
            await store.append("log", "entry", max_len=5)
            assert await store.keys("") == ["k", "log", "n"]
            assert await store.delete_prefix("") == 3

        run_on(lambda: RedisStore.from_url(redis_url, namespace="other:"), lambda store: store.set("k", 2))
        run_on(lambda: RedisStore.from_url(redis_url), scenario)
        assert sorted(client.keys("*")) == [b"foreign", b"other:v:k"]


def test_an_entry_appended_for_later_is_made_when_first_read_and_never_when_dropped_unread(
    on_store: OnStore,
) -> None:
    made: list[int] = []

    def entry(n: int):
        def make() -> dict:
            made.append(n)
            return {"n": n}

        return make

    async def scenario(store: Store) -> tuple[list[int], list[tuple[int, Any]], list[int]]:
        numbers = [await store.append_later("journal", entry(n), max_len=3, size=100) for n in range(1, 6)]
        numbers.append(await store.append("journal", {"n": 6}, max_len=3))
        made_before_reading = list(made)
        return numbers, await store.since("journal"), made_before_reading

    numbers, entries, made_before_reading = on_store(scenario)
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert entries == [(4, {"n": 4}), (5, {"n": 5}), (6, {"n": 6})]
    # the memory store makes only what a reader reads; the shared ones make each at once, for
    # readers in other processes
    assert sorted(made) in ([4, 5], [1, 2, 3, 4, 5])
    assert made_before_reading in ([], [1, 2, 3, 4, 5])


MADE_FROM_RECIPES: list[tuple] = []


def _made_from(args: tuple) -> dict:
    """As the journal's maker: made from the whole arguments, or from lean ones (sizes for bodies)."""
    MADE_FROM_RECIPES.append(args)
    name, bodies = args[:2]  # what follows is only passed along
    return {"name": name, "sizes": [body if type(body) is int else len(body) for body in bodies]}


register_maker(
    "test-sizes", _made_from, lambda args: (args[0], tuple(len(body) for body in args[1]), *args[2:])
)


def test_a_recipe_is_made_by_the_process_that_reads_it(on_store: OnStore) -> None:
    MADE_FROM_RECIPES.clear()

    async def write(store: Store) -> list[int]:
        first = Recipe("test-sizes", ("first", [b"x" * 100_000, b""]))
        second = Recipe("test-sizes", ("second", [b"y", b"z"], range(1)))  # marshal cannot write a range
        return [await store.append_later("log", recipe, max_len=10, size=100) for recipe in (first, second)]

    assert on_store(write) == [1, 2]
    made_by_writer = [args[0] for args in MADE_FROM_RECIPES]
    entries = on_store(lambda store: store.since("log"))  # on a shared store, another process
    assert entries == [
        (1, {"name": "first", "sizes": [100_000, 0]}),
        (2, {"name": "second", "sizes": [1, 1]}),
    ]
    made_by_reader = MADE_FROM_RECIPES[len(made_by_writer) :]
    if isinstance(on_store(lambda store: asyncio.sleep(0, store)), MemoryStore):
        assert made_by_writer == [] and [args[0] for args in made_by_reader] == ["first", "second"]
    else:  # the second made at once; the first kept as its lean arguments, not 100 kB
        assert made_by_writer == ["second"] and made_by_reader == [("first", (100_000, 0))]


def test_a_deleted_log_forgets_the_entries_still_to_be_made():
    memory = MemoryStore()

    def never() -> dict:
        raise AssertionError("an entry of a deleted log was made")

    async def scenario() -> list:
        await memory.append_later("t:a:journal", never, max_len=10, size=100)
        await memory.delete_prefix("t:a:")
        assert memory.log_bytes == 0
        return await memory.since("t:a:journal")

    assert asyncio.run(scenario()) == []


def test_entries_still_to_be_made_count_against_the_log_budget_by_their_size():
    memory = MemoryStore(max_log_bytes=1_000)

    async def scenario() -> list[int]:
        for n in range(10):
            await memory.append_later("journal", lambda n=n: {"n": n}, max_len=100, size=300)
        assert memory.log_bytes <= 1_000
        entries = await memory.since("journal")
        assert memory.log_bytes == sum(len(dumps(item)) for _, item in entries)
        return [seq for seq, _ in entries]

    assert asyncio.run(scenario()) == [8, 9, 10]


def test_the_redis_store_packs_commands_as_redis_py_does() -> None:
    ours, theirs = _HiredisPacked(), redis.asyncio.Connection()
    commands = [
        ("GET", "sbx:v:generation"),
        (
            "EVALSHA",
            "a" * 40,
            2,
            "sbx:l:t:x:journal",
            "sbx:n:t:x:journal",
            b"\0journal\0" + bytes(range(256)),
            1000,
        ),
        ("SET", "sbx:v:k", b'{"name":"Brouwerij \xc3\x87a Va"}', "PX", 1500, "NX"),
        ("SET", "sbx:v:Ça", 0.1, 1 / 3, 1e20, -2.5e-7),
        ("SCRIPT LOAD", "return 1"),
        (b"CLIENT SETINFO", b"LIB-NAME", "redis-py"),
    ]
    for command in commands:
        assert b"".join(ours.pack_command(*command)) == b"".join(theirs.pack_command(*command))
    with pytest.raises(redis.DataError):
        ours.pack_command("SET", "k", None)
