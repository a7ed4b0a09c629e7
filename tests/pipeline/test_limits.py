"""Bad and oversized input is refused with a 4xx in the API's own shape, never a 500, and an
oversized body is refused before the sandbox reads it."""

import asyncio

import pytest

from sandbox.errors import ApiError
from sandbox.pipeline.limits import BoundedReceive
from sandbox.runtime.journal import BODY_LIMIT, journaled_body
from tests.conftest import make_client

NBB = {"NBB-CBSO-Subscription-Key": "demo-authentic"}
REFERENCES = "/nbb/authentic/legalEntity/0403019261/references"


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.mark.parametrize("after", ["9" * 5000, "٢٠٢٤", str(2**63), str(-(2**63) - 1)])
def test_integers_beyond_64_bits_or_in_other_digits_are_a_400(client, after):
    r = client.get("/__sandbox/journal", params={"after": after})
    assert r.status_code == 400
    assert r.json()["violations"] == [{"field": "after", "rule": "type", "message": "must be an integer"}]


def test_the_largest_64_bit_integer_is_taken(client):
    assert client.get("/__sandbox/journal", params={"after": str(2**63 - 1)}).status_code == 200


def test_json_nested_a_thousand_deep_is_a_400(client):
    r = client.post(
        "/__sandbox/tenants", content=b"[" * 1000 + b"]" * 1000, headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["violations"][0]["rule"] == "depth"


def test_a_request_id_that_is_not_ascii_is_a_400_in_nbbs_shape(client):
    r = client.get(REFERENCES, headers={**NBB, "X-Request-Id": b"\xff\xfe"})
    assert r.status_code == 400
    assert r.json()["violations"][0]["field"] == "X-Request-Id"
    assert r.headers["X-Request-Id"].isascii()


def test_an_oversized_body_is_a_413_in_the_apis_shape(client):
    body = b'{"client_secret": "' + b"a" * (11 * 2**20) + b'"}'
    r = client.post("/oauth2/connect/token", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {
        "error": "request_too_large",
        "error_description": "The request body is larger than the sandbox takes (10485760 bytes)",
    }


def test_oversized_headers_are_a_431_and_a_long_request_line_a_414(client):
    headers = client.get(REFERENCES, headers={**NBB, "X-Big": "a" * 20000})
    line = client.get(REFERENCES + "?x=" + "a" * 9000, headers=NBB)
    assert (headers.status_code, line.status_code) == (431, 414)
    assert headers.json()["title"] == "Request Header Fields Too Large"
    assert line.json()["title"] == "URI Too Long"


def _code(api: str, body: dict) -> str:
    """Where each API's error body carries its code."""
    if api == "nbb":
        return body["violations"][0]["messageKey"]
    if api == "informat":
        return body["errors"][0]["code"]
    if api == "accounting":
        return body["error"]["code"]
    if api == "fod":
        return body["code"]
    if api == "identity":
        return body["error"]
    if api == "codabox-connect":
        return body["errors"][0]["code"]
    return body["detail"]


# Each API's path, and its codes for a too large body (413), request line (414) and headers (431).
SIZE_CODES = {
    "nbb": (REFERENCES, "request.body.too.large", "request.uri.too.long", "request.headers.too.large"),
    "informat": ("/informat/leerlingen/1/preregistrations/save", "BR000L", "BR000U", "BR000H"),
    "accounting": ("/accounting/api/v1/1/contacts", "body_too_large", "uri_too_long", "headers_too_large"),
    "fod": ("/fod/intervat/vat-returns", "request_too_large", "uri_too_long", "headers_too_large"),
    "identity": ("/oauth2/token", "request_too_large", "uri_too_long", "headers_too_large"),
    "codabox-connect": (
        "/codabox-connect/accounting-office-consents",
        "requestTooLarge",
        "uriTooLong",
        "headersTooLarge",
    ),
}


@pytest.mark.parametrize("api", sorted(SIZE_CODES))
def test_each_api_refuses_what_is_too_large_with_its_own_code(client, api):
    path, body_code, line_code, headers_code = SIZE_CODES[api]
    too_long = client.get(path + "?x=" + "a" * 9000)
    too_many_headers = client.get(path, headers={"X-Big": "a" * 20000})
    too_large = client.post(
        path, content=b"{}", headers={"content-type": "application/json", "content-length": str(30 * 2**20)}
    )
    assert (too_long.status_code, _code(api, too_long.json())) == (414, line_code)
    assert (too_many_headers.status_code, _code(api, too_many_headers.json())) == (431, headers_code)
    if too_large.status_code != 405:  # an operation that takes no POST says so first
        assert (too_large.status_code, _code(api, too_large.json())) == (413, body_code)
    assert "16384 bytes" in str(too_many_headers.json())


def test_codabox_says_what_is_too_large_in_its_detail(client):
    answer = client.get("/codabox/v2/delivery/pod-client/", headers={"X-Big": "a" * 20000})
    assert answer.status_code == 431
    assert answer.json() == {"detail": "The header section is larger than the sandbox takes (16384 bytes)"}


def test_intervat_takes_a_body_past_the_general_limit_up_to_its_own(client):
    large = b"<x/>" + b" " * (12 * 2**20)
    answer = client.post(
        "/fod/intervat/vat-returns", content=large, headers={"content-type": "application/xml"}
    )
    assert answer.status_code != 413
    larger = client.post(
        "/fod/intervat/vat-returns",
        content=b"",
        headers={"content-type": "application/xml", "content-length": str(22 * 2**20)},
    )
    assert (larger.status_code, larger.json()["code"]) == (413, "request_too_large")


def test_a_body_without_length_is_cut_off_once_past_the_limit():
    sent = [{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 3
    calls = iter(sent)

    async def receive():
        return next(calls)

    receiver = BoundedReceive(receive, {"headers": []}, 1000)
    asyncio.run(receiver())
    with pytest.raises(ApiError) as refused:
        asyncio.run(receiver())
    assert refused.value.problem.status == 413 and receiver.received == 1200


def test_the_journal_reads_only_what_it_keeps_and_keeps_no_secret_prefix():
    secret = "s" * (5 * 2**20)
    kept = journaled_body(
        ('{"pad": "' + "p" * (BODY_LIMIT - 100) + '", "client_secret": "' + secret + '"}').encode(),
        "application/json",
    )
    assert len(kept) <= BODY_LIMIT + 3 and "sss" not in kept and "[redacted:" in kept
    form = journaled_body(("client_secret=" + secret + "&a=b").encode(), "application/x-www-form-urlencoded")
    assert list(form) == ["client_secret"] and form["client_secret"].startswith("[redacted:")
