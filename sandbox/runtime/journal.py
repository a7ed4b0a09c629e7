"""The journal: every exchange of a tenant, bounded (oldest dropped), secrets redacted.

Secrets are replaced by a short fingerprint, so a reader can still tell that two requests carried
the same token or key without ever seeing it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL

from sandbox.runtime import keys
from sandbox.runtime.store import Recipe, Store, register_maker

BODY_LIMIT = 2048  # characters of a body kept in the journal
PDF_PREVIEW_LIMIT = 32 * 1024  # bytes of a PDF kept whole to be looked at (an NBB deposit PDF: 2.6 KB)
ZIP_LISTING_LIMIT = 200  # entries of a zip listed (a daily extract can hold thousands)
UNATTRIBUTED = "unattributed"  # exchanges whose credential named no tenant
MAX_NOTED = 10_000  # tenants noted as active between two housekeeping rounds (5 s apart)
NOT_JOURNALED = object()  # a body whose journal form is still to be made
_SECRETS = r"authorization|cookie|secret|password|passwd|token|api[-_]?key|subscription[-_]?key|code_verifier"
_SECRET_NAME = re.compile(rf"{_SECRETS}|^code$|^key$", re.I)
_SECRET_HEADER = re.compile(rf"{_SECRETS}|key$", re.I)  # X-Api-Key, NBB-CBSO-Subscription-Key, ...
# a JSON member whose name says secret, with a string value: redacted in one pass, never parsed;
# a value cut off by the end of the kept text counts too, so no prefix of a secret is kept
_SECRET_MEMBER = re.compile(
    rb'("(?:[^"\\]*(?:' + _SECRETS.encode() + rb')[^"\\]*|code|key)"\s*:\s*)"((?:[^"\\]|\\.)*)(?:"|\\?\Z)',
    re.I,
)

# a secret-named query parameter inside text, such as the code in a redirect page's link
_SECRET_IN_URL = re.compile(rf"([?&;](?:[\w-]*(?:{_SECRETS})[\w-]*|code|key)=)([^&\"'<>\s]+)", re.I)


@functools.lru_cache(maxsize=4096)  # the same few keys and tokens come back on every exchange
def fingerprint(secret: str) -> str:
    return "[redacted:" + hashlib.sha256(secret.encode()).hexdigest()[:8] + "]"


@functools.lru_cache(maxsize=1024)
def _header_kind(name: str) -> str:
    """How a header is journaled, by its name (a handful of names recur on every exchange)."""
    lowered = name.lower()
    if lowered == "location":
        return "location"
    if lowered in ("authorization", "proxy-authorization"):
        return "credentials"
    return "secret" if _SECRET_HEADER.search(name) else "plain"


def redact_header(name: str, value: str) -> str:
    kind = _header_kind(name)
    if kind == "location" and "?" in value:  # an authorization code rides in the redirect
        base, _, query = value.partition("?")
        pairs = parse_qsl(query, keep_blank_values=True)
        return (
            base + "?" + urlencode([(k, fingerprint(v) if _SECRET_NAME.search(k) else v) for k, v in pairs])
        )
    if kind == "credentials":
        scheme, _, credential = value.partition(" ")
        return f"{scheme} {fingerprint(credential)}" if credential else fingerprint(value)
    return fingerprint(value) if kind == "secret" else value


# a cheap first look (case-insensitive regex alternations are slow in `re`): plain substrings
_SECRET_WORDS = (
    *(
        w.encode()
        for w in ("authorization", "cookie", "secret", "password", "passwd", "token", "code_verifier")
    ),
    *(b"api" + sep + b"key" for sep in (b"", b"-", b"_")),
    *(b"subscription" + sep + b"key" for sep in (b"", b"-", b"_")),
    b'"code"',
    b'"key"',
)


# each secret word under a shorter word it contains: one scan rules out a whole group
_GROUPS = {
    anchor: tuple(word for word in _SECRET_WORDS if anchor in word)
    for anchor in (b"authorization", b"cookie", b"secret", b"passw", b"token", b"code", b"key")
}


def _names_secret(raw: bytes) -> bool:
    lowered = raw.lower()
    return any(
        anchor in lowered and any(word in lowered for word in group) for anchor, group in _GROUPS.items()
    )


def redact_json(raw: bytes) -> bytes:
    """JSON text with the string value of every secret-named member replaced by its fingerprint."""
    if not _names_secret(raw):
        return raw
    return _SECRET_MEMBER.sub(
        lambda m: m[1] + b'"' + fingerprint(m[2].decode("utf-8", "replace")).encode() + b'"', raw
    )


def _json_text(raw: bytes) -> str:
    """A JSON body as the journal keeps it: redacted, cut at BODY_LIMIT characters. Only the kept
    part is read (UTF-8 takes at most 4 bytes a character), so the cost does not grow with the body."""
    head = raw[: 4 * BODY_LIMIT]
    text = redact_json(head).decode("utf-8", "replace")
    return text[:BODY_LIMIT] + "..." if len(raw) > len(head) or len(text) > BODY_LIMIT else text


def journaled_body(raw: bytes, content_type: str) -> Any:
    """A body as the journal keeps it: redacted, and cut or summarised past BODY_LIMIT."""
    if not raw:
        return None
    main = content_type.split(";", 1)[0].strip().lower()
    if main == "application/x-www-form-urlencoded":
        pairs = parse_qsl(raw[: 4 * BODY_LIMIT].decode("utf-8", "replace"), keep_blank_values=True)
        return {k: fingerprint(v) if _SECRET_NAME.search(k) else v for k, v in pairs}
    if (main.endswith("json") or main.endswith(".jsonxbrl")) and "zip" not in main:
        return _json_text(raw)
    if main.startswith("text/") or main.endswith("xml") or main.endswith(".xbrl"):
        text = raw[:BODY_LIMIT].decode("utf-8", "replace")
        return _SECRET_IN_URL.sub(lambda m: m[1] + fingerprint(m[2]), text)
    return f"<{len(raw)} bytes {main or 'unknown'}>"


def _preview(raw: bytes, content_type: str) -> dict | None:
    """What a person reading the journal can see of a binary body: the entries of a zip, a small
    PDF itself. Other bodies get none (their text is in `body`)."""
    main = content_type.split(";", 1)[0].strip().lower()
    if not raw or not (main == "application/pdf" or "zip" in main):
        return None
    if main == "application/pdf":
        if len(raw) > PDF_PREVIEW_LIMIT:
            return None
        return {"pdf": base64.b64encode(raw).decode("ascii")}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        return None
    listed = [{"name": i.filename, "size": i.file_size} for i in infos[:ZIP_LISTING_LIMIT]]
    return {"zip": listed, "entries": len(infos)}


# a body as its entry keeps it: its journal form and its preview
MadeBody = tuple[Any, dict | None]


def _side(body: bytes | MadeBody, content_type: str, journaled: Any) -> MadeBody:
    if type(body) is tuple:
        return body
    return journaled_body(body, content_type) if journaled is NOT_JOURNALED else journaled, _preview(
        body, content_type
    )


def entry(
    *,
    api: str,
    operation_id: str | None,
    method: str,
    path: str,
    query: str,
    request_headers: list[tuple[str, str]],
    request_body: bytes | MadeBody,
    status: int,
    response_headers: list[tuple[str, str]],
    response_body: bytes | MadeBody,
    started: float,
    duration: float,
    fault: str | None = None,
    clock: str | None = None,
    ignored_query: list[str] | None = None,
    journaled_response_body: Any = NOT_JOURNALED,
    notes: dict | None = None,
) -> dict:
    request_type = next((v for k, v in request_headers if k.lower() == "content-type"), "")
    response_type = next((v for k, v in response_headers if k.lower() == "content-type"), "")
    request_side = _side(request_body, request_type, NOT_JOURNALED)
    response_side = _side(response_body, response_type, journaled_response_body)
    kept = {
        "time": datetime.fromtimestamp(started, UTC).isoformat(),
        "api": api,
        "operationId": operation_id,
        "method": method,
        "path": path,
        "query": [[k, fingerprint(v) if _SECRET_NAME.search(k) else v] for k, v in parse_qsl(query, True)],
        "status": status,
        "durationMs": round(duration * 1000, 2),
        "fault": fault,
        "clock": clock,  # the tenant's sandbox time, which date rules are judged by
        "ignoredQuery": sorted(set(ignored_query or ())),  # answered as if absent; see unknown-query
        "request": {
            "headers": [[k, redact_header(k, v)] for k, v in request_headers],
            "body": request_side[0],
        },
        "response": {
            "headers": [[k, redact_header(k, v)] for k, v in response_headers],
            "body": response_side[0],
        },
    }
    for side, (_, preview) in (("request", request_side), ("response", response_side)):
        if preview is not None:  # zips and PDFs only
            kept[side]["preview"] = preview
    if notes:  # a handler's notes for the contract checks; most exchanges have none
        kept["notes"] = notes
    return kept


JOURNAL_MAKER = "journal"


def exchange_recipe(
    *,
    api: str,
    operation_id: str | None,
    scope: dict,
    request_body: bytes,
    status: int,
    raw_headers: list[tuple[bytes, bytes]],
    response_body: bytes,
    journaled_response_body: Any,
    started: float,
    duration: float,
    fault: str | None,
    clock: datetime | None,
    ignored_query: list[str],
    notes: dict | None,
) -> Recipe:
    """What the entry of an exchange is made from, as the request's scope and header lists stand."""
    where = (scope.get("scheme", "http"), scope.get("server"), scope["path"], scope.get("query_string", b""))
    # None: made from the body's bytes, which would give a kept answer's None (an empty body) too
    journaled = None if journaled_response_body is NOT_JOURNALED else journaled_response_body
    return Recipe(
        JOURNAL_MAKER,
        (
            api,
            operation_id,
            scope["method"],
            where,
            scope["headers"],
            request_body,
            status,
            raw_headers,
            response_body,
            journaled,
            started,
            duration,
            fault,
            clock,
            ignored_query,
            notes,
        ),
    )


