"""The request's headers read by name as Starlette's `Headers` reads them, and the request ids the
sandbox makes."""

import uuid

import pytest
from starlette.datastructures import Headers

from sandbox.pipeline.respond import fresh_request_id
from sandbox.runtime.request import FirstHeaders, SandboxRequest

RAW = [
    (b"host", b"example.test"),
    (b"accept", b"application/json"),
    (b"x-trace", b"first"),
    (b"x-trace", b"second"),
    (b"x-empty", b""),
    (b"x-latin", "café".encode("latin-1")),
]


@pytest.mark.parametrize(
    "name", ["Host", "accept", "X-Trace", "x-empty", "X-LATIN", "missing", "content-type"]
)
def test_a_name_reads_as_starlette_reads_it(name):
    ours, theirs = FirstHeaders({"headers": list(RAW)}), Headers(raw=list(RAW))
    assert ours.get(name) == theirs.get(name)
    assert ours.get(name, "default") == theirs.get(name, "default")
    assert (name in ours) == (name in theirs)
    if name in theirs:
        assert ours[name] == theirs[name]
    else:
        with pytest.raises(KeyError):
            ours[name]
    assert ours.getlist(name) == theirs.getlist(name)
    assert ours.items() == theirs.items() and len(ours) == len(theirs)


def test_the_request_makes_its_headers_once():
    request = SandboxRequest({"type": "http", "headers": list(RAW)})
    assert request.headers is request.headers
    assert request.headers["x-trace"] == "first"


def test_a_fresh_request_id_is_a_random_uuid_written_as_uuid4_writes_it():
    made = {fresh_request_id() for _ in range(2000)}
    assert len(made) == 2000
    for value in made:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, value)
