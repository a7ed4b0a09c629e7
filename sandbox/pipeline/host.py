"""The Host header as HTTP/1.1 requires it (RFC 9112 §3.2): a server MUST answer 400 to an HTTP/1.1
request that has no Host, and to any request with more than one Host field line or a Host whose
value is not `uri-host [":" port]`. uvicorn's default parser (httptools) lets all three through
and h11 the invalid value, so the sandbox answers them as a production server does, in the API's
own error shape, and notes how the Host broke the rule for the contract check host_header_valid.

An empty Host is valid (a target URI with no authority), and HTTP/1.0 needs none.
"""

from __future__ import annotations

import functools
import re

from starlette.types import Scope

from sandbox import errors
from sandbox.errors import ApiError, Violation
from sandbox.runtime.exchange import HOST, Exchange

# What every client sends (a DNS name whose last label starts with a letter, or a dotted IPv4
# address, each with an optional port) and RFC 3986 plainly admits; rfc3986 judges every other
# value, and is imported only then (it compiles its grammar's regexes at import).
_OCTET = rb"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
PLAIN_HOST = re.compile(
    rb"(?:(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*|(?:" + _OCTET + rb"\.){3}" + _OCTET + rb")(?::\d{1,5})?",
    re.IGNORECASE,
)
_BROKEN = {
    "missing": "is required in an HTTP/1.1 request",
    "repeated": "must be sent once, in one field line",
    "invalid": "must be a host name or address, with an optional port (RFC 9110 §7.2)",
}


def check(scope: Scope, exchange: Exchange) -> None:
    """400 for a Host that breaks RFC 9112 §3.2, noted in the exchange as `missing`, `repeated`
    or `invalid`."""
    sent = [value for name, value in scope["headers"] if name == b"host"]
    if len(sent) == 1:
        broken = None if valid(sent[0]) else "invalid"
    elif sent:
        broken = "repeated"
    else:
        broken = "missing" if scope.get("http_version") == "1.1" else None
    if broken is None:
        return
    exchange.notes[HOST] = broken
    violation = Violation("Host", broken, _BROKEN[broken])
    raise ApiError(400, errors.INVALID_REQUEST, f"The Host header {_BROKEN[broken]}", violations=[violation])


@functools.lru_cache(maxsize=256)  # a client sends one Host again and again
def valid(value: bytes) -> bool:
    """`uri-host [":" port]`, or empty."""
    return not value or PLAIN_HOST.fullmatch(value) is not None or valid_by_rfc3986(value)


def valid_by_rfc3986(value: bytes) -> bool:
    import rfc3986
    from rfc3986.exceptions import ValidationError

    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        return False
    authority = rfc3986.uri_reference("//" + text)
    # the whole value must be the authority: a path, query, fragment or user name is no Host
    if authority.authority != text or authority.userinfo:
        return False
    try:
        _host_validator().validate(authority)  # a port that is not digits leaves no host to validate
    except ValidationError:
        return False
    return True


@functools.cache
def _host_validator():
    from rfc3986.validators import Validator

    return Validator().require_presence_of("host").check_validity_of("host")
