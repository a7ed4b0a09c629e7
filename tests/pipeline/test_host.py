"""The Host header as RFC 9112 §3.2 requires it: a request without one (HTTP/1.1), with two, or
with a value that is no host is answered 400 in the API's own shape, journaled with a note, and
reported by host_header_valid; an empty Host and an HTTP/1.0 request without one are served."""

import asyncio
import random
import socket

import orjson
import pytest

from sandbox.pipeline.host import PLAIN_HOST, valid, valid_by_rfc3986
from sandbox.runtime.clock import parse_instant
from sandbox.settings import Settings
from sandbox.testing import running_sandbox
from tests.conftest import DEFAULT_NOW, make_client

REFERENCES = "/nbb/authentic/legalEntity/0403019261/references"
KEY = (b"nbb-cbso-subscription-key", b"demo-authentic")


def call(client, headers: list[tuple[bytes, bytes]], http_version: str = "1.1") -> tuple[int, bytes]:
    """One request straight to the ASGI app, with exactly these header lines."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": http_version,
        "method": "GET",
        "scheme": "http",
        "path": REFERENCES,
        "raw_path": REFERENCES.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(client.app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


def journal(client) -> list[dict]:
    return client.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]


def verdict(client) -> dict:
    report = client.get("/__sandbox/tenants/demo/contracts").json()
    return next(c for c in report["checks"] if c["name"] == "host_header_valid")


@pytest.mark.parametrize(
    ("lines", "broken", "message"),
    [
        ([], "missing", "is required in an HTTP/1.1 request"),
        (
            [(b"host", b"ws.cbso.nbb.be"), (b"host", b"ws.cbso.nbb.be")],
            "repeated",
            "must be sent once, in one field line",
        ),
        (
            [(b"host", b"ws.cbso.nbb.be/authentic")],
            "invalid",
            "must be a host name or address, with an optional port (RFC 9110 §7.2)",
        ),
    ],
)
def test_a_host_rfc_9112_forbids_is_a_400_in_the_apis_shape_journaled_and_reported(lines, broken, message):
    client = make_client()
    status, body = call(client, [*lines, KEY])
    assert status == 400
    assert orjson.loads(body) == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": f"The Host header {message}",
        "violations": [{"field": "Host", "defaultMessage": f"Host {message}", "messageKey": "host.invalid"}],
    }
    (entry,) = journal(client)
    assert (entry["api"], entry["status"], entry["notes"]) == ("nbb-cbso", 400, {"host": broken})
    found = verdict(client)
    assert found["outcome"] == "failed"
    assert found["findings"][0]["message"] == (
        f"1 request(s) to nbb-cbso had a Host header that was {broken}; production answers 400, as the "
        "sandbox did"
    )


@pytest.mark.parametrize(
    ("lines", "http_version"),
    [([(b"host", b"")], "1.1"), ([], "1.0"), ([(b"host", b"127.0.0.1:8000")], "1.1")],
    ids=["empty Host", "HTTP/1.0 without Host", "address and port"],
)
def test_an_empty_host_and_an_http_1_0_request_without_one_are_served(lines, http_version):
    client = make_client()
    status, body = call(client, [*lines, KEY], http_version)
    assert (status, orjson.loads(body)) == (200, [])
    assert "notes" not in journal(client)[0]
    assert verdict(client)["outcome"] == "passed"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (b"ws.cbso.nbb.be", True),
        (b"ws.cbso.nbb.be:443", True),
        (b"my_sandbox:8000", True),
        (b"[::1]:8000", True),
        (b"", True),
        (b"a b", False),
        (b"user@ws.cbso.nbb.be", False),
        (b"ws.cbso.nbb.be:https", False),
        (b"ws.cbso.nbb.be?x", False),
        (b"[::1", False),
        ("bücher.be".encode("latin-1"), False),
    ],
)
def test_a_host_is_a_name_or_address_with_an_optional_port(value, ok):
    assert valid(value) is ok


@pytest.mark.parametrize(
    "value", [b"999.999.999.999", b"256.1.1.1:80", b"ws.cbso.nbb.be:123456", b"1.2.3.4.5.6:99999999"]
)
def test_a_host_that_only_looks_plain_is_judged_by_rfc3986(value):
    assert valid(value) is False


def test_every_host_the_plain_pattern_admits_rfc3986_admits():
    """The pattern only spares importing rfc3986 for what every client sends: it must never admit
    a value rfc3986 refuses."""
    rng = random.Random(17)
    admitted = 0
    for _ in range(20_000):
        value = "".join(rng.choice("ab09z5.-:2") for _ in range(rng.randint(1, 16))).encode()
        if PLAIN_HOST.fullmatch(value):
            admitted += 1
            assert valid_by_rfc3986(value), value
    assert admitted > 1_000


def raw_request(url: str, head: str) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head.encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_the_server_lets_two_host_lines_through_and_the_sandbox_answers_them_400():
    """uvicorn's default parser (httptools) passes a second Host line to the app: the sandbox is
    what refuses it, on a real socket as in the tests above."""
    with running_sandbox(Settings(now=parse_instant(DEFAULT_NOW), frozen=True)) as url:
        head = (
            f"GET {REFERENCES} HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n"
            "NBB-CBSO-Subscription-Key: demo-authentic\r\nConnection: close\r\n\r\n"
        )
        answer = raw_request(url, head)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 400 Bad Request"
    assert b"application/problem+json" in rest
    assert (
        orjson.loads(rest.partition(b"\r\n\r\n")[2])["detail"]
        == "The Host header must be sent once, in one field line"
    )
