"""Worlds: one per API family and tenant, in a bounded cache, dropped with their tenant; and the
memory of a sandbox that many short-lived CI tenants pass through."""

import gc
import resource
import uuid
from types import SimpleNamespace

import pytest

from sandbox.runtime.worlds import Worlds
from tests.conftest import make_client

REFS = "/nbb/authentic/legalEntity/0403019261/references"
NOTHING_FILED = "/nbb/authentic/legalEntity/0000000196/references"  # a magic company: cheap to answer


def fake_api(name: str, family: str | None = None):
    made = []

    def create_world(seed, tenant, fixture):
        made.append(tenant)
        return SimpleNamespace(seed=seed, tenant=tenant, fixture=fixture)

    package = SimpleNamespace(create_world=create_world)
    return SimpleNamespace(name=name, family=family or name, package=package, fixture={"size": 1}), made


def test_a_world_is_built_once_per_family_and_tenant():
    worlds = Worlds("seed")
    students, made = fake_api("informat-students", "informat")
    bills, _ = fake_api("informat-bills", "informat")
    bills.package = students.package
    first = worlds.get(students, "t-1")
    assert worlds.get(bills, "t-1") is first and made == ["t-1"]
    assert (first.seed, first.tenant, first.fixture) == ("seed", "t-1", {"size": 1})
    assert worlds.get(students, "t-2") is not first and len(worlds) == 2


def test_the_least_recently_used_world_goes_first_when_the_cache_is_full():
    worlds = Worlds("seed", capacity=2)
    api, made = fake_api("nbb")
    worlds.get(api, "a"), worlds.get(api, "b")
    worlds.get(api, "a")  # b is now the least recently used
    worlds.get(api, "c")
    assert len(worlds) == 2
    worlds.get(api, "a")
    worlds.get(api, "b")  # built again
    assert made == ["a", "b", "c", "b"]


def test_dropping_a_tenant_forgets_all_its_worlds():
    worlds = Worlds("seed")
    nbb, _ = fake_api("nbb")
    informat, _ = fake_api("informat")
    for tenant in ("a", "b"):
        worlds.get(nbb, tenant), worlds.get(informat, tenant)
    assert worlds.drop("a") == 2 and len(worlds) == 2 and worlds.drop("a") == 0


def test_a_cache_must_hold_a_world():
    with pytest.raises(ValueError):
        Worlds("seed", capacity=0)


def test_informat_specs_share_one_world_per_tenant(client):
    services = client.app.state.services
    families = {api.name: api.family for api in services.apis}
    assert (
        families["informat-students"]
        == families["informat-staff"]
        == families["informat-bills"]
        == "informat"
    )
    assert families["nbb-cbso"] == "nbb-cbso"
    worlds = {
        id(services.worlds.get(services.api(name), "demo"))
        for name in families
        if name.startswith("informat")
    }
    assert len(worlds) == 1


def test_reset_and_delete_drop_the_tenant_worlds(client):
    services = client.app.state.services
    tenant = client.post("/__sandbox/tenants", json={}).json()
    key = {"NBB-CBSO-Subscription-Key": tenant["credentials"]["nbb-cbso"]["authenticKey"]["secret"]}
    client.get(REFS, headers={**key, "X-Request-Id": str(uuid.uuid4())})
    assert ("nbb-cbso", tenant["id"]) in services.worlds._cache
    client.post(f"/__sandbox/tenants/{tenant['id']}/reset")
    assert ("nbb-cbso", tenant["id"]) not in services.worlds._cache
    client.get(REFS, headers={**key, "X-Request-Id": str(uuid.uuid4())})
    client.delete(f"/__sandbox/tenants/{tenant['id']}")
    assert ("nbb-cbso", tenant["id"]) not in services.worlds._cache


def resident_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def test_a_thousand_short_lived_tenants_leave_no_worlds_behind(capsys):
    client = make_client()
    services = client.app.state.services
    demo = {"NBB-CBSO-Subscription-Key": "demo-authentic", "X-Request-Id": str(uuid.uuid4())}
    assert client.get(NOTHING_FILED, headers=demo).json() == []
    gc.collect()
    worlds_before, rss_before = len(services.worlds), resident_kib()
    for _ in range(1000):
        tenant = client.post("/__sandbox/tenants", json={"tokenLifetime": 300}).json()
        credentials = tenant["credentials"]
        nbb_key = credentials["nbb-cbso"]["authenticKey"]["secret"]
        nbb_headers = {"NBB-CBSO-Subscription-Key": nbb_key, "X-Request-Id": str(uuid.uuid4())}
        assert client.get(NOTHING_FILED, headers=nbb_headers).json() == []
        oauth = credentials["oauth2"]["client"]
        form = {"grant_type": "client_credentials", "client_id": oauth["client_id"]}
        form.update(client_secret=oauth["client_secret"], scope="api_informat_rekeningen.SJC-Secundair")
        token = client.post("/oauth2/connect/token", data=form).json()["access_token"]
        groups = client.get(
            "/informat/rekeningen/1/accessgroups", headers={"Authorization": f"Bearer {token}"}
        )
        assert [g["name"] for g in groups.json()["accessGroups"]] == ["SJC-Secundair"]
        assert client.delete(f"/__sandbox/tenants/{tenant['id']}").status_code == 204
    gc.collect()
    worlds_after, rss_after = len(services.worlds), resident_kib()
    with capsys.disabled():
        print(
            f"\n1000 tenants: worlds {worlds_before} -> {worlds_after}, "
            f"RSS {rss_before / 1024:.1f} MiB -> {rss_after / 1024:.1f} MiB"
        )
    assert worlds_after == worlds_before
    assert rss_after - rss_before < 64 * 1024  # what is left is the journal-free store and allocator slack


def test_the_cache_size_is_a_setting():
    from sandbox.settings import Settings

    settings = Settings.from_env({"SANDBOX_WORLD_CACHE": "7"})
    assert settings.world_cache == 7
    assert make_client(world_cache=3).app.state.services.worlds.capacity == 3


def test_specs_of_one_family_must_build_their_world_alike(tmp_path):
    from sandbox.app import build_app
    from sandbox.settings import Settings
    from sandbox.spec.loader import SpecError

    specs, fixtures = tmp_path / "specs", tmp_path / "fixtures"
    specs.mkdir(), fixtures.mkdir()
    (fixtures / "one.yaml").write_text("size: 1\n")
    (fixtures / "two.yaml").write_text("size: 2\n")
    for name in ("one", "two"):
        (specs / f"{name}.yaml").write_text(
            "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n"
            f"x-sandbox: {{api: {name}, family: shared, fixture: {name}.yaml,"
            " handlers: tests.engine.archive_api}\n"
            "paths: {}\n"
        )
    with pytest.raises(SpecError, match=r"one\.yaml and .*two\.yaml are both of family 'shared'"):
        build_app(Settings(specs_dir=specs, fixtures_dir=fixtures))
