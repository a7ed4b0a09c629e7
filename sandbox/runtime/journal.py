"""The journal: every exchange of a tenant, bounded (oldest dropped), secrets redacted.

Secrets are replaced by a short fingerprint, so a reader can still tell that two requests carried
the same token or key without ever seeing it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from sandbox.runtime.store import Store
from sandbox.runtime.tenants import state_prefix

BODY_LIMIT = 2048  # characters of a body kept in the journal
UNATTRIBUTED = "unattributed"  # exchanges whose credential named no tenant
_SECRET_NAME = re.compile(r"authorization|cookie|secret|password|passwd|token|key|code_verifier|^code$", re.I)


def fingerprint(secret: str) -> str:
    return "[redacted:" + hashlib.sha256(secret.encode()).hexdigest()[:8] + "]"


def redact_header(name: str, value: str) -> str:
    if name.lower() == "location" and "?" in value:  # an authorization code rides in the redirect
        base, _, query = value.partition("?")
        pairs = parse_qsl(query, keep_blank_values=True)
        return (
            base + "?" + urlencode([(k, fingerprint(v) if _SECRET_NAME.search(k) else v) for k, v in pairs])
        )
    if name.lower() in ("authorization", "proxy-authorization"):
        scheme, _, credential = value.partition(" ")
        return f"{scheme} {fingerprint(credential)}" if credential else fingerprint(value)
    return fingerprint(value) if _SECRET_NAME.search(name) else value


def redact(value: Any) -> Any:
    """A JSON value with every secret-named member replaced by its fingerprint."""
    if isinstance(value, dict):
        return {
            k: fingerprint(str(v)) if _SECRET_NAME.search(k) and isinstance(v, str | int) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    main = content_type.split(";", 1)[0].strip().lower()
    if main == "application/x-www-form-urlencoded":
        return redact(dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)))
    if main.endswith("json") and "zip" not in main:
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw[:BODY_LIMIT].decode("utf-8", "replace")
        text = orjson.dumps(redact(parsed)).decode()
        return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "..."
    if main.startswith("text/") or main.endswith("xml") or main.endswith(".xbrl"):
        return raw[:BODY_LIMIT].decode("utf-8", "replace")
    return f"<{len(raw)} bytes {main or 'unknown'}>"


def entry(
    *,
    api: str,
    operation_id: str | None,
    method: str,
    path: str,
    query: str,
    request_headers: list[tuple[str, str]],
    request_body: bytes,
    status: int,
    response_headers: list[tuple[str, str]],
    response_body: bytes,
    started: float,
    duration: float,
    fault: str | None = None,
) -> dict:
    request_type = next((v for k, v in request_headers if k.lower() == "content-type"), "")
    response_type = next((v for k, v in response_headers if k.lower() == "content-type"), "")
    return {
        "time": datetime.fromtimestamp(started, UTC).isoformat(),
        "api": api,
        "operationId": operation_id,
        "method": method,
        "path": path,
        "query": [[k, fingerprint(v) if _SECRET_NAME.search(k) else v] for k, v in parse_qsl(query, True)],
        "status": status,
        "durationMs": round(duration * 1000, 2),
        "fault": fault,
        "request": {
            "headers": [[k, redact_header(k, v)] for k, v in request_headers],
            "body": _body(request_body, request_type),
        },
        "response": {
            "headers": [[k, redact_header(k, v)] for k, v in response_headers],
            "body": _body(response_body, response_type),
        },
    }


def journal_key(tenant: str) -> str:
    return f"{state_prefix(tenant)}journal"


class Journal:
    def __init__(self, store: Store, size: int) -> None:
        self.store = store
        self.size = size

    async def record(self, tenant: str, item: dict) -> int:
        return await self.store.append(journal_key(tenant), item, self.size)

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
        for seq, item in await self.store.since(journal_key(tenant), after, self.size):
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
