"""One memory budget: journals bounded in bytes over every tenant, worlds dropped when the process
passes the budget, expired counters purged, idle CI tenants deleted (never the demo tenant)."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from sandbox.runtime import housekeeping, keys, store
from sandbox.runtime.housekeeping import Housekeeping
from sandbox.runtime.store import MemoryStore
from sandbox.runtime.worlds import Worlds
from sandbox.settings import Settings, parse_size
from tests.conftest import make_client

NOTHING_FILED = "/nbb/authentic/legalEntity/0000000196/references"


def run(coroutine):
    return asyncio.run(coroutine)


def test_logs_of_every_key_together_stay_within_their_byte_budget():
    memory = MemoryStore(max_log_bytes=10_000)
    entry = {"body": "x" * 90}  # 100 bytes as JSON

    async def scenario():
        for n in range(60):
            await memory.append("journal:a", {**entry, "n": n}, 1000)
        for n in range(60):
            await memory.append("journal:b", {**entry, "n": n}, 1000)
        assert memory.log_bytes <= 10_000
        a, b = await memory.since("journal:a"), await memory.since("journal:b")
        # a, journaled least recently, gave up its oldest entries; b kept all of its own
        assert [seq for seq, _ in b] == list(range(1, 61))
        assert [seq for seq, _ in a] == list(range(60 - len(a) + 1, 61)) and len(a) < 60
        assert await memory.append("journal:a", entry, 1000) == 61  # numbers go on
        await memory.delete("journal:b")
        assert memory.log_bytes == sum(len(store.dumps(item)) for _, item in await memory.since("journal:a"))

    run(scenario())


def test_a_log_alone_past_the_budget_keeps_its_newest_entries():
    memory = MemoryStore(max_log_bytes=1_000)

    async def scenario():
        for n in range(100):
            await memory.append("journal:a", {"n": n, "pad": "y" * 40}, 1000)
        kept = await memory.since("journal:a")
        assert kept[-1][0] == 100 and memory.log_bytes <= 1_000 and len(kept) >= 15

    run(scenario())


def test_expired_counters_are_purged_though_nobody_reads_them(monkeypatch):
    memory = MemoryStore()
    clock = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: clock[0])

    async def scenario():
        memory._next_purge = clock[0] + store.PURGE_EVERY
        for window in range(500):
            await memory.incr(f"rl:api:60:{window}", ttl=61)
        await memory.set("kept", 1)
        clock[0] += 62 + store.PURGE_EVERY
        await memory.incr("rl:api:60:now", ttl=61)  # a write with a ttl purges when one is due
        assert sorted(memory._values) == ["kept", "rl:api:60:now"]

    run(scenario())


def test_least_recently_used_worlds_are_evicted_first():
    worlds = Worlds("seed")
    package = SimpleNamespace(create_world=lambda seed, tenant, fixture: object())
    api = SimpleNamespace(family="f", package=package, fixture={})
    for tenant in "abcd":
        worlds.get(api, tenant)
    worlds.get(api, "a")
    assert worlds.evict_oldest(2) == 2
    assert [tenant for _, tenant in worlds._cache] == ["d", "a"]
    assert worlds.evict_oldest(5) == 2 and len(worlds) == 0


def test_over_the_budget_worlds_go_until_the_process_is_under_it(monkeypatch):
    client = make_client(max_memory=1000 * 2**20)
    services = client.app.state.services
    for n in range(8):
        services.worlds.get(services.api("nbb-cbso"), f"t-{n}")
    # the process's size follows the worlds it holds (a sandbox served elsewhere in this process may
    # read it too, so it must not depend on how often it is read)
    by_worlds = {8: 1200, 6: 1100, 5: 950, 4: 880}
    monkeypatch.setattr(
        housekeeping, "resident_bytes", lambda: by_worlds.get(len(services.worlds), 880) * 2**20
    )
    evicted = Housekeeping(services).keep_within_budget()
    # a quarter at a time: 1100 MiB after dropping 2 of 8, 950 after 1 more, 880 (under 90%) after 1 more
    assert evicted == 4 and len(services.worlds) == 4
    monkeypatch.setattr(housekeeping, "resident_bytes", lambda: 500 * 2**20)
    assert Housekeeping(services).keep_within_budget() == 0 and len(services.worlds) == 4


def test_idle_tenants_made_for_ci_are_deleted_and_used_or_demo_ones_stay():
    client = make_client(tenant_idle=3600)
    services = client.app.state.services
    idle = client.post("/__sandbox/tenants", json={"name": "idle"}).json()
    used = client.post("/__sandbox/tenants", json={"name": "used"}).json()
    key = used["credentials"]["nbb-cbso"]["authenticKey"]["secret"]
    headers = {"NBB-CBSO-Subscription-Key": key, "X-Request-Id": str(uuid.uuid4())}
    assert client.get(NOTHING_FILED, headers=headers).json() == []
    keeper = Housekeeping(services)
    now = datetime.now(UTC)
    assert run(keeper.run_once(now=now)).tenants_expired == 0  # both younger than an hour

    # an hour later: `used` was journaled within the idle time (its mark lasts an hour in the store)
    later = now + timedelta(seconds=3601)
    assert run(keeper.expire_idle_tenants(later)) == 1
    assert client.get(f"/__sandbox/tenants/{idle['id']}").status_code == 404
    assert client.get(f"/__sandbox/tenants/{used['id']}").status_code == 200
    assert client.get("/__sandbox/tenants/demo").status_code == 200

    run(services.store.delete(keys.tenant_active(used["id"])))  # the mark's hour has passed
    assert run(keeper.expire_idle_tenants(later)) == 1
    assert client.get(NOTHING_FILED, headers=headers).status_code == 401
    assert [t["id"] for t in client.get("/__sandbox/tenants").json()] == ["demo"]


def test_idle_expiry_can_be_switched_off():
    client = make_client(tenant_idle=0)
    client.post("/__sandbox/tenants", json={})
    services = client.app.state.services
    later = datetime.now(UTC) + timedelta(days=365)
    assert run(Housekeeping(services).run_once(now=later)).tenants_expired == 0
    assert len(client.get("/__sandbox/tenants").json()) == 2


def test_housekeeping_runs_while_the_app_is_served(monkeypatch):
    rounds = []

    async def counted(self, *, now=None):
        rounds.append(now)
        return housekeeping.Round()

    monkeypatch.setattr(housekeeping, "EVERY", 0.01)
    monkeypatch.setattr(Housekeeping, "run_once", counted)
    with make_client() as client:
        assert client.get("/__sandbox/tenants").status_code == 200
        deadline = datetime.now(UTC) + timedelta(seconds=5)
        while not rounds and datetime.now(UTC) < deadline:
            client.get("/__sandbox/tenants")
    assert rounds


@pytest.mark.parametrize(
    ("text", "size"), [("1073741824", 2**30), ("512M", 512 * 2**20), ("2g", 2 * 2**30), ("64KiB", None)]
)
def test_memory_sizes_are_bytes_or_binary_units(text, size):
    if size is None:
        with pytest.raises(ValueError, match="not a size"):
            parse_size(text)
    else:
        assert parse_size(text) == size


def test_the_budget_and_the_idle_time_are_settings():
    settings = Settings.from_env({"SANDBOX_MAX_MEMORY": "256M", "SANDBOX_TENANT_IDLE": "600"})
    assert (settings.max_memory, settings.tenant_idle) == (256 * 2**20, 600)
    assert Settings().max_memory == 2**30 and Settings().tenant_idle == 86400
    journal_budget = make_client(max_memory=64 * 2**20).app.state.services.store.max_log_bytes
    assert journal_budget == 16 * 2**20
