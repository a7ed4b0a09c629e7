"""Tenants, isolation, rate limits, faults and the journal, through the control plane."""

import asyncio
import io
import json
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from sandbox.app import build_app
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings
from tests.conftest import DEFAULT_NOW, make_client

COMPANY = "0403019261"
REFS = f"/nbb/authentic/legalEntity/{COMPANY}/references"


def new_tenant(client, **body):
    r = client.post("/__sandbox/tenants", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def nbb_key(tenant, product="authenticKey"):
    credential = tenant["credentials"]["nbb-cbso"][product]
    return {credential["name"]: credential["secret"]}


# -- tenants ------------------------------------------------------------------------------------
def test_new_tenant_gets_credentials_for_every_api():
    client = make_client()
    tenant = new_tenant(client, name="CI job 17")
    assert tenant["name"] == "CI job 17" and tenant["id"].startswith("t-")
    nbb = tenant["credentials"]["nbb-cbso"]
    assert set(nbb) == {
        "authenticKey",
        "extractsKey",
        "authenticArchiveKey",
        "improvedKey",
        "improvedArchiveKey",
    }
    assert len({c["secret"] for c in nbb.values()}) == 5
    assert tenant["credentials"]["oauth2"]["client"]["client_secret"]
    # a magic company that files in every tenant's world, so its list is never empty
    refs = "/nbb/authentic/legalEntity/0000000592/references"
    r = client.get(refs, headers=nbb_key(tenant))
    assert r.status_code == 200 and r.json()[0]["EnterpriseNumber"] == "0000000592"
    assert client.get(refs, headers=nbb_key(tenant, "extractsKey")).status_code == 401


def test_tenant_worlds_differ_and_the_demo_tenant_keeps_its_own():
    client = make_client()
    a, b = new_tenant(client), new_tenant(client)
    demo = client.get(REFS, headers={"NBB-CBSO-Subscription-Key": "demo-authentic"}).json()
    first = client.get(REFS, headers=nbb_key(a)).json()
    second = client.get(REFS, headers=nbb_key(b)).json()
    services = client.app.state.services
    nbb = services.api("nbb-cbso")
    # a company may have filed nothing in one tenant's world (two empty lists are equal), but
    # its name and filings together tell the worlds apart
    names = [services.worlds.get(nbb, t).company(COMPANY).name for t in (a["id"], b["id"], "demo")]
    assert (names[0], first) != (names[1], second) and (names[0], first) != (names[2], demo)
    assert client.get(REFS, headers=nbb_key(a)).json() == first  # but stable


def test_deleted_tenant_loses_credentials_and_state():
    client = make_client()
    tenant = new_tenant(client)
    client.get(REFS, headers=nbb_key(tenant))
    assert client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
    assert client.delete(f"/__sandbox/tenants/{tenant['id']}").status_code == 204
    assert client.get(REFS, headers=nbb_key(tenant)).status_code == 401
    assert client.get(f"/__sandbox/tenants/{tenant['id']}").status_code == 404
    assert client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).status_code == 404
    assert client.delete(f"/__sandbox/tenants/{tenant['id']}").status_code == 404


def test_demo_tenant_cannot_be_deleted():
    client = make_client()
    r = client.delete("/__sandbox/tenants/demo")
    assert r.status_code == 400 and "reset it instead" in r.json()["detail"]


def test_unknown_scopes_are_refused():
    r = make_client().post("/__sandbox/tenants", json={"scopes": ["no.such.scope"]})
    assert r.status_code == 400
    assert r.json()["violations"][0]["message"] == "is not a scope any API declares: no.such.scope"


def test_many_tenants_in_parallel_never_see_each_other():
    app = build_app(Settings(strict=True, now=parse_instant(DEFAULT_NOW), frozen=True))

    async def one_job(n: int):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            tenant = (await c.post("/__sandbox/tenants", json={"name": f"job {n}"})).json()
            headers = nbb_key(tenant)
            await c.put(
                f"/__sandbox/tenants/{tenant['id']}/clock", json={"now": f"20{10 + n}-06-01T10:00:00Z"}
            )
            for _ in range(3):
                assert (await c.get(REFS, headers=headers)).status_code == 200
            journal = (await c.get("/__sandbox/journal", params={"tenant": tenant["id"]})).json()["entries"]
            clock = (await c.get(f"/__sandbox/tenants/{tenant['id']}/clock")).json()
            return tenant["id"], journal, clock

    async def all_jobs():
        return await asyncio.gather(*(one_job(n) for n in range(12)))

    results = asyncio.run(all_jobs())
    assert len({tenant_id for tenant_id, _, _ in results}) == 12
    for n, (_, journal, clock) in enumerate(results):
        assert len(journal) == 3 and all(e["path"] == REFS for e in journal)
        assert clock["now"].startswith(f"20{10 + n}-06-01")


