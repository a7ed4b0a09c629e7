"""The rate limit: room left on every answer, 429 with Retry-After in the API's shape past it."""

from tests.pipeline.conftest import KEY


def test_every_answer_carries_the_room_left_and_past_the_limit_is_429(ledger):
    assert (
        ledger.put("/__sandbox/tenants/demo/rate-limits", json={"ledger": {"requests": 2}}).status_code == 200
    )
    first = ledger.get("/ledger/accounts", headers=KEY)
    second = ledger.get("/ledger/accounts", headers=KEY)
    third = ledger.get("/ledger/accounts", headers=KEY)
    assert (first.headers["ratelimit-remaining"], second.headers["ratelimit-remaining"]) == ("1", "0")
    assert first.headers["ratelimit-limit"] == "2" and first.headers["ratelimit-policy"] == "2;w=60"
    assert third.status_code == 429
    assert third.headers["content-type"] == "application/problem+json"
    assert int(third.headers["retry-after"]) >= 1
    assert third.json()["detail"].startswith("Rate limit is exceeded")


def test_operations_without_credentials_are_not_counted(ledger):
    ledger.put("/__sandbox/tenants/demo/rate-limits", json={"ledger": {"requests": 1}})
    for _ in range(3):
        r = ledger.get("/ledger/public")
        assert r.status_code == 204 and "ratelimit-limit" not in r.headers


def test_the_control_plane_is_not_rate_limited(ledger):
    answers = [ledger.get("/__sandbox/clock") for _ in range(3)]
    assert all(a.status_code == 200 and "ratelimit-limit" not in a.headers for a in answers)