def _made(args: tuple) -> dict:
    (api, operation_id, method, where, headers, request_body, status, raw_headers, response_body) = args[:9]
    journaled, started, duration, fault, clock, ignored_query, notes = args[9:]
    scheme, server, path, query_string = where
    url = URL(
        scope={
            "scheme": scheme,
            "server": server,
            "path": path,
            "query_string": query_string,
            "headers": headers,
        }
    )
    return entry(
        api=api,
        operation_id=operation_id,
        method=method,
        path=url.path,
        query=url.query,
        request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers],
        request_body=request_body,
        status=status,
        response_headers=[(k.decode(), v.decode()) for k, v in raw_headers],
        response_body=response_body if type(response_body) is tuple else bytes(response_body),
        journaled_response_body=NOT_JOURNALED if journaled is None else journaled,
        started=started,
        duration=duration,
        fault=fault,
        clock=clock.isoformat() if isinstance(clock, datetime) else clock,
        ignored_query=ignored_query,
        notes=notes,
    )


def _lean(args: tuple) -> tuple:
    """The recipe with each body that is not empty made already (its journal form and preview),
    so that a shared store never keeps a large upload or answer whole, and the clock as text."""
    headers, request_body, raw_headers, response_body, journaled = args[4], args[5], args[7], args[8], args[9]
    if request_body:
        content_type = next((v.decode("latin-1") for k, v in headers if k.lower() == b"content-type"), "")
        request_body = _side(request_body, content_type, NOT_JOURNALED)
    if response_body:
        content_type = next((v.decode() for k, v in raw_headers if k.lower() == b"content-type"), "")
        response_body = _side(
            bytes(response_body), content_type, NOT_JOURNALED if journaled is None else journaled
        )
    clock = args[13]  # as its text: marshal does not write a datetime
    return (
        *args[:5],
        request_body,
        args[6],
        args[7],
        response_body,
        None,
        *args[10:13],
        None if clock is None else clock.isoformat(),
        *args[14:],
    )