# -- rate limits --------------------------------------------------------------------------------
def test_every_answer_says_how_much_room_is_left():
    client = make_client()
    tenant = new_tenant(client)
    client.put(
        f"/__sandbox/tenants/{tenant['id']}/rate-limits", json={"nbb-cbso": {"requests": 3, "window": 60}}
    )
    seen = [client.get(REFS, headers=nbb_key(tenant)) for _ in range(4)]
    assert [r.status_code for r in seen] == [200, 200, 200, 429]
    assert [r.headers["ratelimit-remaining"] for r in seen] == ["2", "1", "0", "0"]
    assert all(
        r.headers["ratelimit-limit"] == "3" and r.headers["ratelimit-policy"] == "3;w=60" for r in seen
    )
    refused = seen[-1]
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60 and int(refused.headers["ratelimit-reset"]) == retry_after
    assert refused.json() == {
        "statusCode": 429,
        "message": f"Rate limit is exceeded. Try again in {retry_after} seconds.",
    }


def test_retry_after_is_honest():
    client = make_client()
    tenant = new_tenant(client)
    client.put(
        f"/__sandbox/tenants/{tenant['id']}/rate-limits", json={"nbb-cbso": {"requests": 1, "window": 1}}
    )
    for _ in range(10):  # on a busy machine a one-second window may turn between two calls
        refused = client.get(REFS, headers=nbb_key(tenant))
        if refused.status_code == 429:
            break
    assert refused.status_code == 429
    time.sleep(int(refused.headers["retry-after"]))
    assert client.get(REFS, headers=nbb_key(tenant)).status_code == 200


def test_limits_are_per_tenant_and_validated():
    client = make_client()
    a, b = new_tenant(client), new_tenant(client)
    client.put(f"/__sandbox/tenants/{a['id']}/rate-limits", json={"nbb-cbso": {"requests": 1}})
    client.get(REFS, headers=nbb_key(a))
    assert client.get(REFS, headers=nbb_key(a)).status_code == 429
    assert client.get(REFS, headers=nbb_key(b)).status_code == 200
    limits = client.get(f"/__sandbox/tenants/{a['id']}/rate-limits").json()
    assert limits["nbb-cbso"] == {"requests": 1, "window": 60}
    bad = client.put(f"/__sandbox/tenants/{a['id']}/rate-limits", json={"nope": {"requests": 1}})
    assert bad.status_code == 400 and bad.json()["violations"][0]["field"] == "nope"
    zero = client.put(f"/__sandbox/tenants/{a['id']}/rate-limits", json={"nbb-cbso": {"requests": 0}})
    assert zero.status_code == 400 and zero.json()["violations"][0]["rule"] == "minimum"


# -- faults --------------------------------------------------------------------------------------
def add_fault(client, tenant, **body):
    r = client.post(f"/__sandbox/tenants/{tenant['id']}/faults", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_status_fault_for_the_next_calls_only():
    client = make_client()
    tenant = new_tenant(client)
    add_fault(
        client,
        tenant,
        kind="status",
        status=503,
        count=2,
        api="nbb-cbso",
        operationId="getReferencesByLegalEntity",
    )
    answers = [client.get(REFS, headers=nbb_key(tenant)) for _ in range(3)]
    assert [r.status_code for r in answers] == [503, 503, 200]
    assert answers[0].headers["retry-after"] == "1"
    assert answers[0].json()["detail"] == "A fault switched on for this tenant answered this call"
    other = client.get("/nbb/authentic/deposit/2024-99999999/reference", headers=nbb_key(tenant))
    assert other.status_code == 404  # another operation is untouched


def test_latency_fault_delays_the_answer():
    client = make_client()
    tenant = new_tenant(client)
    add_fault(client, tenant, kind="latency", latencyMs=300)
    started = time.perf_counter()
    assert client.get(REFS, headers=nbb_key(tenant)).status_code == 200
    assert time.perf_counter() - started >= 0.3
    journal = client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
    assert journal[-1]["fault"] == "latency" and journal[-1]["durationMs"] >= 300


def test_malformed_fault_cuts_the_body():
    client = make_client()
    tenant = new_tenant(client)
    # a magic company that files in every tenant's world, so the whole answer is a non-empty list
    refs = "/nbb/authentic/legalEntity/0000000592/references"
    add_fault(client, tenant, kind="malformed", count=1)
    broken = client.get(refs, headers=nbb_key(tenant))
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.content)
    whole = client.get(refs, headers=nbb_key(tenant))
    assert whole.json() and whole.content.startswith(broken.content)


