"""What each process keeps between requests (credentials, clocks, rate limits, faults, and the
answers of handlers declared pure) is forgotten as soon as anything changes, through any process
that shares the store: two apps on one store here are two processes, each with its own memory."""

from __future__ import annotations

import pytest
import redis

from tests.conftest import make_client

REFERENCES = "/nbb/authentic/legalEntity/0000000493/references"


@pytest.fixture(params=["sqlite", "redis"])
def two_processes(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sandbox.db'}"
    else:
        url = request.getfixturevalue("redis_url")
        with redis.Redis.from_url(url) as client:
            client.flushdb()
    with make_client(store=url) as one, make_client(store=url) as other:
        yield one, other


def nbb_key(tenant: dict) -> dict[str, str]:
    secret = tenant["credentials"]["nbb-cbso"]["authenticKey"]["secret"]
    return {"NBB-CBSO-Subscription-Key": secret}


def test_a_kept_answer_is_byte_for_byte_the_answer_made_anew():
    with make_client() as client:
        key = {"NBB-CBSO-Subscription-Key": "demo-authentic"}
        made = client.get(REFERENCES, headers=key)
        kept = client.get(REFERENCES, headers=key)
        assert client.app.state.services.store.cache.answers_kept == 1
        assert made.status_code == kept.status_code == 200
        assert kept.content == made.content and len(made.json()) == 28
        plain = {"content-type", "content-length"}
        assert [(k, v) for k, v in kept.headers.items() if k in plain] == [
            (k, v) for k, v in made.headers.items() if k in plain
        ]
        journal = client.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]
        assert journal[-1]["response"]["body"] == journal[-2]["response"]["body"]
        assert journal[-1]["response"]["body"].startswith('[{"ReferenceNumber":')


def test_a_reset_forgets_the_kept_answers():
    with make_client() as client:
        tenant = client.post("/__sandbox/tenants", json={"name": "kept"}).json()
        assert client.get(REFERENCES, headers=nbb_key(tenant)).status_code == 200
        cache = client.app.state.services.store.cache
        assert cache.answers_kept == 1
        assert client.post(f"/__sandbox/tenants/{tenant['id']}/reset").status_code == 200
        assert cache.answers_kept == 0


def test_a_change_through_one_process_holds_on_the_other_at_its_next_request(two_processes):
    one, other = two_processes
    tenant = one.post("/__sandbox/tenants", json={"name": "shared"}).json()
    tid, key = tenant["id"], nbb_key(tenant)
    first = other.get(REFERENCES, headers=key)
    assert first.status_code == 200 and first.headers["ratelimit-limit"] == "1200"
    assert max(deposit["DepositDate"] for deposit in first.json()) > "2020-06-01"

    # a rate-limit change
    one.put(f"/__sandbox/tenants/{tid}/rate-limits", json={"nbb-cbso": {"requests": 50, "window": 3600}})
    assert other.get(REFERENCES, headers=key).headers["ratelimit-limit"] == "50"

    # a fault, spent by the process that meets it
    one.post(f"/__sandbox/tenants/{tid}/faults", json={"kind": "status", "status": 503, "count": 1})
    assert other.get(REFERENCES, headers=key).status_code == 503
    assert one.get(REFERENCES, headers=key).content == first.content

    # a clock change: the other answers by the new day, not from what it kept
    one.put(f"/__sandbox/tenants/{tid}/clock", json={"now": "2020-06-01T10:00:00Z", "frozen": True})
    earlier = other.get(REFERENCES, headers=key)
    assert earlier.status_code == 200 and len(earlier.json()) < len(first.json())
    assert all(deposit["DepositDate"] <= "2020-06-01" for deposit in earlier.json())

    # a reset: the clock is the sandbox's again, and so is the answer
    one.post(f"/__sandbox/tenants/{tid}/reset")
    assert other.get(REFERENCES, headers=key).content == first.content

    # a deleted tenant's key opens nothing, on either
    one.delete(f"/__sandbox/tenants/{tid}")
    assert other.get(REFERENCES, headers=key).status_code == 401


