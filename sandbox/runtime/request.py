"""The request as the pipeline and handlers read it: Starlette's, with header lookups that do not
scan the header list each time. A request's headers are read by name a handful of times on its way
(credential, request id, Accept, parameters), and Starlette's `Headers` answers each by a scan of
the list and, for a name not sent, a `KeyError` caught in `Mapping.get`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import Scope


class FirstHeaders(Headers):
    """`Headers` whose `[]`, `get` and `in` read a name's first field line from a dict made once, as
    `Headers` finds it (names compared as the ASGI scope holds them, lower-cased)."""

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope=scope)
        # the first field line of a name wins: reversed, so that it is the last one written
        self._first: dict[bytes, bytes] = dict(reversed(self._list))

    def __getitem__(self, key: str) -> str:
        value = self._first.get(key.lower().encode("latin-1"))
        if value is None:
            raise KeyError(key)
        return value.decode("latin-1")

    def get(self, key: str, default: Any = None) -> Any:
        value = self._first.get(key.lower().encode("latin-1"))
        return default if value is None else value.decode("latin-1")

    def __contains__(self, key: Any) -> bool:
        return key.lower().encode("latin-1") in self._first


class SandboxRequest(Request):
    @property
    def headers(self) -> Headers:
        headers = self.__dict__.get("_headers")
        if headers is None:
            headers = self._headers = FirstHeaders(self.scope)
        return headers