def test_faults_are_listed_removed_and_validated():
    client = make_client()
    tenant = new_tenant(client)
    base = f"/__sandbox/tenants/{tenant['id']}/faults"
    fault = add_fault(client, tenant, kind="status", status=500)
    assert [f["id"] for f in client.get(base).json()] == [fault["id"]]
    assert client.delete(f"{base}/{fault['id']}").status_code == 204
    assert client.delete(f"{base}/{fault['id']}").status_code == 404
    assert client.get(REFS, headers=nbb_key(tenant)).status_code == 200
    bad = client.post(base, json={"kind": "status", "api": "nbb-cbso", "operationId": "nothing"})
    assert bad.status_code == 400 and bad.json()["violations"][0]["field"] == "operationId"
    bad = client.post(base, json={"kind": "explode"})
    assert bad.status_code == 400 and bad.json()["violations"][0]["rule"] == "enum"
    add_fault(client, tenant, kind="status", status=500)
    assert client.delete(base).status_code == 204 and client.get(base).json() == []


def test_other_tenants_do_not_feel_a_fault():
    client = make_client()
    a, b = new_tenant(client), new_tenant(client)
    add_fault(client, a, kind="status", status=500)
    assert client.get(REFS, headers=nbb_key(a)).status_code == 500
    assert client.get(REFS, headers=nbb_key(b)).status_code == 200


@pytest.fixture
def live_server():
    """The sandbox on a real socket, for what a test client cannot show (a dropped connection)."""
    app = build_app(Settings(now=parse_instant(DEFAULT_NOW), frozen=True))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def test_drop_fault_closes_the_connection_half_way(live_server):
    with httpx.Client(base_url=live_server, timeout=5) as client:
        tenant = new_tenant(client)
        add_fault(client, tenant, kind="drop", count=1)
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(REFS, headers=nbb_key(tenant))
        assert client.get(REFS, headers=nbb_key(tenant)).status_code == 200
        journal = client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
        assert [(e["status"], e["fault"]) for e in journal] == [(0, "drop"), (200, None)]


# -- the journal -------------------------------------------------------------------------------------
def test_journal_records_exchanges_with_secrets_redacted():
    client = make_client()
    tenant = new_tenant(client)
    key = nbb_key(tenant)
    client.get(REFS, headers={**key, "X-Request-Id": "5f0c6b36-3f76-4a52-9d0c-3f0ad9e4a9a1"})
    client.get(REFS + "?year=abc", headers=key)
    entries = client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
    assert [(e["operationId"], e["status"]) for e in entries] == [
        ("getReferencesByLegalEntity", 200),
        ("getReferencesByLegalEntity", 400),
    ]
    secret = next(iter(key.values()))
    assert secret not in json.dumps(entries)
    headers = dict(entries[0]["request"]["headers"])
    assert headers["nbb-cbso-subscription-key"].startswith("[redacted:")
    assert headers["x-request-id"] == "5f0c6b36-3f76-4a52-9d0c-3f0ad9e4a9a1"
    assert entries[1]["query"] == [["year", "abc"]]
    assert "violations" in entries[1]["response"]["body"]
    assert entries[0]["durationMs"] >= 0 and entries[0]["seq"] < entries[1]["seq"]


def test_journal_filters():
    client = make_client()
    tenant = new_tenant(client)
    key = nbb_key(tenant)
    client.get(REFS, headers=key)
    client.get("/nbb/authentic/deposit/2024-99999999/reference", headers=key)
    base = {"tenant": tenant["id"]}
    read = lambda **q: client.get("/__sandbox/journal", params={**base, **q}).json()["entries"]  # noqa: E731
    assert [e["status"] for e in read(status=404)] == [404]
    assert [e["operationId"] for e in read(operation="getReferencesByLegalEntity")] == [
        "getReferencesByLegalEntity"
    ]
    assert len(read(api="nbb-cbso")) == 2 and read(api="sandbox") == []
    first = read()[0]
    assert [e["seq"] for e in read(after=first["seq"])] == [first["seq"] + 1]
    assert read(since="2999-01-01T00:00:00Z") == [] and len(read(until="2999-01-01T00:00:00Z")) == 2


def test_unattributed_exchanges_are_kept_apart():
    client = make_client()
    client.get(REFS, headers={"NBB-CBSO-Subscription-Key": "not-a-key"})
    entries = client.get("/__sandbox/journal", params={"tenant": "unattributed"}).json()["entries"]
    assert entries[-1]["status"] == 401


def test_journal_is_bounded():
    client = make_client(journal_size=5)
    for _ in range(8):
        client.get(REFS, headers={"NBB-CBSO-Subscription-Key": "demo-authentic"})
    entries = client.get("/__sandbox/journal").json()["entries"]
    assert [e["seq"] for e in entries] == [4, 5, 6, 7, 8]