def test_a_request_judged_on_what_a_process_kept_before_a_change_is_judged_again_and_counted_once(
    two_processes,
):
    one, other = two_processes
    tenant = one.post("/__sandbox/tenants", json={"name": "counted"}).json()
    tid, key = tenant["id"], nbb_key(tenant)
    limits = f"/__sandbox/tenants/{tid}/rate-limits"
    one.put(limits, json={"nbb-cbso": {"requests": 500, "window": 86400}})  # one window for the test
    first = other.get(REFERENCES, headers=key)  # its first request: nothing kept yet
    assert (first.headers["ratelimit-limit"], first.headers["ratelimit-remaining"]) == ("500", "499")

    one.put(limits, json={"nbb-cbso": {"requests": 100}})
    # judged first on the kept limit of 500, then on 100; counted once, in the same window
    again = other.get(REFERENCES, headers=key)
    assert (again.headers["ratelimit-limit"], again.headers["ratelimit-remaining"]) == ("100", "98")
    assert again.content == first.content
    assert one.get(REFERENCES, headers=key).headers["ratelimit-remaining"] == "97"
    entries = one.get("/__sandbox/journal", params={"tenant": tid}).json()["entries"]
    assert [entry["status"] for entry in entries] == [200, 200, 200]


def test_a_credential_added_through_one_process_opens_the_other_though_it_kept_none(two_processes):
    one, other = two_processes
    tenant = one.post("/__sandbox/tenants", json={"name": "added"}).json()
    key = {"NBB-CBSO-Subscription-Key": "added-later"}
    refused = other.get(REFERENCES, headers=key)
    assert refused.status_code == 401  # and the process keeps that the key opens nothing
    register = one.app.state.services.tenants.register_credential
    one.portal.call(register, "nbb-cbso", "authenticKey", "added-later", tenant["id"])
    # refused on what it kept, then judged again on what the store holds
    answer = other.get(REFERENCES, headers=key)
    assert answer.status_code == 200 and answer.headers["ratelimit-remaining"] == "1199"
    entries = other.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
    assert [(entry["status"], entry["path"]) for entry in entries] == [(200, REFERENCES)]


def test_the_journal_read_right_after_a_request_holds_it(two_processes):
    one, other = two_processes
    tenant = one.post("/__sandbox/tenants", json={"name": "journaled"}).json()
    for sent in range(1, 6):
        assert one.get(REFERENCES, headers=nbb_key(tenant)).status_code == 200
        entries = other.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
        assert len(entries) == sent and entries[-1]["path"] == REFERENCES


# what differs from one run to the next: a fresh request id, the seconds left in the window
MOMENT_HEADERS = ("x-request-id", "ratelimit-reset")


def _journal_of_three_exchanges(served, reader) -> list[dict]:
    key = {"NBB-CBSO-Subscription-Key": "demo-authentic"}
    served.get(REFERENCES, headers=key)
    served.get(REFERENCES + "?key=left-out", headers=key)  # a kept answer, and a secret in the query
    refused = {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "wrong"}
    assert served.post("/oauth2/connect/token", data=refused).status_code == 401
    entries = []
    for tenant in ("demo", "unattributed"):
        for entry in reader.get("/__sandbox/journal", params={"tenant": tenant}).json()["entries"]:
            del entry["time"], entry["durationMs"]
            for side in ("request", "response"):
                entry[side]["headers"] = [h for h in entry[side]["headers"] if h[0] not in MOMENT_HEADERS]
            entries.append(entry)
    return entries


def test_the_journal_read_through_another_process_is_what_the_memory_store_makes(two_processes):
    # a shared store keeps what an entry is made of, and the process that reads makes the entry
    with make_client() as alone:
        made_alone = _journal_of_three_exchanges(alone, alone)
    one, other = two_processes
    made_elsewhere = _journal_of_three_exchanges(one, other)
    assert len(made_alone) == 3 and made_elsewhere == made_alone
    assert made_alone[-1]["request"]["body"]["client_secret"].startswith("[redacted:")
    assert made_alone[1]["query"][0][1].startswith("[redacted:")


def test_on_the_memory_store_the_journal_read_after_requests_holds_them_and_a_reset_forgets_them():
    with make_client() as client:
        tenant = client.post("/__sandbox/tenants", json={"name": "later"}).json()
        for _ in range(3):
            assert client.get(REFERENCES, headers=nbb_key(tenant)).status_code == 200
        entries = client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"]
        assert [e["seq"] for e in entries] == [1, 2, 3] and entries[-1]["path"] == REFERENCES
        assert client.get(REFERENCES, headers=nbb_key(tenant)).status_code == 200  # one still to be made
        assert client.post(f"/__sandbox/tenants/{tenant['id']}/reset").status_code == 200
        assert client.get("/__sandbox/journal", params={"tenant": tenant["id"]}).json()["entries"] == []