register_maker(JOURNAL_MAKER, _made, _lean)


class Journal:
    def __init__(self, store: Store, size: int) -> None:
        self.store = store
        self.size = size
        # Tenants journaled since housekeeping last looked: what tells a used tenant from an idle one.
        self.recently_active: set[str] = set()

    async def record(self, tenant: str, make: Callable[[], dict], weight: int) -> int:
        """Journal the entry `make()` gives (an `exchange_recipe`), made when it is first read (see
        `Store.append_later`); `weight` is what `make` holds on to, in bytes."""
        if len(self.recently_active) < MAX_NOTED:  # an app served without its lifespan never drains it
            self.recently_active.add(tenant)
        return await self.store.append_later(keys.journal(tenant), make, self.size, weight)

    async def read(
        self,
        tenant: str,
        *,
        after: int = 0,
        limit: int = 1000,
        api: str | None = None,
        operation: str | None = None,
        status: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict]:
        found = []
        for seq, item in await self.store.since(keys.journal(tenant), after, self.size):
            when = datetime.fromisoformat(item["time"])
            if (
                (api is None or item["api"] == api)
                and (operation is None or item["operationId"] == operation)
                and (status is None or item["status"] == status)
                and (since is None or when >= since)
                and (until is None or when <= until)
            ):
                found.append({"seq": seq, **item})
        return found[:limit]