def test_journal_stream_follows_live(live_server):
    with httpx.Client(base_url=live_server, timeout=10) as client:
        tenant = new_tenant(client)
        events = []

        def follow():
            with client.stream(
                "GET", "/__sandbox/journal/stream", params={"tenant": tenant["id"], "seconds": 2}
            ) as r:
                assert r.headers["content-type"].startswith("text/event-stream")
                events.extend(line for line in r.iter_lines() if line.startswith("data: "))

        follower = threading.Thread(target=follow)
        follower.start()
        time.sleep(0.3)
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda _: client.get(REFS, headers=nbb_key(tenant)), range(3)))
        follower.join()
        assert len(events) == 3
        assert {json.loads(e[6:])["operationId"] for e in events} == {"getReferencesByLegalEntity"}


def test_reset_forgets_state_but_keeps_credentials():
    client = make_client()
    tenant = new_tenant(client)
    base = f"/__sandbox/tenants/{tenant['id']}"
    client.get(REFS, headers=nbb_key(tenant))
    add_fault(client, tenant, kind="status", status=500)
    client.put(f"{base}/clock", json={"now": "2030-01-01T00:00:00Z"})
    assert client.post(f"{base}/reset").status_code == 200
    assert client.get(f"{base}/faults").json() == []
    assert client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"] == []
    assert client.get(f"{base}/clock").json()["now"].startswith("2026-11-17")
    assert client.get(REFS, headers=nbb_key(tenant)).status_code == 200


def test_tenant_clock_moves_its_own_time_rules():
    client = make_client()
    tenant = new_tenant(client)
    key = nbb_key(tenant, "extractsKey")
    day = "/nbb/extracts/batch/2026-11-17/references"
    assert client.get(day, headers=key).status_code == 400
    client.put(f"/__sandbox/tenants/{tenant['id']}/clock", json={"now": "2026-11-18T09:00:00Z"})
    r = client.get(day, headers=key)
    assert r.status_code == 200 and zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert client.get(day, headers={"NBB-CBSO-Subscription-Key": "demo-extracts"}).status_code == 400


# -- admin token ----------------------------------------------------------------------------------
def test_control_plane_needs_the_admin_token_once_one_is_set():
    client = make_client(admin_token="s3cret-admin")
    assert client.get("/__sandbox/tenants").status_code == 401
    assert client.get("/__sandbox/tenants", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/__sandbox/tenants", headers={"Authorization": "Bearer s3cret-admin"})
    assert ok.status_code == 200 and {t["id"] for t in ok.json()} == {"demo"}
    r = client.get(REFS, headers={"NBB-CBSO-Subscription-Key": "demo-authentic"})
    assert r.status_code == 200  # the emulated APIs do not ask for it


def test_authorization_code_in_a_redirect_is_redacted():
    from sandbox.runtime.journal import redact_header

    redacted = redact_header("location", "https://app.test/cb?code=abc123&state=xyz")
    assert "abc123" not in redacted and "state=xyz" in redacted and "code=%5Bredacted%3A" in redacted


def test_json_secrets_are_redacted_whatever_their_case_and_depth():
    from sandbox.runtime.journal import redact_json

    raw = (
        b'{"Access_Token": "a1", "nested": {"refresh_token": "r1", "messageKey": "x.y"}, '
        b'"client_secret": "s1"}'
    )
    redacted = json.loads(redact_json(raw))
    assert not {"a1", "r1", "s1"} & {
        redacted["Access_Token"],
        redacted["nested"]["refresh_token"],
        redacted["client_secret"],
    }
    assert redacted["client_secret"].startswith("[redacted:")
    assert redacted["nested"]["messageKey"] == "x.y"  # a message key is no secret
    plain = b'{"ReferenceNumber": "2024-00000001"}'
    assert redact_json(plain) is plain


def test_every_secret_word_is_looked_for():
    from sandbox.runtime.journal import _GROUPS, _SECRET_WORDS, _names_secret

    assert {word for group in _GROUPS.values() for word in group} == set(_SECRET_WORDS)
    for word in _SECRET_WORDS:
        assert _names_secret(b'{"x": 1, ' + word.upper() + b": 2}")


@pytest.mark.parametrize("secret_at", [0, 2000, 2040, 2045, 2060, 5000])
@pytest.mark.parametrize("filler", ["a", "é"])
def test_a_long_json_body_is_journaled_redacted_and_cut_wherever_its_secret_lies(secret_at, filler):
    from sandbox.runtime.journal import BODY_LIMIT, journaled_body, redact_json

    raw = (
        '{"pad": "' + filler * secret_at + '", "Subscription-Key": "k-123456", "tail": "' + "z" * 3000 + '"}'
    ).encode()
    kept = journaled_body(raw, "application/json")
    assert kept == redact_json(raw).decode()[:BODY_LIMIT] + "..."
    assert "k-123456" not in kept
