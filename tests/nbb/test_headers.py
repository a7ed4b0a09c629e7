"""Headers the real NBB service likely takes, or whose fate there is unknown: answered as the
gateway would, journaled, and reported by a contract check with its rule and source."""

import uuid

import pytest

from tests.conftest import make_client
from tests.nbb.conftest import key

REFERENCES = "/nbb/authentic/legalEntity/0058683911/references"


@pytest.fixture
def nbb():
    return make_client()


def journal(client) -> list[dict]:
    return client.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]


def verdict(client, name: str) -> dict:
    report = client.get("/__sandbox/tenants/demo/contracts").json()
    return next(c for c in report["checks"] if c["name"] == name)


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_an_empty_request_id_is_taken_as_absent_and_reported(nbb, blank):
    empty = nbb.get(REFERENCES, headers={**key("authentic"), "X-Request-Id": blank})
    assert empty.status_code == 200
    assert empty.content == nbb.get(REFERENCES, headers=key("authentic")).content
    assert uuid.UUID(empty.headers["x-request-id"]).version == 4  # one is made, as when none is sent
    assert [e.get("notes") for e in journal(nbb)] == [{"emptyHeaders": ["X-Request-Id"]}, None]
    found = verdict(nbb, "no_empty_optional_headers")
    assert found["outcome"] == "failed"
    assert found["findings"][0]["message"] == (
        "1 getReferencesByLegalEntity request(s) to nbb-cbso sent header 'X-Request-Id' empty; it was "
        "taken as absent"
    )


def test_a_request_id_that_is_no_uuid_is_still_refused(nbb):
    r = nbb.get(REFERENCES, headers={**key("authentic"), "X-Request-Id": "not-a-uuid"})
    assert r.status_code == 400
    assert r.json()["violations"][0]["field"] == "X-Request-Id"
    assert "notes" not in journal(nbb)[0]


def test_a_request_id_sent_twice_is_answered_with_the_first_and_reported(nbb):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    lines = [*key("authentic").items(), ("X-Request-Id", first), ("X-Request-Id", second)]
    r = nbb.get(REFERENCES, headers=lines)
    assert r.status_code == 200 and r.json()[0]["EnterpriseNumber"] == "0058683911"
    assert r.headers["x-request-id"] == first
    (entry,) = journal(nbb)
    assert [v for k, v in entry["request"]["headers"] if k == "x-request-id"] == [first, second]
    found = verdict(nbb, "single_headers_sent_once")
    assert found["outcome"] == "failed"
    assert found["findings"][0]["message"] == (
        "1 request(s) to nbb-cbso sent x-request-id in more than one field line; the sandbox read the "
        "first, production may read another or refuse the request"
    )


def test_a_subscription_key_sent_twice_is_reported_too(nbb):
    lines = [("NBB-CBSO-Subscription-Key", "demo-authentic"), ("NBB-CBSO-Subscription-Key", "demo-extracts")]
    assert nbb.get(REFERENCES, headers=lines).status_code == 200  # the first key is read
    message = verdict(nbb, "single_headers_sent_once")["findings"][0]["message"]
    assert message.startswith("1 request(s) to nbb-cbso sent nbb-cbso-subscription-key in more than one")


def test_a_default_python_urllib_user_agent_is_answered_and_reported(nbb):
    careful = nbb.get(REFERENCES, headers={**key("authentic"), "User-Agent": "acme-books/4.2"})
    assert verdict(nbb, "user_agent_accepted")["outcome"] == "passed"
    urllib = nbb.get(REFERENCES, headers={**key("authentic"), "User-Agent": "Python-urllib/3.11"})
    assert urllib.status_code == 200 and urllib.content == careful.content
    found = verdict(nbb, "user_agent_accepted")
    assert found["outcome"] == "failed"
    assert found["findings"][0]["message"].startswith(
        "1 request(s) to nbb-cbso sent User-Agent 'Python-urllib/3.11', which matches '^Python-urllib/': its "
        "gateway is reported to refuse it (inferred: apis/nbb-cbso.md §1"
    )
